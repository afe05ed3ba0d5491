"""`fix_keras_logdir`: the library call behind `projector-export fix`."""

import h5py
import numpy as np
import pytest

from exporter import ExportError, ExportOptions
from exporter.keras_logdir_fix import KERAS_TENSOR_NAME, fix_keras_logdir
from exporter.run import folder as run_folder
from exporter.validate import validate_logdir


def callback_logdir(tmp_path, rows=4):
    """What Keras 3's TensorBoard(embeddings_freq=1) leaves: a config naming its broken key, snapshots, metadata."""
    logdir = tmp_path / "logs"
    (logdir / "train").mkdir(parents=True)
    for epoch in (1, 2):
        with h5py.File(logdir / "train" / f"keras_embedding.ckpt-{epoch}.weights.h5", "w") as f:
            f["layers/embedding/vars/0"] = np.arange(12, dtype=np.float32).reshape(4, 3) * epoch
    (logdir / "projector_config.pbtxt").write_text(
        f'embeddings {{\n  tensor_name: "{KERAS_TENSOR_NAME}"\n  metadata_path: "words.tsv"\n}}\n')
    (logdir / "words.tsv").write_text("".join(f"w{i}\n" for i in range(rows)))
    return logdir


def test_exports_the_latest_snapshot_and_drops_the_broken_config(tmp_path):
    logdir = callback_logdir(tmp_path)
    fixed = fix_keras_logdir(str(logdir), options=ExportOptions(write_tsv=False))
    (config,) = fixed.configs
    assert config.snapshot.endswith("keras_embedding.ckpt-2.weights.h5") and fixed.upgraded == {}
    assert [e.name for e in config.exports] == ["embedding"] and config.exports[0].shape == (4, 3)
    assert not (logdir / "projector_config.pbtxt").exists()  # only the callback's entry was in it
    export = run_folder.find_export(str(logdir), "train", "embedding")
    np.testing.assert_array_equal(run_folder.read_vectors(export), np.arange(12).reshape(4, 3) * 2)
    assert "vectors_tsv" not in export.files
    assert validate_logdir(str(logdir)).ok
    assert fix_keras_logdir(str(logdir)).configs == ()  # nothing left to fix


def test_more_rows_than_labels_needs_trim_or_pad_and_writes_nothing(tmp_path):
    logdir = callback_logdir(tmp_path, rows=3)
    with pytest.raises(ExportError, match="--vocab-trim"):
        fix_keras_logdir(str(logdir))
    assert (logdir / "projector_config.pbtxt").exists() and not (logdir / "train" / "projector-export").exists()
    (config,) = fix_keras_logdir(str(logdir), vocab_trim=True).configs
    assert config.exports[0].shape == (3, 3)


def test_a_missing_logdir_is_an_export_error(tmp_path):
    with pytest.raises(ExportError, match="no such folder"):
        fix_keras_logdir(str(tmp_path / "nowhere"))
