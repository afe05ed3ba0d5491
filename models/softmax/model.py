"""The news classifier: TF-IDF of words and bigrams -> dropout -> Dense(softmax), strings in.

Example:
>>> import numpy as np
>>> texts = np.array(["stocks fall", "team wins cup", "shares rise", "coach quits"], object)
>>> model = build_classifier(texts, num_classes=2)
>>> model.predict(as_inputs(["stocks rise"]), verbose=0).shape
(1, 2)

A linear model over bag-of-bigrams features is the classic strong baseline on
AG News and DBpedia (Zhang et al., 2015) and trains in seconds per epoch on 2
CPU cores. The vectoriser is part of the model, so the saved `.keras` file
classifies raw text.
"""

#: The name of the softmax layer whose outputs are exported.
OUTPUT_LAYER = "probabilities"


def build_classifier(texts, num_classes, *, max_tokens=50_000, dropout=0.5, learning_rate=1e-3, strategy=None):
    """A compiled classifier whose vocabulary is adapted on `texts`.

    Args:
      texts: the training texts (array or list of str).
      num_classes: width of the softmax output.
      max_tokens: vocabulary size: the most frequent words and bigrams.
      strategy: a `tf.distribute.Strategy` to build the weights under (default: the current one).
    """
    import keras
    import tensorflow as tf

    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, ngrams=2, output_mode="tf_idf",
                                                name="tf_idf")
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(as_inputs(texts)).batch(1024))
    with (strategy or tf.distribute.get_strategy()).scope():
        inputs = keras.Input(shape=(1,), dtype="string", name="text")
        features = keras.layers.Dropout(dropout)(vectorizer(inputs))
        outputs = keras.layers.Dense(num_classes, activation="softmax", name=OUTPUT_LAYER)(features)
        model = keras.Model(inputs, outputs, name="news_classifier")
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
    return model


def as_inputs(texts):
    """Texts as the (N, 1) string tensor the model takes (Keras refuses NumPy object arrays)."""
    import re

    import numpy as np
    import tensorflow as tf

    from models.line_breaks import LINE_BREAKS

    # Line breaks inside tokens would make the saved vocabulary unreadable to Keras (see models/line_breaks.py).
    breaks = re.compile(LINE_BREAKS)
    texts = [breaks.sub(" ", str(text)) for text in np.asarray(texts, dtype=object).ravel()]
    return tf.constant(np.asarray(texts, dtype=object).reshape(-1, 1), dtype=tf.string)
