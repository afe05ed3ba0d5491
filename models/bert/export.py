"""The classifier's `flatten` embeddings of a split, before and after fine-tuning, as two tensors of one run.

Example:
>>> frame = prediction_metadata(["so happy", "so sad"], ["joy", "sadness"],
...                             [[0.9, 0.1], [0.6, 0.4]], [4, 4], ["joy", "sadness"])
>>> frame["predicted"].tolist(), frame["correct"].tolist()
(['joy', 'joy'], ['yes', 'no'])

Both tensors share one metadata table (the fine-tuned model's predictions), so a
point's label is the same in either and the projector can be switched between them.
"""

import numpy as np
import pandas as pd

from exporter import export_embeddings
from models.bert.model import embedding_and_probabilities

BEFORE, AFTER = "flatten_before", "flatten_after"


def predict(model, encoder, texts, *, batch_size=64):
    """(flatten embeddings, class probabilities, word pieces per text) of `texts`, streamed."""
    (embeddings, probabilities), lengths = encoder.apply(
        embedding_and_probabilities(model), texts, batch_size=batch_size
    )
    return embeddings, probabilities, lengths


def prediction_metadata(texts, true_emotions, probabilities, lengths, emotions):
    """text, true emotion, predicted emotion, confidence, correct, length in tokens (word pieces)."""
    probabilities = np.asarray(probabilities)
    predicted = np.asarray(emotions)[probabilities.argmax(axis=1)]
    return pd.DataFrame({
        "text": list(texts),
        "emotion": list(true_emotions),
        "predicted": predicted,
        "confidence": np.round(probabilities.max(axis=1).astype(float), 3),  # shown as written: no "0.180" -> 0.18
        "correct": np.where(predicted == np.asarray(true_emotions), "yes", "no"),
        "tokens": np.asarray(lengths),
    })


def export_before_after(before, after, metadata, *, logdir, run, layouts=()):
    """Writes `before` and `after` (N x D each) as tensors BEFORE and AFTER of `logdir/run`.

    With `layouts`, AFTER is laid out in the frame of BEFORE (`align_to`): a text whose
    embedding fine-tuning left alone stays where it was, and the metadata column
    `neighbours_kept` says how much of each text's neighbourhood survived.
    """
    first = export_embeddings(before, metadata, logdir=logdir, run=run, name=BEFORE, normalize=True, layouts=layouts)
    second = export_embeddings(after, metadata, logdir=logdir, run=run, name=AFTER, normalize=True, layouts=layouts,
                               align_to=BEFORE if layouts else None)
    return [first, second]
