"""The "Word embeddings" tutorial's model: TextVectorization -> Embedding -> pooling -> Dense(16) -> Dense(1).

Example:
>>> from models.sentiment.model import Hyperparameters, build_vectorizer, build_classifier
>>> params = Hyperparameters(vocab_size=50, sequence_length=8, embedding_dim=4)
>>> vectorizer = build_vectorizer(params)
>>> vectorizer.adapt(["a great film", "a dull film"])
>>> build_classifier(params)(vectorizer(["a great film"])).shape
TensorShape([1, 1])

The vectorizer is kept out of the trained network (the strings are vectorised
once in the input pipeline, which is what makes an epoch fast and lets
`tf.distribute` shard integer batches); `end_to_end` joins them for saving.
"""

import dataclasses
import re
import string

import keras
import tensorflow as tf

from models.line_breaks import LINE_BREAKS

EMBEDDING_LAYER = "embedding"


@dataclasses.dataclass(frozen=True)
class Hyperparameters:
    """Everything that shapes the model; the defaults reach >= 0.86 IMDb test accuracy."""

    vocab_size: int = 20000
    sequence_length: int = 400
    embedding_dim: int = 16
    ngrams: int = 1
    dropout: float = 0.0
    learning_rate: float = 0.003


@keras.saving.register_keras_serializable(package="sentiment")
def custom_standardization(text):
    """Lower case, `<br />` tags and line breaks to spaces, punctuation removed (as in the tutorial).

    Line breaks other than "\\n" (IMDb has "\\x85") would stay inside tokens and break the saved model's reload.
    """
    lowercase = tf.strings.lower(text)
    stripped_html = tf.strings.regex_replace(lowercase, f"<br />|{LINE_BREAKS}", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


def build_vectorizer(params):
    """Text to `sequence_length` token ids; row i of the vocabulary is embedding row i."""
    return keras.layers.TextVectorization(
        max_tokens=params.vocab_size,
        standardize=custom_standardization,
        output_mode="int",
        output_sequence_length=params.sequence_length,
        ngrams=params.ngrams if params.ngrams > 1 else None,
        name="vectorize",
    )


def build_classifier(params):
    """Token ids to one logit (positive review > 0); padding is masked out of the average."""
    return keras.Sequential(
        [
            keras.Input(shape=(params.sequence_length,), dtype="int64"),
            keras.layers.Embedding(params.vocab_size, params.embedding_dim, mask_zero=True, name=EMBEDDING_LAYER),
            keras.layers.Dropout(params.dropout),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(16, activation="relu", name="hidden"),
            keras.layers.Dense(1, name="logit"),
        ],
        name="sentiment_classifier",
    )


def compile_classifier(classifier, params):
    classifier.compile(
        optimizer=keras.optimizers.Adam(params.learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )


def end_to_end(vectorizer, classifier):
    """Raw review strings to the logit: the model a user saves and reloads."""
    text = keras.Input(shape=(), dtype="string", name="review")
    return keras.Model(text, classifier(vectorizer(text)), name="sentiment")
