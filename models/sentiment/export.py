"""Exports the trained sentiment model's word embeddings: row i is vocabulary word i.

Example (an untrained classifier, so no training here; tests/integration/training/test_sentiment.py
exports a trained one):
>>> import tempfile
>>> import numpy as np
>>> from models.sentiment.model import Hyperparameters, build_classifier
>>> from models.sentiment.train import TrainedSentiment
>>> params = Hyperparameters(vocab_size=50, sequence_length=8)
>>> trained = TrainedSentiment(
...     vectorizer=None, classifier=build_classifier(params), vocabulary=["", "[UNK]", *(f"w{i}" for i in range(48))],
...     counts=np.arange(50), validation_ids=np.arange(32).reshape(4, 8) % 50, history={}, test_accuracy=None,
...     seconds_per_epoch=[], run_dir=None, is_chief=True)
>>> export_words(trained, logdir=tempfile.mkdtemp()).shape
(50, 16)

Metadata columns: word ('' shown as [PAD]), count (in the training text),
rank (1 = most frequent), sentiment (> 0: the word pulls a review towards
positive; see `sentiment_direction`). Colour by "sentiment" in the projector.
"""

import numpy as np

from exporter import embedding_table, export_table, unit_rows
from models.sentiment import RUN
from models.sentiment.model import EMBEDDING_LAYER

NAME = "words"


def export_words(trained, *, logdir="logdir", run=RUN, name=NAME, normalize=True, layouts=()):
    """Writes the Embedding rows with their vocabulary and scores to `logdir/run`; returns the `Export`."""
    weights = trained.classifier.get_layer(EMBEDDING_LAYER).embeddings.numpy()
    direction, origin = sentiment_direction(trained.classifier, trained.validation_ids)
    columns = {
        "count": trained.counts.astype(np.int64),
        "rank": frequency_rank(trained.counts),
        "sentiment": np.round(((weights - origin) @ direction).astype(np.float64), 4),
    }
    table = embedding_table(trained.classifier, trained.vocabulary, layer=EMBEDDING_LAYER, columns=columns)
    return export_table(table, logdir=logdir, run=run, name=name, normalize=normalize, layouts=layouts,
                        color_by="sentiment")


def sentiment_direction(classifier, token_ids):
    """The unit direction in embedding space the Dense head reads, and the average review's pooled vector.

    The head (Dense(16, relu) -> Dense(1)) is linearised at the reviews in
    `token_ids`: its gradient with respect to the pooled embedding, averaged.
    A word's score is its projection on that direction, measured from the
    average review, i.e. how far it moves a review's logit when it dominates it.
    """
    pooled = _pooled(classifier, token_ids)
    hidden, logit = classifier.get_layer("hidden"), classifier.get_layer("logit")
    w1, b1 = (v.numpy() for v in hidden.weights)
    w2 = logit.weights[0].numpy()[:, 0]
    active = (pooled @ w1 + b1 > 0).astype(np.float32)  # relu' per review and unit
    direction = w1 @ (active.mean(axis=0) * w2)
    return unit_rows(direction), pooled.mean(axis=0)


def frequency_rank(counts):
    """1 for the most frequent token, 2 for the next, ... (ties keep vocabulary order)."""
    order = np.argsort(-np.asarray(counts), kind="stable")
    ranks = np.empty(len(order), np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def _pooled(classifier, token_ids):
    import keras

    pooling = next(layer for layer in classifier.layers if isinstance(layer, keras.layers.GlobalAveragePooling1D))
    return keras.Model(classifier.inputs, pooling.output).predict(token_ids, batch_size=1024, verbose=0)
