"""Fine-tune BERT on GoEmotions and export the test split's `flatten` embeddings before and after.

Example:
>>> import tempfile
>>> from models.bert.data import SAMPLE_DIR, load_goemotions
>>> outcome = fine_tune_and_export(
...     load_goemotions(SAMPLE_DIR, "train"), load_goemotions(SAMPLE_DIR, "test"),
...     logdir=tempfile.mkdtemp(), epochs=1, verbose=0)
>>> sorted(outcome.exports)
['flatten_after', 'flatten_before']
"""

import dataclasses
import os

import numpy as np

from exporter.sources.sentence_encoder import SentenceEncoder
from models.bert.classifier import build_classifier
from models.bert.export import export_before_after, predict, prediction_metadata
from models.bert.train import fine_tune, save_model

#: Word pieces per text when fine-tuning (GoEmotions comments are short; longer ones are truncated).
TRAIN_MAX_LENGTH = 64


@dataclasses.dataclass
class Outcome:
    """What a run produced: the test split's embeddings, its metadata and scores, and the files."""

    before: np.ndarray
    after: np.ndarray
    metadata: object
    accuracy: float
    macro_f1: float
    exports: dict
    model_path: str


def fine_tune_and_export(train, test, *, logdir, run="bert", bert=None, epochs=2, max_length=TRAIN_MAX_LENGTH,
                         batch_size=32, model_path=None, verbose="auto"):
    """Trains on `train` (DataFrame text, emotion), exports `test` before/after into `logdir/run`, saves the model.

    The emotions are those of `train`, in sorted order; `model_path` defaults
    to `logdir/run/emotion_classifier.keras`; `verbose` is Keras's (2: one line per epoch).
    """
    emotions = sorted(train["emotion"].unique())
    encoder = SentenceEncoder.load(bert, max_length=max_length)
    model = build_classifier(encoder.backbone, len(emotions))
    before, _, _ = predict(model, encoder, test["text"])
    fine_tune(model, encoder, train["text"], train["emotion"].map(emotions.index), epochs=epochs,
              batch_size=batch_size, tensorboard_dir=os.path.join(logdir, run, "fine_tuning"), verbose=verbose)
    after, probabilities, lengths = predict(model, encoder, test["text"])
    metadata = prediction_metadata(test["text"], test["emotion"], probabilities, lengths, emotions)
    exports = {result.name: result for result in export_before_after(before, after, metadata, logdir=logdir, run=run)}
    model_path = model_path or os.path.join(logdir, run, "emotion_classifier.keras")
    save_model(model, model_path)
    true_ids = test["emotion"].map(emotions.index).to_numpy(int)
    accuracy, macro_f1 = scores(true_ids, probabilities)
    return Outcome(before, after, metadata, accuracy, macro_f1, exports, model_path)


def scores(true_ids, probabilities):
    """(accuracy, macro-F1) of the argmax of `probabilities` against integer `true_ids`."""
    import keras

    num_classes = probabilities.shape[1]
    predicted = probabilities.argmax(axis=1)
    f1 = keras.metrics.F1Score(average="macro")
    f1.update_state(keras.utils.to_categorical(true_ids, num_classes),
                    keras.utils.to_categorical(predicted, num_classes))
    return float((predicted == true_ids).mean()), float(f1.result())
