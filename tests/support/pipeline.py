"""Helpers for the pipeline tests: sample shards, the CLI as a subprocess, and the Beam workers it starts.

Every command gets a tag in its environment, which its SDK worker processes inherit, so a
test finds exactly its own workers in /proc (other people's Beam jobs may run on the
machine) and can check that none outlived the command.
"""

import csv
import glob
import hashlib
import os
import signal
import subprocess
import sys
import uuid

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "models", "bert", "sample", "train.tsv")
_TAG = "PROJECTOR_EXPORT_TEST_TAG"


def sample_texts(n):
    """(texts, labels) of the first `n` rows of the bundled GoEmotions sample (mixed lengths)."""
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        rows = [line.rstrip("\n").split("\t") for line in f][:n]
    return [r[0] for r in rows], [r[1] for r in rows]


def write_csv(path, texts, labels, *, text_column="review", label_column="label"):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([text_column, label_column])
        writer.writerows(zip(texts, labels))
    return path


def write_shards(folder, texts, labels, parts=3):
    """`parts` CSV shards part-<i>.csv of consecutive texts, plus all.csv holding them all in order."""
    os.makedirs(folder, exist_ok=True)
    bounds = np.linspace(0, len(texts), parts + 1).astype(int)
    for i, (start, end) in enumerate(zip(bounds, bounds[1:])):
        write_csv(os.path.join(folder, f"part-{i}.csv"), texts[start:end], labels[start:end])
    write_csv(os.path.join(folder, "all.csv"), texts, labels)
    return folder


def sample_shards(root, n):
    """The first `n` sample texts as shards in `root/in` (`write_shards`); returns (texts, labels)."""
    texts, labels = sample_texts(n)
    write_shards(os.path.join(root, "in"), texts, labels)
    return texts, labels


def cli(*args, tag=None, wait=True, timeout=900):
    """`projector-export ARGS` as a user runs it (console_main), tagged.

    Returns a `CompletedProcess` with `.tag` and `.left` (PIDs of its processes still alive
    when it ended, then killed), or, unless `wait`, the running `Popen` with `.tag`.
    """
    env = {**os.environ, _TAG: tag or uuid.uuid4().hex, "PYTHONPATH": ROOT}
    command = [sys.executable, "-c", "from exporter.cli import console_main; console_main()", *map(str, args)]
    job = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    job.tag = env[_TAG]
    if not wait:
        return job
    try:
        out, err = job.communicate(timeout=timeout)
        left = tagged_processes(job.tag)  # what outlived the command (should be nothing)
    finally:
        kill_tagged(job.tag)
    done = subprocess.CompletedProcess(command, job.returncode, out, err)
    done.tag, done.left = job.tag, left
    return done


def tagged_processes(tag, *, worker=False):
    """PIDs of live processes carrying `tag` (only Beam SDK workers with `worker`)."""
    found = []
    for environ in glob.glob("/proc/[0-9]*/environ"):
        pid = int(environ.split("/")[2])
        try:
            with open(environ, "rb") as f:
                if f"{_TAG}={tag}".encode() not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read()
            with open(f"/proc/{pid}/stat") as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if not zombie and (not worker or b"sdk_worker_main" in command):
            found.append(pid)
    return found


def kill_tagged(tag):
    """SIGKILL what is left of a command (nothing, when it cleaned up after itself)."""
    for pid in tagged_processes(tag):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def export_files(logdir, run, name):
    """{file name: bytes} of the current version of export `name` (the newest v<N> folder)."""
    versions = sorted(glob.glob(os.path.join(logdir, run, "projector-export", name, "v*")),
                      key=lambda p: int(p.rsplit("v", 1)[1]))
    folder = versions[-1]
    files = {}
    for file in sorted(os.listdir(folder)):
        with open(os.path.join(folder, file), "rb") as f:
            files[file] = f.read()
    return files


def vectors(files, dim):
    return np.frombuffer(files["vectors.bytes"], "<f4").reshape(-1, dim)


def run_digest(run_dir):
    """A hash of every file under `run_dir` (names and bytes): equal digests = an untouched run."""
    digest = hashlib.sha256()
    for folder, dirs, names in sorted(os.walk(run_dir)):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            digest.update(path.encode())
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


def min_cosine(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return float((a * b).sum(axis=1).min())
