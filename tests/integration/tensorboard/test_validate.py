"""The validator's verdicts checked against a real TensorBoard on 127.0.0.1.

What `validate` calls an error is what TensorBoard really does: a ragged
`tensor_path` TSV in one run makes config loading raise (HTTP 500) and hides the
checkpoint tensors of runs read after it; a blank label makes the served
metadata one row short.
"""

import os
import warnings

import numpy as np
from exporter import ExportWarning, export_embeddings, validate_logdir
from exporter.projector_rules import metadata_mismatch, parse_metadata
from exporter.run.event_file import ensure_event_file
from tests.support.tensorboard_server import TensorBoardError, TensorBoardServer


def tsv_run(folder, tensor_text, metadata_text):
    os.makedirs(folder)
    with open(os.path.join(folder, "vectors.tsv"), "w", encoding="utf-8") as f:
        f.write(tensor_text)
    with open(os.path.join(folder, "metadata.tsv"), "w", encoding="utf-8") as f:
        f.write(metadata_text)
    with open(os.path.join(folder, "projector_config.pbtxt"), "w", encoding="utf-8") as f:
        f.write('embeddings {\n  tensor_name: "words"\n  tensor_path: "vectors.tsv"\n  metadata_path: "metadata.tsv"\n}\n')
    ensure_event_file(folder)


def export_good_run(logdir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        export_embeddings(np.eye(4, 3, dtype=np.float32), ["a", "b", "c", "d"], logdir=logdir, run="good", name="emb")


def checkpoint_run_without_shape(folder):
    """The TensorBoard tutorial's way: a tf.train.Checkpoint and a config naming the variable, no shape."""
    import tensorflow as tf

    os.makedirs(folder)
    tf.train.Checkpoint(embedding=tf.Variable(np.ones((3, 2), np.float32))).save(os.path.join(folder, "e.ckpt"))
    with open(os.path.join(folder, "projector_config.pbtxt"), "w", encoding="utf-8") as f:
        f.write('embeddings {\n  tensor_name: "embedding/.ATTRIBUTES/VARIABLE_VALUE"\n}\n')
    ensure_event_file(folder)


def test_ragged_tensor_path_hides_other_runs_as_reported(tmp_path):
    checkpoint_run_without_shape(tmp_path / "zz")
    name = "embedding/.ATTRIBUTES/VARIABLE_VALUE"
    assert validate_logdir(tmp_path).ok
    with TensorBoardServer(tmp_path) as tb:
        tb.wait_for_tensor("zz", name, shape=[3, 2])

    tsv_run(tmp_path / "aa", "1\t2\n3\t4\t5\n", "x\ny\n")
    [error] = validate_logdir(tmp_path).errors
    assert error.path.endswith(os.path.join("aa", "vectors.tsv")) and error.line == 2
    assert "runs read after it" in error.message
    with _ServerSeeingErrors(tmp_path) as tb:
        assert any("HTTP 500" in e for e in tb.errors), tb.log()[-2000:]
        assert sorted(tb.runs()) == ["aa", "zz"]
        assert "tensorShape" not in tb.embedding("zz", name)  # so the projector does not list it


def test_blank_label_makes_served_metadata_one_row_short(tensorboard):
    logdir = tensorboard.logdir
    tsv_run(os.path.join(logdir, "tutorial"), "1\t2\n3\t4\n5\t6\n", "\n[UNK]\nthe\n")
    tensorboard.wait_for_tensor("tutorial", "words", shape=[3, 2])
    header, rows = parse_metadata(tensorboard.metadata_text("tutorial", "words", num_rows=100_000))
    message, refused = metadata_mismatch(3, len(header), len(rows))
    assert rows == [["[UNK]"], ["the"]] and not refused  # the frontend warns, then mislabels
    [error] = validate_logdir(logdir).errors
    assert message in error.message and error.line == 1


def test_clean_export_validates_and_is_served_bit_exact(tensorboard):
    export_good_run(tensorboard.logdir)
    report = validate_logdir(tensorboard.logdir)
    assert "good/emb" in report.embeddings
    assert not [f for f in report.findings if "good" in f.path]
    tensorboard.wait_for_tensor("good", "emb", shape=[4, 3])
    assert np.array_equal(tensorboard.tensor("good", "emb"), np.eye(4, 3, dtype=np.float32))
    assert tensorboard.metadata("good", "emb") == ["a", "b", "c", "d"]


class _ServerSeeingErrors(TensorBoardServer):
    """A server whose start-up check keeps the HTTP errors of /runs (the state under test) instead of failing."""

    errors = ()

    def _answers(self):
        try:
            self.runs()
        except TensorBoardError as error:
            self.errors = [*self.errors, str(error)]
            if "HTTP 500" not in str(error):
                raise
        return True
