"""Two worker processes on 127.0.0.1 train the sentiment model with MultiWorkerMirroredStrategy."""

import json
import os
import signal
import socket
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from exporter.run import folder as run_folder
from models.sentiment.data import SAMPLE_DIR

TIMEOUT = 240


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def start_worker(index, workers, data, logdir, log):
    tf_config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
    env = dict(os.environ, TF_CONFIG=json.dumps(tf_config), TF_CPP_MIN_LOG_LEVEL="2")
    command = [
        sys.executable, "-m", "models.cli", "sentiment", "--strategy", "multi-worker", "--data", str(data),
        "--epochs", "1", "--logdir", str(logdir), "--vocab-size", "500", "--sequence-length", "64",
        "--batch-size", "64",
    ]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def load_weights(path):
    import keras

    import models.sentiment.model  # noqa: F401  (registers the standardisation function)

    return keras.models.load_model(path).get_weights()


# What a worker prints when another process took its port between `free_ports` and its bind (TensorFlow's
# cluster spec needs both ports before either worker starts, so they cannot bind port 0 and report back).
PORT_TAKEN = ("Address already in use", "Could not start gRPC server", "Failed to add port")


def run_workers(folder, data):
    """(exit codes or None on timeout, the two logs' tails, the two logdirs) of one training on fresh ports."""
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    logdirs = [folder / f"worker{i}" for i in range(2)]
    logs = [open(folder / f"worker{i}.log", "w") for i in range(2)]
    processes = [start_worker(i, workers, data, logdirs[i], logs[i]) for i in range(2)]
    try:
        codes = [process.wait(timeout=TIMEOUT) for process in processes]
    except subprocess.TimeoutExpired:
        codes = None
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in logs:
            log.close()
    return codes, [(folder / f"worker{i}.log").read_text()[-3000:] for i in range(2)], logdirs


def test_two_workers_end_with_the_same_weights(tmp_path):
    data = tmp_path / "tiny.csv"
    sample = pd.read_csv(os.path.join(SAMPLE_DIR, "train.csv.gz"), dtype=str, keep_default_na=False)
    sample.groupby("sentiment").head(150).to_csv(data, index=False)
    for attempt in range(3):  # again on fresh ports only when another process took one first
        (tmp_path / f"attempt{attempt}").mkdir()
        codes, outputs, logdirs = run_workers(tmp_path / f"attempt{attempt}", data)
        if codes == [0, 0] or not any(marker in output for output in outputs for marker in PORT_TAKEN):
            break
    if codes != [0, 0]:
        pytest.fail(f"workers exited with {codes}:\n" + "\n---\n".join(outputs))

    chief, other = (load_weights(logdir / "sentiment" / "sentiment.keras") for logdir in logdirs)
    assert [w.shape for w in chief] == [(500, 16), (16, 16), (16,), (16, 1), (1,)]
    for a, b in zip(chief, other):
        np.testing.assert_array_equal(a, b)
    assert chief[-1][0] != 0, "the logit bias starts at 0: one epoch of training must move it"
    # Only the chief writes scalars and exports; the other worker keeps its model only.
    assert {"scalars", run_folder.EXPORTS_FOLDER, "projector_config.pbtxt"} <= set(os.listdir(logdirs[0] / "sentiment"))
    assert run_folder.find_export(logdirs[0], "sentiment", "words").shape == (500, 16)
    assert os.listdir(logdirs[1] / "sentiment") == ["sentiment.keras"]
