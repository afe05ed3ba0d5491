"""Issue 21: `serve` under damage, and nothing outside the logdir served.

One real `projector-export serve` over a logdir holding a good run beside every kind of
damage: an unparsable `projector_config.pbtxt`, a folder of that name, a run symlinked
from outside the logdir, two symlink loops, a folder chain 1,000 deep, a `tensor_path` of
64 MB of zeros whose size does not match its shape. Every other run must be served
(each bad run skipped with one warning line, no traceback); then a version folder is
deleted and a tensor file truncated while they are served: a 4xx (or a cut answer) for
those requests only, and the server lives on (a memory map would have died of SIGBUS).
"""

import http.client
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import urllib.request

import pytest

from exporter import export_embeddings
from exporter.run import folder as run_folder
from exporter.run.event_file import ensure_event_file
from tests.support.data import assert_bit_exact, random_vectors
from tests.support.tensorboard_server import PROJECTOR_EXPORT, ServeServer, TensorBoardError

pytestmark = pytest.mark.filterwarnings("ignore::exporter.errors.ExportWarning")
GOOD = random_vectors(40, 6, seed=1)
BIG = random_vectors(300_000, 16, seed=2)  # 19 MB: several 4 MB pieces


def _export(logdir, run, vectors):
    export_embeddings(vectors, [f"w{i}" for i in range(len(vectors))], logdir=str(logdir), run=run, name="words",
                      write_tsv=False, pca_bookmark=False, standalone_config=False)
    return run_folder.find_export(str(logdir), run, "words")


def _bad_run(logdir, run, config=None):
    folder = logdir / run
    folder.mkdir(parents=True)
    ensure_event_file(str(folder))
    if config is not None:
        (folder / "projector_config.pbtxt").write_bytes(config)
    return folder


@pytest.fixture(scope="module")
def damaged():
    # Not under pytest's tmp_path: its clean-up (shutil.rmtree, recursive in Python 3.11) fails on 1,000 levels.
    root = pathlib.Path(tempfile.mkdtemp(prefix="serve-damage-"))
    chain = [str(root / "logdir" / "deep")]
    try:
        logdir = _damaged_logdir(root, chain)
        with ServeServer(logdir, reload_interval=0.5) as server:
            server.wait_for_tensor("cut", "words", shape=BIG.shape, timeout=120)
            yield server
    finally:
        _remove_chain(chain)
        shutil.rmtree(root)


def _damaged_logdir(root, chain):
    logdir = root / "logdir"
    for run in ("good", "doomed", "cut"):
        _export(logdir, run, GOOD if run != "cut" else BIG)
    _bad_run(logdir, "garbage", b"embeddings { tensor_name: \xff\xfe ]]] not a config")
    (_bad_run(logdir, "folder_config") / "projector_config.pbtxt").mkdir()
    mismatch = _bad_run(logdir, "mismatch", b'embeddings { tensor_name: "t" tensor_path: "t.bytes" '
                                            b'tensor_shape: [1000, 8] }\n')
    with open(mismatch / "t.bytes", "wb") as f:
        f.truncate(64 << 20)  # zeros: valid UTF-8, which TensorBoard would read as one 64 MB line of text
    _export(root / "elsewhere", "secret", random_vectors(5, 4, seed=3))
    os.symlink(root / "elsewhere" / "secret", logdir / "outside")
    os.symlink(".", logdir / "x")
    os.symlink(".", logdir / "y")
    os.mkdir(chain[0])
    for _ in range(1000):
        chain.append(os.path.join(chain[-1], "d"))
        os.mkdir(chain[-1])
    ensure_event_file(chain[-1])
    return logdir


