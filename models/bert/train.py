"""Fine-tuning the emotion classifier on texts, with Keras progress bars and TensorBoard scalars.

Example (the batches `fine_tune` trains on; the training itself runs in
tests/integration/training/test_bert.py):
>>> import numpy as np
>>> from exporter import SentenceEncoder
>>> encoder = SentenceEncoder.load(max_length=64)
>>> inputs, labels = next(iter(text_batches(encoder, ["so happy", "so sad"], np.array([0, 1]), num_classes=2)))
>>> sorted(inputs), labels.numpy().tolist()
(['padding_mask', 'segment_ids', 'token_ids'], [[1.0, 0.0], [0.0, 1.0]])
"""

import numpy as np


def text_batches(encoder, texts, label_ids, num_classes, *, batch_size=32):
    """A `tf.data.Dataset` of (packed inputs, one-hot labels), each batch padded to its own longest text."""
    import keras
    import tensorflow as tf

    def generate():
        for start in range(0, len(texts), batch_size):
            inputs, _ = encoder.pack(texts[start : start + batch_size])
            yield inputs, keras.utils.to_categorical(label_ids[start : start + batch_size], num_classes)

    ids = tf.TensorSpec((None, None), tf.int32)
    signature = (
        {"token_ids": ids, "segment_ids": ids, "padding_mask": tf.TensorSpec((None, None), tf.bool)},
        tf.TensorSpec((None, num_classes), tf.float32),
    )
    dataset = tf.data.Dataset.from_generator(generate, output_signature=signature)
    return dataset.apply(tf.data.experimental.assert_cardinality(-(-len(texts) // batch_size))).prefetch(2)


def fine_tune(model, encoder, texts, label_ids, *, epochs=2, batch_size=32, tensorboard_dir=None, verbose="auto"):
    """Trains `model` (from `build_classifier`) on `texts` with integer `label_ids`; returns the History."""
    import keras

    texts, label_ids = list(texts), np.asarray(label_ids)
    num_classes = model.output.shape[-1]
    callbacks = [keras.callbacks.TensorBoard(tensorboard_dir)] if tensorboard_dir else []
    batches = text_batches(encoder, texts, label_ids, num_classes, batch_size=batch_size)
    return model.fit(batches, epochs=epochs, callbacks=callbacks, verbose=verbose, shuffle=False)  # shuffled once by the loader


def scores(true_ids, probabilities):
    """(accuracy, macro-F1) of the argmax of `probabilities` against integer `true_ids`."""
    import keras

    num_classes = probabilities.shape[1]
    predicted = probabilities.argmax(axis=1)
    f1 = keras.metrics.F1Score(average="macro")
    f1.update_state(keras.utils.to_categorical(true_ids, num_classes),
                    keras.utils.to_categorical(predicted, num_classes))
    return float((predicted == true_ids).mean()), float(f1.result())
