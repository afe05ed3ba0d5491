"""`validate` on logdirs written the way other tools write them, and on our own exports.

Each logdir is produced inside the test by the tool itself (tensorboardX, Keras 3's
callback, tf.train.Checkpoint) or by the TensorFlow tutorial's own loop.
"""

import os
import warnings

import numpy as np
import pandas as pd
import pytest

from exporter import ExportWarning, export_embeddings, make_bookmark, validate_logdir
from exporter.cli import main
from exporter.run.folder import find_export
from tests.support.tutorial import write_tutorial_files

WORDS = ["the cat sat on the mat", "a dog ate my homework", "the dog chased the cat"]


def messages(report):
    return "\n".join(map(str, report.findings))


def tutorial_vocabulary():
    import keras

    vectorize = keras.layers.TextVectorization()
    vectorize.adapt(WORDS)
    return vectorize.get_vocabulary()


def test_tutorial_padding_row_shifts_labels_and_is_reported_at_line_1(tmp_path):
    vocab = tutorial_vocabulary()
    assert vocab[0] == ""  # TextVectorization's padding token
    weights = np.random.default_rng(0).normal(size=(len(vocab), 8)).astype(np.float32)
    write_tutorial_files(tmp_path, vocab, weights)
    (tmp_path / "projector_config.pbtxt").write_text(
        'embeddings {\n  tensor_name: "embedding"\n  tensor_path: "vectors.tsv"\n  metadata_path: "metadata.tsv"\n}\n'
    )
    report = validate_logdir(tmp_path)
    assert not report.ok
    assert report.embeddings == ["./embedding"]
    [error] = report.errors
    assert error.path.endswith("metadata.tsv") and error.line == 1
    n = len(vocab)
    assert f"Number of tensors ({n}) do not match the number of lines in metadata ({n - 1})." in error.message
    assert "padding" in error.message and "placeholder" in error.fix


def test_tutorial_checkpoint_variant_without_padding_row_is_clean(tmp_path):
    import tensorflow as tf

    vocab = tutorial_vocabulary()[1:]
    weights = np.random.default_rng(1).normal(size=(len(vocab), 8)).astype(np.float32)
    (tmp_path / "metadata.tsv").write_text("".join(f"{w}\n" for w in vocab), encoding="utf-8")
    tf.train.Checkpoint(embedding=tf.Variable(weights)).save(str(tmp_path / "embedding.ckpt"))
    (tmp_path / "projector_config.pbtxt").write_text(
        'embeddings {\n  tensor_name: "embedding/.ATTRIBUTES/VARIABLE_VALUE"\n  metadata_path: "metadata.tsv"\n}\n'
    )
    report = validate_logdir(tmp_path)
    assert report.ok, messages(report)
    assert report.embeddings == ["./embedding/.ATTRIBUTES/VARIABLE_VALUE"]


def test_tensorboardx_add_embedding_with_an_empty_label(tmp_path):
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_embedding(np.eye(5, 3), metadata=["a", "b", "", "d", "e"], tag="words")
        writer.add_embedding(np.eye(4, 3), metadata=[["x", 1], ["y", 2], ["z", 3], ["w", 4]],
                             metadata_header=["word", "count"], tag="table")
    report = validate_logdir(tmp_path)
    assert sorted(report.embeddings) == ["./table:00000", "./words:00000"]
    [error] = report.errors
    assert error.path.endswith(os.path.join("words", "metadata.tsv")) and error.line == 3
    assert "(5) do not match the number of lines in metadata (4)" in error.message


def test_keras3_callback_output_points_to_projector_export_fix(tmp_path):
    import keras

    model = keras.Sequential([keras.Input((4,), dtype="int32"), keras.layers.Embedding(10, 3),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    callback = keras.callbacks.TensorBoard(log_dir=str(tmp_path), embeddings_freq=1)
    rng = np.random.default_rng(0)
    model.fit(rng.integers(0, 10, (8, 4)), rng.random(8), epochs=1, callbacks=[callback], verbose=0)
    assert list(tmp_path.glob("**/*.weights.h5"))
    report = validate_logdir(tmp_path)
    assert not report.ok and not report.embeddings  # nothing to show is an error; the callback's config a warning
    assert any("projector-export fix" in f.fix and ".weights.h5" in f.fix for f in report.findings), messages(report)


@pytest.mark.parametrize("variant", ["labels", "columns", "no_metadata", "bookmarks_sampled"])
def test_our_exports_validate_without_any_finding(tmp_path, variant):
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    tricky = ["", " ", "\t", "a\tb", "line\nbreak", "cr\rhere", "😀", " \ufeff", "\u2028", "[PAD]"] * 6
    options = {}
    metadata = {"labels": tricky, "columns": pd.DataFrame({"word": tricky, "n": range(60), "empty": [""] * 60}),
                "no_metadata": None, "bookmarks_sampled": {"word": tricky, "group": ["a", "b", "c"] * 20}}[variant]
    if variant == "bookmarks_sampled":
        options = {"max_points": 30, "stratify": "group", "normalize": True,
                   "bookmarks": [make_bookmark("umap", rng.random((30, 2)), projection="umap", color_by="group")]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        export_embeddings(vectors, metadata, logdir=tmp_path, run="ours/nested", name="emb", **options)
        export_embeddings(vectors[:5], None, logdir=tmp_path, run="ours/nested", name="second")
    report = validate_logdir(tmp_path)
    assert report.findings == [], messages(report)
    assert sorted(report.embeddings) == ["ours/nested/emb", "ours/nested/second"]


def test_cli_exit_status_and_one_line_per_finding(tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=tmp_path, run="good", name="emb")
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 embedding(s) checked, 0 error(s)")
    metadata = find_export(str(tmp_path), "good", "emb").files["metadata"]
    with open(metadata, "w", encoding="utf-8") as f:
        f.write("a\n\nc\n")
    assert main(["validate", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"error: {metadata}:2: Number of tensors (3)")
    assert "; fix: " in lines[0] and lines[-1].startswith("FAILED")
    assert main(["validate", str(tmp_path), "--json"]) == 1
    assert '"ok": false' in capsys.readouterr().out
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
