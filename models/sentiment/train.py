"""Trains the sentiment model on IMDb and writes its TensorBoard scalars and `.keras` file.

Example (the vocabulary counts the export shows; `train` itself runs in
tests/integration/training/test_sentiment.py):
>>> import pandas as pd
>>> from models.sentiment.model import Hyperparameters
>>> token_counts(["", "[UNK]", "good", "bad"], Hyperparameters(), pd.Series(["Good, good film.", "bad"])).tolist()
[0, 1, 2, 1]

Everything lands in `logdir/<run>/` (`scalars/{train,validation}/` and `sentiment.keras`)
only once training has finished: a failed or interrupted run leaves the logdir as it was.
"""

import dataclasses
import os

import keras
import numpy as np
import tensorflow as tf

from models import distribute
from models.errors import DatasetError
from models.saving import staged_run
from models.sentiment import RUN
from models.sentiment import data as imdb
from models.sentiment import model as sentiment_model
from models.timing import EpochTimer

MODEL_FILE = "sentiment.keras"
# Not train/ and validation/ right in the run: TensorBoard's projector would also offer the
# run's tensors (from the parent's checkpoint, unlabelled) in those nested runs.
SCALARS_DIR = "scalars"


@dataclasses.dataclass
class TrainedSentiment:
    """The trained parts and what the export needs: vocabulary, token counts, a pooled-input sample."""

    vectorizer: object
    classifier: object
    vocabulary: list
    counts: np.ndarray
    validation_ids: np.ndarray
    history: dict
    test_accuracy: float | None
    seconds_per_epoch: list
    run_dir: str
    is_chief: bool


def train(
    data=None,
    *,
    logdir="logdir",
    run=RUN,
    epochs=10,
    params=sentiment_model.Hyperparameters(),
    strategy="default",
    batch_size=256,
    validation_fraction=0.2,
    seed=0,
    progress=True,
):
    """Trains on the train split of `data` (see `data.load_imdb`; None: the bundled sample).

    Keeps the epoch with the best validation accuracy (early stopping, patience 2),
    reports test accuracy when `data` holds a test split, and writes
    `logdir/run/{scalars,sentiment.keras}` from the chief worker.
    """
    strategy = distribute.make_strategy(strategy)  # before any other TF op, as multi-worker requires
    data = imdb.SAMPLE_DIR if data is None else os.fspath(data)
    reviews = imdb.load_imdb(data, "train", seed=seed)
    test = imdb.load_imdb(data, "test", seed=seed) if imdb.has_test_split(data) else None
    validation_size = max(1, int(len(reviews) * validation_fraction))
    fit_part, validation_part = reviews[:-validation_size], reviews[-validation_size:]
    if fit_part.label.nunique() < 2:
        raise DatasetError(f"{data}: the training part holds a single class: give both pos and neg reviews")

    keras.utils.set_random_seed(seed)
    vectorizer = sentiment_model.build_vectorizer(params)
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(fit_part.review.to_numpy(str)).batch(1024))
    vocabulary = vectorizer.get_vocabulary()
    if len(vocabulary) < params.vocab_size:
        raise DatasetError(
            f"{data}: the training text has only {len(vocabulary)} distinct tokens (with padding and [UNK]) "
            f"but the vocabulary size asked for is {params.vocab_size}: lower --vocab-size to at most "
            f"{len(vocabulary)} or give more reviews"
        )
    fit_ids = _token_ids(vectorizer, fit_part.review)
    validation_ids = _token_ids(vectorizer, validation_part.review)
    counts = token_counts(vocabulary, params, fit_part.review)

    chief = distribute.is_chief(strategy)
    with staged_run(logdir, run) as staging, strategy.scope():
        classifier = sentiment_model.build_classifier(params)
        sentiment_model.compile_classifier(classifier, params)
        timer = EpochTimer()
        callbacks = [keras.callbacks.EarlyStopping("val_accuracy", patience=2, restore_best_weights=True), timer]
        if chief:
            callbacks.append(keras.callbacks.TensorBoard(log_dir=os.path.join(staging, SCALARS_DIR)))
        history = classifier.fit(
            _dataset(fit_ids, fit_part.label, batch_size, shuffle_seed=seed),
            validation_data=_dataset(validation_ids, validation_part.label, batch_size),
            epochs=epochs,
            callbacks=callbacks,
            shuffle=False,  # the dataset reshuffles itself each epoch
            verbose=1 if progress else 0,
        )
        test_accuracy = None
        if test is not None:
            test_data = _dataset(_token_ids(vectorizer, test.review), test.label, batch_size)
            test_accuracy = classifier.evaluate(test_data, verbose=0, return_dict=True)["accuracy"]
        sentiment_model.end_to_end(vectorizer, classifier).save(os.path.join(staging, MODEL_FILE))
    return TrainedSentiment(
        vectorizer=vectorizer,
        classifier=classifier,
        vocabulary=vocabulary,
        counts=counts,
        validation_ids=validation_ids,
        history=history.history,
        test_accuracy=test_accuracy,
        seconds_per_epoch=timer.seconds,
        run_dir=os.path.join(logdir, run),
        is_chief=chief,
    )


def token_counts(vocabulary, params, texts):
    """How often each vocabulary entry occurs in `texts` (whole reviews, not truncated; [UNK]: all others).

    A count-mode vectorizer has no padding slot: its column 0 is [UNK], so '' gets 0 in front.
    """
    counter = keras.layers.TextVectorization(
        vocabulary=vocabulary[2:],  # '' and [UNK] are added back by the layer
        standardize=sentiment_model.custom_standardization,
        output_mode="count",
        ngrams=params.ngrams if params.ngrams > 1 else None,
    )
    batches = tf.data.Dataset.from_tensor_slices(texts.to_numpy(str)).batch(512).map(counter)
    return np.concatenate([[0], sum(batch.numpy().sum(axis=0) for batch in batches)])


def _token_ids(vectorizer, texts):
    batches = tf.data.Dataset.from_tensor_slices(texts.to_numpy(str)).batch(1024).map(vectorizer)
    return np.concatenate([batch.numpy() for batch in batches])


def _dataset(ids, labels, batch_size, shuffle_seed=None):
    dataset = tf.data.Dataset.from_tensor_slices((ids, labels.to_numpy("float32")[:, None]))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(ids), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size)

