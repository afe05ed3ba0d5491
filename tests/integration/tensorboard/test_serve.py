"""`projector-export serve` (a real process on 127.0.0.1) answers the frontend's requests with every row."""

import json
import os
import signal
import subprocess
import urllib.request

import numpy as np
import pytest

from exporter import export_embeddings
from exporter.cli import main
from exporter import projector_rules
from exporter.run.event_file import ensure_event_file
from tests.support.data import assert_bit_exact, random_vectors
from tests.support.tensorboard_server import PROJECTOR_EXPORT, ServeServer

N, D = 120_000, 4  # more rows than the frontend's num_rows=100000
pytestmark = pytest.mark.filterwarnings("ignore::exporter.errors.ExportWarning")


def multibyte_labels(n, offset=0):
    """Labels of 1- to 4-byte UTF-8 characters: their metadata file is over 1 MB."""
    return [f"{i + offset}-é€😀ü" for i in range(n)]


def frontend_labels(data):
    """Labels as the frontend decodes them: 1,000,000-byte slices decoded one by one, blank lines skipped."""
    text = "".join(data[i : i + projector_rules.SLICE_BYTES].decode("utf-8", "replace").removeprefix("\ufeff")
                   for i in range(0, len(data), projector_rules.SLICE_BYTES))
    return projector_rules.parse_metadata(text)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("serve-logdir")
    vectors = random_vectors(N, D)
    export_embeddings(vectors, multibyte_labels(N), logdir=logdir, run="big", name="words", write_tsv=False,
                      pca_bookmark=False, standalone_config=False)
    with ServeServer(logdir) as server:
        server.wait_for_tensor("big", "words", shape=(N, D))
        yield server, vectors


def test_frontend_request_gets_every_row_bit_exact(served):
    server, vectors = served
    assert_bit_exact(server.tensor("big", "words", num_rows=100_000), vectors)
    data = server.get("metadata", run="big", name="words", num_rows=100_000)
    assert len(data) > 2 * projector_rules.SLICE_BYTES
    unaligned = "".join(label + "\n" for label in multibyte_labels(N)).encode()
    assert 0x80 <= unaligned[projector_rules.SLICE_BYTES] < 0xC0  # without care, slice 2 would start mid-character
    assert frontend_labels(data) == (["label"], [[label] for label in multibyte_labels(N)])


def test_server_process_never_loads_tensorflow(served):
    server, _ = served
    with open(f"/proc/{server.process.pid}/maps") as f:
        assert "tensorflow" not in f.read()


def test_other_tools_layouts_raw_and_tsv_tensor_path_files(served, tmp_path):
    server, _ = served
    run = os.path.join(server.logdir, "other")
    os.makedirs(run)
    raw = random_vectors(30, 5, seed=1)
    raw.tofile(os.path.join(run, "raw.bin"))
    with open(os.path.join(run, "vectors.tsv"), "w") as f:
        f.write("1\t2\n3\t4\n5\t6\n")
    with open(os.path.join(run, "labels.tsv"), "wb") as f:  # another tool: a 3-byte character on byte 1,000,000
        f.write(b"x" * 999_998 + "\n€\nlast\n".encode())
    with open(os.path.join(run, "projector_config.pbtxt"), "w") as f:
        f.write('embeddings { tensor_name: "raw" tensor_path: "raw.bin" tensor_shape: [30, 5] }\n'
                'embeddings { tensor_name: "tsv" tensor_path: "vectors.tsv" metadata_path: "labels.tsv" }\n')
    ensure_event_file(run)
    server.wait_for_tensor("other", "raw", shape=(30, 5))
    assert_bit_exact(server.tensor("other", "raw", num_rows=100_000), raw)
    assert_bit_exact(server.tensor("other", "tsv", num_rows=100_000), [[1, 2], [3, 4], [5, 6]])
    labels = frontend_labels(server.get("metadata", run="other", name="tsv", num_rows=100_000))[1]
    assert labels == [["x" * 999_998], ["€"], ["last"]]


