"""Keras 3 on JAX: the callback, Embedding + vocabulary, layer outputs and `.keras` files,
exported in a KERAS_BACKEND=jax process and read back through a real TensorBoard
(this process runs Keras on TensorFlow, which checks the saved model's outputs)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from tests.support.keras_backend_job import TEXTS

pytest.importorskip("jax")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture(scope="module")
def jax_export(tensorboard, tmp_path_factory):
    out = tmp_path_factory.mktemp("jax")
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=ROOT)
    job = subprocess.run([sys.executable, "-m", "tests.support.keras_backend_job", tensorboard.logdir, str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert job.returncode == 0, job.stderr[-3000:]
    expected = dict(np.load(out / "expected.npz"))
    assert expected["backend"] == "jax"
    return tensorboard, out, expected


def test_callback_snapshots_of_a_jax_fit_show_in_tensorboard(jax_export):
    tensorboard, _, expected = jax_export
    tensorboard.wait_for_tensor("fit", "embedding.epoch-003", shape=(6, 4))
    names = sorted(e["tensorName"] for e in tensorboard.info("fit")["embeddings"])
    assert names == [f"{layer}.epoch-{e:03d}" for layer in ("embedding", "hidden") for e in range(4)]
    np.testing.assert_allclose(tensorboard.tensor("fit", "embedding.epoch-003"), expected["embedding"], rtol=1e-6)
    assert not np.allclose(tensorboard.tensor("fit", "embedding.epoch-000"), expected["embedding"])
    np.testing.assert_allclose(tensorboard.tensor("fit", "hidden.epoch-003"), expected["hidden"], rtol=1e-5, atol=1e-6)
    header, rows = tensorboard.metadata("fit", "embedding.epoch-003")
    assert header == ["label", "moved"] and [row[0] for row in rows] == ["aaa", "bbb", "ccc", "ddd", "eee", "fff"]
    events = EventAccumulator(os.path.join(tensorboard.logdir, "fit"), size_guidance={"tensors": 0}).Reload()
    assert [t.step for t in events.Tensors("embedding/neighbours(bbb)")] == [0, 1, 2, 3]


def test_embedding_layer_outputs_and_keras_file_exported_on_jax(jax_export):
    import keras  # TensorFlow backend here: the reference outputs of the same saved model

    tensorboard, out, expected = jax_export
    tensorboard.wait_for_tensor("archive", "words")
    labels = ["[PAD]" if t == "" else str(t) for t in expected["vocabulary"]]
    for run in ("text", "archive"):
        np.testing.assert_array_equal(tensorboard.tensor(run, "words"), expected["words"])
        assert tensorboard.metadata(run, "words") == labels

    model = keras.saving.load_model(out / "text.keras")
    pooled = keras.Model(model.inputs, model.get_layer("pooled").output).predict(np.array(TEXTS, dtype=object),
                                                                                 verbose=0)
    np.testing.assert_allclose(tensorboard.tensor("text", "texts"), pooled, rtol=1e-5, atol=1e-6)
    assert tensorboard.metadata("text", "texts") == TEXTS
