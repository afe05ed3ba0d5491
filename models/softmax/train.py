"""Trains the news classifier, logging scalars to `<run_dir>/scalars/` and saving `<run_dir>/news_classifier.keras`.

Example (the batches `train_classifier` fits on; the training runs in tests/integration/training/test_softmax.py):
>>> import pandas as pd
>>> texts, labels = next(iter(batches(pd.Series(["stocks fell", "team won", "rain"]), pd.Series([2, 1, 0]), 2)))
>>> texts.shape[0], labels.numpy().tolist()
(2, [2, 1])

The test split is the validation data: its accuracy is logged every epoch, and
never used to pick a model.
"""

import os

from models.distribute import is_chief
from models.saving import save_model
from models.softmax.model import as_inputs, build_classifier

MODEL_FILE = "news_classifier.keras"
# Keras writes scalars to <dir>/train and <dir>/validation. Not directly under the run: TensorBoard's
# projector looks for a checkpoint in a run's parent folder too, and would offer the export as two
# extra runs without labels.
SCALARS_DIR = "scalars"


def train_classifier(news, *, run_dir, epochs=3, batch_size=64, max_tokens=50_000, strategy=None, seed=0,
                     progress=True, callbacks=()):
    """Adapts, fits and saves the classifier; returns it and its history (a dict of lists).

    `callbacks` are extra Keras callbacks for `fit`.
    Only the chief of a multi-worker `strategy` writes scalars and the model.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    strategy = strategy or tf.distribute.get_strategy()
    model = build_classifier(news.texts(news.train), len(news.class_names), max_tokens=max_tokens,
                             strategy=strategy)
    chief = is_chief(strategy)
    callbacks = [*callbacks, *([keras.callbacks.TensorBoard(log_dir=os.path.join(run_dir, SCALARS_DIR))] if chief else [])]
    with strategy.scope():
        # Keras 3 reduces the first (text, label) batch with strategy.reduce, which multi-worker
        # strategies refuse for strings: let fit find the strategy from this scope instead.
        model._distribute_strategy = None
        history = model.fit(
            batches(news.texts(news.train), news.train["label"], batch_size, shuffle_seed=seed),
            validation_data=batches(news.texts(news.test), news.test["label"], 512),
            epochs=epochs,
            callbacks=callbacks,
            shuffle=False,  # the training batches reshuffle themselves, seeded
            verbose=1 if progress else 0,
        )
    if chief:
        save_model(model, os.path.join(run_dir, MODEL_FILE))
    return model, history.history


def batches(texts, labels, batch_size, *, shuffle_seed=None):
    """A `tf.data` pipeline of (text, label) batches, sharded by example across workers."""
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((as_inputs(texts), labels.to_numpy("int32")))
    if shuffle_seed is not None:
        data = data.shuffle(len(labels), seed=shuffle_seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return data.batch(batch_size).with_options(options)

