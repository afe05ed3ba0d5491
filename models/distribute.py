"""The `tf.distribute` strategy every model trains under: `--strategy default|mirrored|multi-worker`.

Example:
>>> from models.distribute import make_strategy, is_chief
>>> strategy = make_strategy("default")
>>> strategy.num_replicas_in_sync, is_chief(strategy)
(1, True)

`mirrored` copies the model onto every local GPU (one replica on a CPU-only
machine); `multi-worker` runs synchronous data-parallel training across the
processes that the `TF_CONFIG` environment variable of each one describes, e.g.
`{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}`.
Worker 0 (or the "chief" task) is the chief: only it writes logs and exports.
The strategy must be made before any other TensorFlow op runs.
"""

import json
import os

from exporter import ExportError

STRATEGIES = ("default", "mirrored", "multi-worker")


def add_strategy_argument(parser):
    parser.add_argument(
        "--strategy", choices=STRATEGIES, default="default",
        help="tf.distribute strategy: default (this process), mirrored (all local GPUs) or multi-worker "
        "(synchronous training across the processes listed in TF_CONFIG; see docs/sentiment.md) "
        "(default: %(default)s)",
    )


def make_strategy(name="default"):
    """The `tf.distribute.Strategy` called `name` (one of `STRATEGIES`)."""
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi-worker":
        _check_tf_config()
        return _keras_multi_worker_strategy()
    raise ExportError(f"unknown strategy {name!r}: use one of {', '.join(STRATEGIES)}")


def is_chief(strategy):
    """True in the one process that should write logs, models and exports."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    return resolver.task_type == "worker" and resolver.task_id == 0 and "chief" not in resolver.cluster_spec().jobs


def _check_tf_config():
    text = os.environ.get("TF_CONFIG")
    if not text:
        raise ExportError(
            "--strategy multi-worker needs TF_CONFIG in every worker's environment, e.g. "
            '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}'
        )
    try:
        config = json.loads(text)
        workers = config["cluster"].get("worker", []) + config["cluster"].get("chief", [])
        task_type, index = config["task"]["type"], int(config["task"]["index"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ExportError(f"TF_CONFIG is not valid ({error!r} missing or wrong): see docs/sentiment.md") from None
    if not workers or task_type not in config["cluster"] or index >= len(config["cluster"][task_type]):
        raise ExportError(f"TF_CONFIG task {task_type}:{index} is not in its cluster {config['cluster']}")


def _keras_multi_worker_strategy():
    """A `MultiWorkerMirroredStrategy` whose `reduce` accepts what Keras 3's `fit` asks of it.

    Keras 3 averages each replica's scalar logs with `reduce("MEAN", v, axis=0)`, which
    fails across workers for scalars (tensorflow#72388): a scalar is reduced over replicas only.
    """
    import tensorflow as tf

    class KerasMultiWorkerStrategy(tf.distribute.MultiWorkerMirroredStrategy):
        def reduce(self, reduce_op, value, axis):
            def reduce_one(v):
                scalar = self.experimental_local_results(v)[0].shape.rank == 0
                return super(KerasMultiWorkerStrategy, self).reduce(reduce_op, v, None if scalar else axis)

            return tf.nest.map_structure(reduce_one, value)

    return KerasMultiWorkerStrategy()
