"""`fix` on a real Keras 3 callback logdir and `activations` on a saved text model, read back
through a real TensorBoard."""

import numpy as np

from exporter.cli import main
from tests.integration.tensorboard.test_on_disk_formats import WORDS, build_text_model


def test_fix_turns_the_keras_callback_output_into_a_projector_run(tensorboard, tmp_path):
    import keras

    model, vocabulary, _ = build_text_model()
    model.compile("adam", "mse")
    log_dir = f"{tensorboard.logdir}/callback"
    callback = keras.callbacks.TensorBoard(log_dir, embeddings_freq=1, embeddings_metadata={"words": "words.tsv"})
    texts = np.array([" ".join(WORDS[i : i + 4]) for i in range(12)], dtype=object)
    model.fit(texts, np.zeros((12, 2)), epochs=2, verbose=0, callbacks=[callback])
    # The callback takes metadata paths relative to its log_dir, as TensorBoard did.
    labels = [f"word {i}" for i in range(len(vocabulary))]
    with open(f"{log_dir}/words.tsv", "w", encoding="utf-8") as f:
        f.writelines(label + "\n" for label in labels)

    assert main(["fix", log_dir]) == 0

    tensorboard.wait_for_tensor("callback/train", "embedding", (len(vocabulary), 8))
    trained = model.get_layer("words").embeddings.numpy()
    np.testing.assert_array_equal(tensorboard.tensor("callback/train", "embedding"), trained)
    assert tensorboard.metadata("callback/train", "embedding") == labels
    assert main(["fix", log_dir]) == 0  # a second run finds nothing left to fix


def test_activations_exports_the_named_layer_per_text(tensorboard, tmp_path):
    model, _, _ = build_text_model()
    model.save(tmp_path / "model.keras")
    texts = [" ".join(WORDS[i : i + 3]) for i in range(10)]
    labels = ["pet" if "cat" in t or "dog" in t else "other" for t in texts]
    with open(tmp_path / "texts.csv", "w", encoding="utf-8") as f:
        f.write("id,text,label\n" + "".join(f"{i},{t},{l}\n" for i, (t, l) in enumerate(zip(texts, labels))))

    assert main(["activations", str(tmp_path / "model.keras"), "--layer", "pooled", "--data",
                 str(tmp_path / "texts.csv"), "--text-column", "text", "--label-column", "label",
                 "--batch-size", "4", "--logdir", tensorboard.logdir, "--run", "activations", "--name", "texts"]) == 0

    tensorboard.wait_for_tensor("activations", "texts", (10, 8))
    import keras

    pooling = keras.Model(model.inputs, model.get_layer("pooled").output)
    pooled = pooling.predict(np.array(texts, dtype=object), verbose=0)
    np.testing.assert_allclose(tensorboard.tensor("activations", "texts"), pooled, rtol=1e-5, atol=1e-7)
    header, rows = tensorboard.metadata("activations", "texts")
    assert header == ["text", "label"] and rows == [list(pair) for pair in zip(texts, labels)]