def test_tutorial_checkpoint_every_2d_variable_without_tensorflow(served):
    import tensorflow as tf

    server, _ = served
    run = os.path.join(server.logdir, "tutorial")
    embedding, other = random_vectors(40, 6, seed=4), random_vectors(7, 3, seed=5).astype(np.float64)
    checkpoint = tf.train.Checkpoint(embedding=tf.Variable(embedding), other=tf.Variable(other))
    checkpoint.save(os.path.join(run, "embedding.ckpt"))
    with open(os.path.join(run, "projector_config.pbtxt"), "w") as f:
        f.write('embeddings { tensor_name: "embedding/.ATTRIBUTES/VARIABLE_VALUE" }\n')
    ensure_event_file(run)
    server.wait_for_tensor("tutorial", "embedding/.ATTRIBUTES/VARIABLE_VALUE", shape=(40, 6))
    names = {e["tensorName"] for e in server.info("tutorial")["embeddings"]}
    assert names == {"embedding/.ATTRIBUTES/VARIABLE_VALUE", "other/.ATTRIBUTES/VARIABLE_VALUE"}
    assert_bit_exact(server.tensor("tutorial", "embedding/.ATTRIBUTES/VARIABLE_VALUE", num_rows=100_000), embedding)
    assert_bit_exact(server.tensor("tutorial", "other/.ATTRIBUTES/VARIABLE_VALUE"), other.astype(np.float32))


def test_reexport_is_served_without_restart(served):
    server, _ = served
    first, second = random_vectors(50, 3, seed=2), random_vectors(60, 3, seed=3)
    export_embeddings(first, None, logdir=server.logdir, run="again", name="v", write_tsv=False)
    server.wait_for_tensor("again", "v", shape=(50, 3))
    assert_bit_exact(server.tensor("again", "v"), first)
    export_embeddings(second, None, logdir=server.logdir, run="again", name="v", write_tsv=False)
    server.wait_for_tensor("again", "v", shape=(60, 3))
    assert_bit_exact(server.tensor("again", "v"), second)


def test_other_tabs_are_tensorboards_own(served):
    from tensorboardX import SummaryWriter

    server, _ = served
    with SummaryWriter(os.path.join(server.logdir, "training")) as writer:
        writer.add_scalar("loss", 0.5, 1)
        writer.add_text("note", "hello", 1)

    def get(route):
        with urllib.request.urlopen(f"{server.url}/data/{route}", timeout=60) as response:
            return json.load(response)

    server.wait_until(lambda: "loss" in get("plugin/scalars/tags").get("training", {}), timeout=60, what="scalars")
    assert get("plugin/scalars/scalars?run=training&tag=loss")[0][1:] == [1, 0.5]
    assert get("plugin/text/tags")["training"] == ["note/text_summary"]
    # TensorBoard decides in the background which tabs have data: the listing turns them on.
    server.wait_until(lambda: all(get("plugins_listing")[name]["enabled"] for name in ("scalars", "text", "projector")),
                      timeout=60, what="scalars, text and projector tabs enabled")


def test_max_points_caps_tensor_and_metadata_rows(served):
    server, vectors = served
    with ServeServer(server.logdir, max_points=1000, reload_interval=0.5) as capped:  # fractions too, as TensorBoard
        capped.wait_for_tensor("big", "words", shape=(N, D))
        assert_bit_exact(capped.tensor("big", "words", num_rows=100_000), vectors[:1000])
        assert capped.metadata("big", "words", num_rows=100_000) == multibyte_labels(1000)


def test_ctrl_c_stops_cleanly(tmp_path):
    server = ServeServer(tmp_path)
    server.start()
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=30) == 0
    assert "serve: stopped" in server.log() and "Traceback" not in server.log()
    server.stop()


def test_changed_tensorboard_is_one_clear_line(monkeypatch, tmp_path, capsys):
    from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin

    monkeypatch.delattr(ProjectorPlugin, "_read_latest_config_files")
    assert main(["serve", str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: serve: the installed TensorBoard") and "_read_latest_config_files" in error
    assert "\n" not in error


def test_missing_logdir_and_two_logdirs_are_one_line(tmp_path):
    for args in ([str(tmp_path / "nope")], [str(tmp_path), "--logdir", str(tmp_path / "other")]):
        result = subprocess.run([PROJECTOR_EXPORT, "serve", *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("error: serve:")