def _remove_chain(chain):
    """Deletes the 1,000-deep folders bottom up (Python 3.11's shutil.rmtree recurses, pytest's clean-up too)."""
    for folder in reversed([f for f in chain if os.path.isdir(f)]):
        for name in os.listdir(folder):
            if not os.path.isdir(os.path.join(folder, name)):
                os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def test_every_other_run_is_served_and_each_bad_run_is_one_warning_line(damaged):
    runs = damaged.runs()
    assert {"good", "doomed", "cut", "mismatch"} <= set(runs)
    assert not {"garbage", "folder_config", "outside"} & set(runs), runs
    assert not [r for r in runs if r.startswith(("x/", "y/")) or "/x/" in r]  # the loops entered once
    assert_bit_exact(damaged.tensor("good", "words", num_rows=100_000), GOOD)
    log = damaged.log()
    assert "Traceback" not in log and "RecursionError" not in log, log[-3000:]
    warnings = [line for line in log.splitlines() if line.startswith("serve: warning")]
    for run in ("garbage", "folder_config"):
        assert len([w for w in warnings if f"run {run!r}: skipped: cannot read" in w]) == 1, "\n".join(warnings)
    assert len([w for w in warnings if "/outside: a symlink to" in w and "outside " in w]) == 1, warnings
    assert len([w for w in warnings if "(a cycle)" in w]) == 2, warnings  # x -> . and y -> .


def test_nothing_outside_the_logdir_is_served(damaged):
    for route in ("info", "tensor", "metadata"):
        with pytest.raises(TensorBoardError, match="HTTP 400"):
            damaged.get(route, run="outside", name="words")


def test_a_tensor_file_whose_size_does_not_match_its_shape_is_a_4xx_for_it_only(damaged):
    with pytest.raises(TensorBoardError, match=r"HTTP 422: .*67108864 bytes of raw float32 and shape \[1000, 8\]"):
        damaged.get("tensor", run="mismatch", name="t")
    assert_bit_exact(damaged.tensor("good", "words"), GOOD)


def test_a_version_folder_deleted_while_served_is_a_404_for_it_only(damaged):
    folder = run_folder.find_export(damaged.logdir, "doomed", "words").folder
    assert_bit_exact(damaged.tensor("doomed", "words"), GOOD)
    shutil.rmtree(folder)
    with pytest.raises(TensorBoardError, match="HTTP 404"):
        damaged.get("tensor", run="doomed", name="words")
    with pytest.raises(TensorBoardError, match="HTTP 4"):
        damaged.get("metadata", run="doomed", name="words")
    assert "good" in damaged.runs()
    assert_bit_exact(damaged.tensor("good", "words"), GOOD)


def test_a_tensor_file_truncated_while_streamed_cuts_that_answer_and_the_server_lives(damaged):
    path = run_folder.find_export(damaged.logdir, "cut", "words").files["vectors_bytes"]
    os.chmod(path, 0o644)
    url = f"{damaged.url}/data/plugin/projector/tensor?run=cut&name=words&num_rows=100000"
    with urllib.request.urlopen(url, timeout=60) as response:
        first = response.read(1 << 20)
        os.truncate(path, 4096)
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    assert first == BIG.tobytes()[: 1 << 20]
    assert damaged.process.poll() is None  # alive: no SIGBUS
    assert_bit_exact(damaged.tensor("good", "words"), GOOD)
    with pytest.raises(TensorBoardError, match="HTTP 4"):
        damaged.get("tensor", run="cut", name="words")


def test_bad_ports_are_one_error_line(tmp_path):
    """Out of range: argparse's usage and one error line; taken: one line (TensorBoard printed two, exit 255)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        for port, expected in (("99999", "error: argument --port: must be at most 65535, got 99999"),
                               (str(taken.getsockname()[1]), "error: serve: TensorBoard could not bind to port")):
            result = subprocess.run([PROJECTOR_EXPORT, "serve", str(tmp_path), "--port", port], capture_output=True,
                                    text=True, timeout=120)
            assert result.returncode == 2, (port, result.stderr)
            errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
            assert len(errors) == 1 and expected in errors[0] and "Traceback" not in result.stderr, result.stderr
            assert result.stderr.startswith("usage:" if port == "99999" else "error:"), result.stderr
