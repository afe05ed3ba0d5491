"""Bad input to the on-disk commands: one clear `error:` line, the candidates listed, nothing written."""

import os

import numpy as np
import pytest

from exporter.run.folder import find_export
from exporter.cli import main
from tests.integration.tensorboard.test_on_disk_formats import build_text_model


def fails(capsys, tmp_path, *argv):
    """Runs a command that must fail; returns its one error line after checking nothing was written."""
    logdir = tmp_path / "logdir"
    assert main([*map(str, argv), "--logdir", str(logdir), "--run", "r", "--name", "t"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, lines
    assert not (logdir / "r").exists() or not os.listdir(logdir / "r")
    return errors[0]


@pytest.fixture(scope="module")
def keras_file(tmp_path_factory):
    model, vocabulary, weights = build_text_model(extra_rows=3)
    path = tmp_path_factory.mktemp("model") / "model.keras"
    model.save(path)
    return path, vocabulary, weights


def test_truncated_and_corrupt_files(keras_file, tmp_path, capsys):
    path, _, _ = keras_file
    data = path.read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    assert "truncated or corrupt" in fails(capsys, tmp_path, "checkpoint", tmp_path / "cut.keras")
    (tmp_path / "bad.weights.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    assert "truncated or corrupt" in fails(capsys, tmp_path, "checkpoint", tmp_path / "bad.weights.h5")
    from exporter.sources.word_vectors import write_word2vec_binary

    write_word2vec_binary(tmp_path / "w.bin", ["a", "b", "c"], np.ones((3, 4)))
    (tmp_path / "cut.bin").write_bytes((tmp_path / "w.bin").read_bytes()[:-20])
    assert "truncated: the header promises 3 words, the file ends at word 2" in fails(
        capsys, tmp_path, "checkpoint", tmp_path / "cut.bin")


def test_truncated_tf_checkpoint_and_safetensors(tmp_path, capsys):
    import tensorflow as tf
    from safetensors.numpy import save_file

    prefix = tf.train.Checkpoint(embedding=tf.Variable(np.ones((50, 4), np.float32))).save(str(tmp_path / "ck" / "c"))
    data = f"{prefix}.data-00000-of-00001"
    with open(data, "r+b") as f:
        f.truncate(100)
    assert "truncated or corrupt data file" in fails(capsys, tmp_path, "checkpoint", tmp_path / "ck")
    save_file({"w": np.ones((50, 4), np.float32)}, str(tmp_path / "m.safetensors"))
    with open(tmp_path / "m.safetensors", "r+b") as f:
        f.truncate(200)
    assert "truncated or corrupt" in fails(capsys, tmp_path, "checkpoint", tmp_path / "m.safetensors")


def test_unknown_format_names_the_supported_ones(tmp_path, capsys):
    (tmp_path / "model.pt").write_bytes(bytes(range(256)) * 4)
    message = fails(capsys, tmp_path, "checkpoint", tmp_path / "model.pt")
    assert "unknown format" in message and "safetensors" in message and ".keras" in message


def test_tensor_choice_errors_list_the_candidates(keras_file, tmp_path, capsys):
    path, _, _ = keras_file
    message = fails(capsys, tmp_path, "checkpoint", path, "--tensor", "head/vars/1")
    assert "needs 2-D" in message and "words/vars/0" in message
    message = fails(capsys, tmp_path, "checkpoint", path, "--tensor", "vars/0")
    assert "ambiguous" in message and "head/vars/0" in message and "words/vars/0" in message
    assert "did you mean 'words" in fails(capsys, tmp_path, "checkpoint", path, "--tensor", "word")
    assert "several 2-D tensors" in fails(capsys, tmp_path, "checkpoint", path)


def test_vocabulary_length_mismatch_says_by_how_much_why_and_the_flag(keras_file, tmp_path, capsys):
    path, vocabulary, weights = keras_file
    message = fails(capsys, tmp_path, "checkpoint", path, "--tensor", "words")
    assert f"has {len(vocabulary) + 3} rows" in message and f"has {len(vocabulary)} entries" in message
    assert "3 rows without a token" in message and "--vocab-trim" in message and "--vocab none" in message
    (tmp_path / "long.txt").write_text("\n".join(f"w{i}" for i in range(100)))
    message = fails(capsys, tmp_path, "checkpoint", path, "--tensor", "words", "--vocab", tmp_path / "long.txt")
    assert "more tokens than rows" in message and "--vocab FILE" in message
    # The flag the message names does fix it: the first len(vocabulary) rows, labelled.
    logdir = tmp_path / "ok"
    assert main(["checkpoint", str(path), "--tensor", "words", "--vocab-trim", "--logdir", str(logdir)]) == 0
    labels = open(find_export(str(logdir), "default", "embedding").files["metadata"], encoding="utf-8").read().splitlines()
    assert labels == ["[PAD]"] + vocabulary[1:]


def test_activations_refuses_code_in_a_keras_file_unless_unsafe(tmp_path, capsys):
    import keras

    model, _, _ = build_text_model(pool=keras.layers.Lambda(lambda x: x[:, 0, :], name="first"))
    model.save(tmp_path / "lambda.keras")
    (tmp_path / "texts.csv").write_text("text\nthe cat\nthe dog\na mat\n")
    command = ["activations", tmp_path / "lambda.keras", "--layer", "first", "--data", tmp_path / "texts.csv",
               "--text-column", "text"]
    assert "--unsafe only if you trust the file" in fails(capsys, tmp_path, *command)
    assert main([*map(str, command), "--unsafe", "--logdir", str(tmp_path / "logdir"), "--run", "r"]) == 0


def test_activations_input_errors(tmp_path, capsys):
    model, _, _ = build_text_model()
    model.save(tmp_path / "model.keras")
    (tmp_path / "texts.tsv").write_text("text\tlabel\nthe cat\tpet\n")
    command = ["activations", tmp_path / "model.keras", "--data", tmp_path / "texts.tsv", "--text-column", "text"]
    assert "did you mean 'pooled'" in fails(capsys, tmp_path, *command, "--layer", "pooling")
    message = fails(capsys, tmp_path, *command, "--layer", "pooled", "--label-column", "class")
    assert "no column 'class'" in message and "['text', 'label']" in message
