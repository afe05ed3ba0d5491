"""Issue 13: a TensorBoard without TensorFlow serves our exports bit-exact with aligned labels.

Every model of `make demo` (`projector-train all`) is exported into one logdir and served
by TensorBoard 2.21 from a venv holding only tensorboard and numpy; so are matrices whose
raw bytes TensorBoard would take for text, and an export of the older checkpoint format
once the next export has converted it.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from exporter import ExportWarning, export_embeddings
from exporter.run import folder as run_folder
from tests.support.data import assert_bit_exact, random_vectors
from tests.support.tensorboard_without_tf import TensorBoardWithoutTensorFlow, ensure_venv

PROJECTOR_TRAIN = os.path.join(os.path.dirname(sys.executable), "projector-train")


@pytest.fixture(scope="module")
def demo_logdir(tmp_path_factory):
    """What `make demo` writes: every model trained on its bundled sample and exported."""
    ensure_venv()  # before the long training, so a registry problem fails fast
    logdir = tmp_path_factory.mktemp("demo")
    subprocess.run([PROJECTOR_TRAIN, "all", "--logdir", str(logdir)], check=True, capture_output=True, timeout=3000,
                   env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    return logdir


def _every_export(logdir):
    found = []
    for folder, _, files in os.walk(logdir):
        if run_folder.TENSORBOARD_CONFIG in files:
            run = os.path.relpath(folder, logdir)
            found += [(run, e) for e in run_folder.list_exports(str(logdir), run)]
    return found


def _assert_served(tb, run, export):
    tb.wait_for_tensor(run, export.name, shape=export.shape, timeout=120)
    expected = np.asarray(run_folder.read_vectors(export))
    assert_bit_exact(tb.tensor(run, export.name, num_rows=100_000), expected[:100_000])
    if "metadata" in export.files:
        with open(export.files["metadata"], encoding="utf-8") as f:
            lines = f.read().split("\n")
        header = 1 if "\t" in lines[0] else 0
        served = tb.metadata_text(run, export.name, num_rows=100_000).split("\n")
        assert served[: header + min(export.shape[0], 100_000)] == lines[: header + min(export.shape[0], 100_000)]


def test_every_demo_model_is_served_bit_exact_with_aligned_labels(demo_logdir):
    found = _every_export(demo_logdir)
    assert len({run for run, _ in found}) >= 4, found  # sentiment, word2vec, softmax, bert
    with TensorBoardWithoutTensorFlow(demo_logdir) as tb:
        for run, export in found:
            _assert_served(tb, run, export)
        assert "TensorFlow installation not found" in tb.log()


def test_text_like_raw_bytes_and_converted_older_exports_are_served(tmp_path):
    from tests.unit.exporter.run.test_folder import _first_line_text, _older_format_run

    vectors = _older_format_run(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        export_embeddings(np.zeros((5, 3), np.float32), ["a", "b", "c", "d", "e"], logdir=str(tmp_path), run="old",
                          name="zeros")  # converts the run's older export too
        export_embeddings(_first_line_text(), None, logdir=str(tmp_path), run="text", name="t")
        labelled = random_vectors(300, 16)
        export_embeddings(labelled, [f"w{i}" for i in range(300)], logdir=str(tmp_path), run="plain", name="w")
    with TensorBoardWithoutTensorFlow(tmp_path) as tb:
        for run, export in _every_export(tmp_path):
            _assert_served(tb, run, export)
        assert_bit_exact(tb.tensor("old", "words"), vectors)
        assert tb.metadata("old", "words") == [f"w{i}" for i in range(12)]
        assert "TensorFlow installation not found" in tb.log()
