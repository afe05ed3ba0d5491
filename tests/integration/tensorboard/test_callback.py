"""ProjectorCallback in a real `model.fit`, read back through a real TensorBoard and its event files."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from exporter import ProjectorCallback
from exporter.errors import ExportError
from exporter.run import folder as run_folder

WORDS = ["aaa", "bbb", "ccc", "ddd", "eee", "fff"]
PROBE = np.random.default_rng(1).integers(len(WORDS), size=(10, 3))
PROBE_LABELS = [f"example{i}" for i in range(len(PROBE))]


def tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((3,), dtype="int32"),
        keras.layers.Embedding(len(WORDS), 4, name="embedding"),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(3, name="hidden"),
        keras.layers.Dense(1),
    ])
    model.compile(keras.optimizers.Adam(0.05), "mse")
    return model


def fit(callback, epochs, model=None, initial_epoch=0):
    model = model or tiny_model()
    rng = np.random.default_rng(0)
    x = rng.integers(len(WORDS), size=(64, 3))
    model.fit(x, x.sum(axis=1) / 10.0, batch_size=16, epochs=epochs, initial_epoch=initial_epoch, verbose=0,
              callbacks=[callback])
    return model


def snapshot_folders(run_dir):
    folder = os.path.join(run_dir, run_folder.EXPORTS_FOLDER)
    return sorted(name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name)))


def config_names(run_dir):
    return [e.tensor_name for e in run_folder.read_tensorboard_config(run_dir).embeddings]


def test_snapshots_show_in_tensorboard_with_aligned_metadata_and_moved_column(tensorboard):
    callback = ProjectorCallback(
        tensorboard.logdir, "fit", embeddings={"embedding": WORDS}, outputs={"hidden": PROBE_LABELS}, probe=PROBE,
        pca_bookmark=False,
    )
    model = fit(callback, epochs=3)
    tensorboard.wait_for_tensor("fit", "embedding.epoch-003", shape=(6, 4))
    names = [e["tensorName"] for e in tensorboard.info("fit")["embeddings"]]
    assert sorted(names) == [f"{layer}.epoch-{e:03d}" for layer in ("embedding", "hidden") for e in range(4)]

    served = [tensorboard.tensor("fit", f"embedding.epoch-{e:03d}") for e in range(4)]
    np.testing.assert_allclose(served[-1], model.get_layer("embedding").embeddings.numpy(), rtol=1e-6)
    assert not np.allclose(served[0], served[-1])  # it learned between snapshots
    for epoch in range(4):
        header, rows = tensorboard.metadata("fit", f"embedding.epoch-{epoch:03d}")
        assert header == ["label", "moved"]
        assert [row[0] for row in rows] == WORDS
        expected = np.linalg.norm(served[epoch] - served[epoch - 1], axis=1) if epoch else np.zeros(len(WORDS))
        np.testing.assert_allclose([float(row[1]) for row in rows], expected, atol=1e-5)

    hidden = keras.Model(model.inputs, model.get_layer("hidden").output).predict(PROBE, verbose=0)
    np.testing.assert_allclose(tensorboard.tensor("fit", "hidden.epoch-003"), hidden, rtol=1e-5, atol=1e-6)
    header, rows = tensorboard.metadata("fit", "hidden.epoch-003")
    assert header == ["label", "moved"] and [row[0] for row in rows] == PROBE_LABELS


def test_keep_removes_old_snapshots_from_disk_checkpoint_and_configs(tensorboard):
    run_dir = os.path.join(tensorboard.logdir, "keep")
    fit(ProjectorCallback(tensorboard.logdir, "keep", embeddings={"embedding": WORDS}, keep=2), epochs=4)
    kept = ["embedding.epoch-003", "embedding.epoch-004"]
    assert snapshot_folders(run_dir) == kept
    assert config_names(run_dir) == kept
    assert sorted(e.name for e in run_folder.list_exports(tensorboard.logdir, "keep")) == kept
    with open(os.path.join(run_dir, "projector_config.json"), encoding="utf-8") as f:
        assert [e["tensorName"] for e in json.load(f)["embeddings"]] == kept
    tensorboard.wait_until(
        lambda: sorted(e["tensorName"] for e in tensorboard.info("keep")["embeddings"]) == kept,
        timeout=60, what="only the kept snapshots in /info",
    )

    # A later fit into the same run counts the snapshots already there.
    fit(ProjectorCallback(tensorboard.logdir, "keep", embeddings={"embedding": WORDS}, keep=3), epochs=1)
    assert config_names(run_dir) == ["embedding.epoch-004", "embedding.epoch-000", "embedding.epoch-001"]
    assert snapshot_folders(run_dir) == ["embedding.epoch-000", "embedding.epoch-001", "embedding.epoch-004"]


def test_every_n_epochs_plus_the_start_and_the_end(tmp_path):
    callback = ProjectorCallback(tmp_path, "every", embeddings={"embedding": WORDS}, every=2)
    fit(callback, epochs=5)
    assert callback.snapshots == ["embedding.epoch-000", "embedding.epoch-002", "embedding.epoch-004",
                                  "embedding.epoch-005"]


def test_continued_fit_goes_on_without_rewriting_the_last_snapshot(tmp_path):
    callback = ProjectorCallback(tmp_path, "resume", embeddings={"embedding": WORDS})
    model = fit(callback, epochs=2)
    moved_at_2 = open(run_folder.find_export(str(tmp_path), "resume", "embedding.epoch-002").files["metadata"]).read()
    fit(callback, epochs=4, model=model, initial_epoch=2)
    assert callback.snapshots == [f"embedding.epoch-{e:03d}" for e in range(5)]
    assert open(run_folder.find_export(str(tmp_path), "resume", "embedding.epoch-002").files["metadata"]).read() == moved_at_2
    assert float(moved_at_2.splitlines()[1].split("\t")[1]) > 0


def test_watched_words_log_similarity_scalars_and_neighbour_text(tmp_path):
    callback = ProjectorCallback(
        tmp_path, "watch", embeddings={"embedding": WORDS}, watch={"bbb": ["ccc"]}, neighbours=2,
    )
    fit(callback, epochs=3)
    run_dir = str(tmp_path / "watch")
    events = EventAccumulator(run_dir, size_guidance={"tensors": 0})
    events.Reload()
    snapshots = {e: run_folder.read_export(str(tmp_path), "watch", f"embedding.epoch-{e:03d}").vectors for e in range(4)}

    def cosine(matrix, a, b):
        return matrix[a] @ matrix[b] / np.linalg.norm(matrix[a]) / np.linalg.norm(matrix[b])

    sims = events.Tensors("embedding/sim(bbb, ccc)")
    assert [s.step for s in sims] == [0, 1, 2, 3]
    for s in sims:
        assert tf.make_ndarray(s.tensor_proto) == pytest.approx(cosine(snapshots[s.step], 1, 2), abs=1e-5)

    texts = {t.step: tf.make_ndarray(t.tensor_proto).item().decode() for t in events.Tensors("embedding/neighbours(bbb)")}
    assert sorted(texts) == [0, 1, 2, 3]
    for step, text in texts.items():
        similarity = {w: cosine(snapshots[step], 1, i) for i, w in enumerate(WORDS) if w != "bbb"}
        nearest = sorted(similarity, key=similarity.get, reverse=True)[:2]
        assert [line.split("|")[1].strip() for line in text.splitlines()[2:]] == nearest
        # Every word ever among the neighbours keeps its own curve from then on.
        for word in nearest:
            assert step in [s.step for s in events.Tensors(f"embedding/sim(bbb, {word})")]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"embeddings": {"embedding": WORDS}, "watch": ["bbbb"]}, "watched word 'bbbb' is in no embeddings= vocabulary: did you mean 'bbb'"),
        ({"outputs": {"hidden": None}}, "outputs= needs probe="),
        ({}, "nothing to export"),
        ({"embeddings": {"embedding": WORDS}, "keep": 0}, "must be at least 1"),
    ],
)
def test_bad_arguments_fail_at_construction(tmp_path, kwargs, message):
    with pytest.raises(ExportError, match=message):
        ProjectorCallback(tmp_path, "bad", **kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"outputs": {"hiden": None}, "probe": PROBE}, "the model has no layer 'hiden': did you mean 'hidden'"),
        ({"embeddings": {"embedding": WORDS[:5]}}, "has 6 rows but the vocabulary has 5 entries"),
        ({"embeddings": {"embedings": WORDS}}, "no Embedding layer named 'embedings'"),
    ],
)
def test_wrong_layers_fail_before_anything_is_written(tmp_path, kwargs, message):
    with pytest.raises(ExportError, match=message):
        fit(ProjectorCallback(tmp_path, "bad", **kwargs), epochs=1)
    assert not (tmp_path / "bad").exists() or not any((tmp_path / "bad").iterdir())
