"""The Python API is quiet by default: no TensorFlow C++ lines; warnings go through `warnings`."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCRIPT = """
import tempfile, warnings
import numpy as np
import exporter
logdir = tempfile.mkdtemp()
exporter.export_embeddings(np.random.rand(50, 8), [f"w{i}" for i in range(50)], logdir=logdir, name="words")
assert exporter.validate_logdir(logdir).ok
import tensorflow as tf
print(tf.reduce_sum(tf.ones(3)).numpy())
"""


def run(env_change):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_CPP", "PROJECTOR_EXPORT"))}
    env.update(env_change, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)


def test_import_and_export_print_no_tensorflow_log_lines_only_the_python_warning():
    job = run({})
    assert job.returncode == 0, job.stderr
    assert job.stdout == "3.0\n"
    lines = job.stderr.splitlines()
    warning_lines = [line for line in lines if "ExportWarning" in line]
    assert len(warning_lines) == 1 and "words: hint: with D=8" in warning_lines[0]
    assert len(lines) == 2, lines  # the warning and the source line it names: nothing else


def test_verbose_keeps_tensorflow_lines():
    job = run({"PROJECTOR_EXPORT_VERBOSE": "1"})
    assert job.returncode == 0, job.stderr
    assert "cuda" in job.stderr.lower() or "onednn" in job.stderr.lower()
