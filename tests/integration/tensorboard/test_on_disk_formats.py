"""Every on-disk format, built here from small models, exported through the CLI and read
back through a real TensorBoard: row i must be the vector of vocabulary entry i."""


import numpy as np
import pytest

from exporter.cli import main

WORDS = "the cat sat on the mat while a dog ran past the cat and the dog sat".split()


def export(*argv):
    assert main(["checkpoint", *map(str, argv)]) == 0


def served(tensorboard, run, name, shape):
    tensorboard.wait_for_tensor(run, name, shape)
    return tensorboard.tensor(run, name), tensorboard.metadata(run, name)


def build_text_model(extra_rows=0, pool=None):
    """A real TextVectorization + Embedding model: (model, vocabulary, embedding weights).

    `extra_rows` makes the Embedding larger than the vocabulary; `pool` replaces the
    pooling layer (e.g. a Lambda layer).
    """
    import keras

    vectorize = keras.layers.TextVectorization(output_sequence_length=6, name="vectorize")
    vectorize.adapt([" ".join(WORDS)])
    vocabulary = vectorize.get_vocabulary()
    inputs = keras.Input((), dtype="string")
    embedded = keras.layers.Embedding(len(vocabulary) + extra_rows, 8, name="words")(vectorize(inputs))
    pooled = (pool or keras.layers.GlobalAveragePooling1D(name="pooled"))(embedded)
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(pooled))
    return model, vocabulary, model.get_layer("words").embeddings.numpy()


@pytest.fixture(scope="module")
def text_model():
    return build_text_model()


def test_keras_archive_rows_follow_its_textvectorization(tensorboard, text_model, tmp_path):
    model, vocabulary, weights = text_model
    path = tmp_path / "model.keras"
    model.save(path)
    export(path, "--tensor", "words", "--logdir", tensorboard.logdir, "--run", "keras", "--name", "words")

    vectors, labels = served(tensorboard, "keras", "words", weights.shape)
    assert labels == ["[PAD]"] + vocabulary[1:]
    np.testing.assert_array_equal(vectors, weights)
    # The model's own lookup of "dog" lands on the row labelled "dog".
    index = int(model.get_layer("vectorize")(["dog"])[0, 0])
    np.testing.assert_array_equal(vectors[labels.index("dog")], weights[index])


def test_weights_h5_and_legacy_h5_with_a_vocab_file(tensorboard, text_model, tmp_path):
    model, vocabulary, weights = text_model
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(vocabulary), encoding="utf-8")
    model.save_weights(tmp_path / "model.weights.h5")
    keras_model_without_strings = _embedding_only(weights)
    keras_model_without_strings.save(tmp_path / "legacy.h5")
    for run, path in (("weights-h5", "model.weights.h5"), ("legacy-h5", "legacy.h5")):
        export(tmp_path / path, "--tensor", "embedding" if run == "weights-h5" else "words", "--vocab", vocab,
               "--logdir", tensorboard.logdir, "--run", run, "--name", "words")
        vectors, labels = served(tensorboard, run, "words", weights.shape)
        assert labels == ["[PAD]"] + vocabulary[1:]
        np.testing.assert_array_equal(vectors, weights)


def test_object_based_checkpoint_with_vocab_txt_beside_it(tensorboard, tmp_path):
    import tensorflow as tf

    table = np.random.default_rng(1).normal(size=(len(set(WORDS)), 5)).astype(np.float32)
    words = sorted(set(WORDS))
    (tmp_path / "vocab.txt").write_text("".join(w + "\n" for w in words), encoding="utf-8")
    tf.train.Checkpoint(model=tf.Module(), embedding=tf.Variable(table), bias=tf.Variable(np.ones(3))).save(
        str(tmp_path / "ckpt")
    )
    export(tmp_path, "--logdir", tensorboard.logdir, "--run", "tf2", "--name", "words")
    vectors, labels = served(tensorboard, "tf2", "words", table.shape)
    assert labels == words
    np.testing.assert_array_equal(vectors, table)


def test_name_based_tf1_checkpoint(tensorboard, tmp_path):
    import tensorflow as tf

    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    prefix = str(tmp_path / "model.ckpt-7")
    names = ["embeddings/word_embeddings", "dense/kernel", "global_step"]
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * 3,
                      tensors=[tf.constant(table), tf.constant(np.ones((3, 2), np.float32)), tf.constant(7, tf.int64)])
    (tmp_path / "vocab.txt").write_text("a\nb\nc\nd\n", encoding="utf-8")
    export(prefix, "--tensor", "word_embeddings", "--logdir", tensorboard.logdir, "--run", "tf1", "--name", "words")
    vectors, labels = served(tensorboard, "tf1", "words", table.shape)
    assert labels == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(vectors, table)


