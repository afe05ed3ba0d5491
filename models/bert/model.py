"""The emotion classifier: BERT's [CLS] vector -> a layer named `flatten` -> Dense(softmax).

Example:
>>> from exporter import SentenceEncoder
>>> encoder = SentenceEncoder.load(max_length=64)
>>> model = build_classifier(encoder.backbone, num_classes=7)
>>> model.get_layer("flatten").output.shape
(None, 384)

Softmax + categorical cross-entropy, not the sigmoid + binary cross-entropy of the
tutorial this follows: the classes are exclusive (one emotion per example).
"""

EMBEDDING_LAYER = "flatten"


def build_classifier(backbone, num_classes, *, learning_rate=5e-5):
    """A compiled Keras model on `backbone`'s packed inputs, outputting class probabilities."""
    import keras

    backbone.get_layer("pooled_dense").trainable = False  # BERT's own pooler is not on the path to the loss
    inputs = backbone.input
    sequence = backbone(inputs)["sequence_output"]
    cls_token = keras.ops.take(sequence, [0], axis=1)  # (batch, 1, hidden): [CLS] only
    embedding = keras.layers.Flatten(name=EMBEDDING_LAYER)(cls_token)
    probabilities = keras.layers.Dense(num_classes, activation="softmax", name="emotion")(embedding)
    model = keras.Model(inputs, probabilities, name="bert_emotion_classifier")
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def embedding_and_probabilities(model):
    """The same model with two outputs: the `flatten` embedding and the class probabilities."""
    import keras

    return keras.Model(model.input, [model.get_layer(EMBEDDING_LAYER).output, model.output])
