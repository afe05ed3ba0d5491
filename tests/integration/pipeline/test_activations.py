"""`activations MODEL.keras --runner local --workers 2` vs in-process: the same rows, order and layer outputs.

The model is a small saved text model (TextVectorization -> Embedding -> pooled), as users
train them; each worker loads it once from the .keras file. The pipeline runs once, with -v:
Beam's own log lines (the driver's and the workers') are shown; test_text checks that
without -v there are none.
"""

import os

import pytest

from tests.support import pipeline as support

N_TEXTS = 30


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    import keras

    root = tmp_path_factory.mktemp("pipeline-activations")
    texts, _ = support.sample_shards(root, N_TEXTS)
    vectorize = keras.layers.TextVectorization(max_tokens=500, output_sequence_length=24)
    vectorize.adapt(texts)
    inputs = keras.Input((1,), dtype="string")
    hidden = keras.layers.Embedding(500, 12)(vectorize(inputs))
    pooled = keras.layers.GlobalAveragePooling1D(name="pooled")(hidden)
    keras.Model(inputs, keras.layers.Dense(1)(pooled)).save(root / "model.keras")
    return root


def _activations(root, data, run, *extra):
    job = support.cli("activations", root / "model.keras", "--layer", "pooled", "--data", data, "--text-column",
                      "review", "--label-column", "label", "--logdir", root / "logdir", "--run", run, *extra)
    assert job.returncode == 0, job.stderr
    return job


@pytest.fixture(scope="module")
def beam(work):
    return _activations(work, work / "in" / "part-*.csv", "beam", "--runner", "local", "--workers", 2, "-v")


def test_same_rows_order_and_outputs_as_in_process(work, beam):
    _activations(work, work / "in" / "all.csv", "inprocess")
    assert beam.left == []
    assert [n for n in os.listdir(work) if "pipeline" in n] == []  # the temporary shards are gone
    assert f"merged: {N_TEXTS} rows in id order" in beam.stderr
    theirs = support.export_files(work / "logdir", "inprocess", "activations")
    ours = support.export_files(work / "logdir", "beam", "activations")
    assert ours["metadata.tsv"] == theirs["metadata.tsv"]
    assert support.min_cosine(support.vectors(ours, 12), support.vectors(theirs, 12)) >= 0.9999


def test_verbose_shows_beams_own_log_lines_from_driver_and_workers(beam):
    lines = beam.stderr.splitlines()
    assert any(line.startswith("INFO:apache_beam.runners.portability.fn_api_runner.worker_handlers:starting control "
                               "server") for line in lines), lines[:20]
    harness = [line for line in lines if line.endswith("Python sdk harness starting.")]  # a worker's own stderr
    assert len(harness) >= 2, lines[:20]  # both workers
    assert f"merged: {N_TEXTS} rows in id order" in lines  # our progress lines too


def test_a_layer_the_model_lacks_is_one_line_before_any_worker(work):
    job = support.cli("activations", work / "model.keras", "--layer", "pooledd", "--data", work / "in" / "part-*.csv",
                      "--text-column", "review", "--logdir", work / "logdir", "--run", "wrong", "--runner", "local")
    assert job.returncode == 2
    (line,) = job.stderr.strip().splitlines()
    assert line.startswith("error: the model has no layer 'pooledd': did you mean 'pooled'")