def test_saved_model_folder(tensorboard, text_model, tmp_path):
    model, vocabulary, weights = text_model
    model.export(str(tmp_path / "exported"), verbose=False)
    # A vocabulary shipped in the SavedModel's assets/ is found by --vocab auto.
    (tmp_path / "exported" / "assets" / "tokens_vocab.txt").write_text("\n".join(vocabulary), encoding="utf-8")
    export(tmp_path / "exported", "--tensor", "words/embeddings",
           "--logdir", tensorboard.logdir, "--run", "saved-model", "--name", "words")
    vectors, labels = served(tensorboard, "saved-model", "words", weights.shape)
    assert labels == ["[PAD]"] + vocabulary[1:]
    np.testing.assert_array_equal(vectors, weights)


def test_safetensors_folder_with_tokenizer_json(tensorboard, tmp_path):
    import json

    from safetensors.numpy import save_file

    table = np.random.default_rng(2).normal(size=(5, 4)).astype(np.float32)
    save_file({"embeddings.word_embeddings.weight": table, "pooler.dense.weight": np.eye(4, dtype=np.float32)},
              str(tmp_path / "model.safetensors"))
    vocab = {"[PAD]": 0, "[UNK]": 1, "hello": 2, "world": 3, "##s": 4}
    (tmp_path / "tokenizer.json").write_text(json.dumps({"model": {"type": "WordPiece", "vocab": vocab}}))
    export(tmp_path, "--tensor", "word_embeddings", "--logdir", tensorboard.logdir, "--run", "hf", "--name", "words")
    vectors, labels = served(tensorboard, "hf", "words", table.shape)
    assert labels == list(vocab)
    np.testing.assert_array_equal(vectors, table)


def test_keras_hub_preset_with_its_tokenizer_vocabulary(tensorboard, tmp_path):
    import keras_hub

    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "dog", "##s"]
    backbone = keras_hub.models.BertBackbone(vocabulary_size=len(vocabulary), num_layers=1, num_heads=1,
                                             hidden_dim=4, intermediate_dim=8, max_sequence_length=8)
    backbone.save_to_preset(str(tmp_path))
    keras_hub.models.BertTokenizer(vocabulary=vocabulary).save_to_preset(str(tmp_path))
    export(tmp_path, "--tensor", "reversible_embedding", "--logdir", tensorboard.logdir, "--run", "preset",
           "--name", "wordpieces")
    vectors, labels = served(tensorboard, "preset", "wordpieces", (len(vocabulary), 4))
    assert labels == vocabulary
    np.testing.assert_array_equal(vectors, backbone.token_embedding.embeddings.numpy())


def test_word2vec_binary_and_glove_text(tensorboard, tmp_path):
    from exporter.sources.word_vectors import write_word2vec_binary

    words = ["king", "queen", "naïve", "[x]"]
    table = np.random.default_rng(3).normal(size=(4, 6)).astype(np.float32)
    write_word2vec_binary(tmp_path / "vectors.bin", words, table)
    with open(tmp_path / "glove.txt", "w", encoding="utf-8") as f:
        f.writelines(f"{w} {' '.join(repr(float(v)) for v in row)}\n" for w, row in zip(words, table))
    for run, name in (("w2v-bin", "vectors.bin"), ("glove", "glove.txt")):
        export(tmp_path / name, "--logdir", tensorboard.logdir, "--run", run, "--name", "words")
        vectors, labels = served(tensorboard, run, "words", table.shape)
        assert labels == words
        np.testing.assert_array_equal(vectors, table)


def test_inspect_lists_tensors_layers_and_vocabularies(text_model, tmp_path, capsys):
    model, vocabulary, weights = text_model
    model.save(tmp_path / "model.keras")
    assert main(["inspect", str(tmp_path / "model.keras")]) == 0
    out = capsys.readouterr().out
    assert f"words/vars/0  {weights.shape[0]} x 8  float32  (layer words)" in out
    assert f"(layer vectorize): {len(vocabulary)} entries" in out
    assert "head/vars/0  8 x 2" in out
    assert "head/vars/1" not in out and "--all lists them" in out  # the bias is not 2-D


def _embedding_only(weights):
    import keras

    model = keras.Sequential([keras.Input((3,), dtype="int32"), keras.layers.Embedding(*weights.shape, name="words")])
    model.get_layer("words").set_weights([weights])
    return model
