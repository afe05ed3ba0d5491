"""One of the 2 SDK worker processes SIGKILLed mid-run: no row lost or doubled in any export that lands.

Measured here: Beam's FnApiRunner does not retry a bundle whose worker process died; the
job fails ("Channel closed prematurely"). So the command must end with one line saying
so, the earlier export of that name must stay byte for byte, no temporary shards or
worker may be left, and the run after it has every row exactly once, in input order.
(Dataflow, Flink and Spark retry such bundles; the row ids and Beam's file sink keep rows
single there, and the merge checks the count: tests/integration/pipeline/test_text.py.)
"""

import os
import signal
import time

import pytest

from tests.support import pipeline as support

N_TEXTS = 40


def _has_tensorflow(pid):
    """True once the worker has TensorFlow mapped: it is loading the model for its first batch."""
    try:
        with open(f"/proc/{pid}/maps") as f:
            return "tensorflow" in f.read()
    except OSError:
        return False


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline-killed")
    texts, labels = support.sample_texts(N_TEXTS)
    support.write_shards(root / "in", texts, labels)
    job = support.cli("text", "--data", root / "in" / "all.csv", "--text-column", "review", "--logdir",
                      root / "logdir", "--run", "run", "--max-points", 10)  # the earlier export: 10 of the rows
    assert job.returncode == 0, job.stderr
    return root, texts


def _command(root):
    return ("text", "--data", root / "in" / "part-*.csv", "--text-column", "review", "--logdir", root / "logdir",
            "--run", "run", "--runner", "local", "--workers", 2)


def test_a_killed_worker_fails_cleanly_then_a_run_has_every_row_once(work):
    root, texts = work
    before = support.run_digest(root / "logdir" / "run")
    job = support.cli(*_command(root), wait=False)
    try:
        deadline, victim = time.monotonic() + 600, None
        while victim is None and job.poll() is None and time.monotonic() < deadline:
            victim = next((p for p in support.tagged_processes(job.tag, worker=True) if _has_tensorflow(p)), None)
            time.sleep(0.2)
        assert victim is not None, "no worker reached the inference stage"
        os.kill(victim, signal.SIGKILL)
        _, err = job.communicate(timeout=600)
        left = support.tagged_processes(job.tag)
    finally:
        support.kill_tagged(job.tag)
    assert job.returncode == 2, err
    (line,) = err.strip().splitlines()
    assert line.startswith("error: a Beam worker process stopped mid-run"), line
    assert left == []
    assert support.run_digest(root / "logdir" / "run") == before
    assert [n for n in os.listdir(root) if "pipeline" in n] == []

    again = support.cli(*_command(root))
    assert again.returncode == 0, again.stderr
    metadata = support.export_files(root / "logdir", "run", "sentences")["metadata.tsv"].decode().splitlines()
    assert [row.split("\t")[0] for row in metadata[1:]] == texts  # each once, in order
