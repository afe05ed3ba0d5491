"""`Outcome`: what every model's `train_and_export` returns, the same record for each.

Every model's `cli.train_and_export(data=None, *, logdir="logdir", run=None, layouts=LAYOUTS, **options)`
trains on `data` (None: the bundled sample; `run` None: the model's own run name), exports what it
learned and returns an `Outcome`.

Example:
>>> outcome = Outcome("logdir/demo", {}, None, {"test_accuracy": 0.9})
>>> outcome.metrics["test_accuracy"], outcome.extras
(0.9, {})
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One training and its exports.

    Args:
      run_dir: the run folder the exports and training files are in.
      exports: {tensor name: its `exporter.Export`} written by this call (empty on a worker
        that is not the chief of a multi-worker training).
      model_path: the saved Keras model, or None when the model saves none.
      metrics: {name: value} measured after training, e.g. {"test_accuracy": 0.87}.
      extras: what only this model has, e.g. BERT's embeddings of the test split before and after.
    """

    run_dir: str
    exports: dict
    model_path: str = None
    metrics: dict = dataclasses.field(default_factory=dict)
    extras: dict = dataclasses.field(default_factory=dict)
