"""A TensorBoard installed without TensorFlow (the usual set-up of Keras-on-JAX and PyTorch users).

The test creates it itself: a venv with only `tensorboard==<ours>` and `numpy` from the
package registry, kept in the temp folder and reused while complete (set
PROJECTOR_EXPORT_NOTF_VENV to put it elsewhere). Building it takes about a minute.

Example:
>>> with TensorBoardWithoutTensorFlow("logdir") as tb:    # doctest: +SKIP
...     tb.wait_for_tensor("demo", "animals")
"""

import fcntl
import os
import subprocess
import sys
import tempfile

import numpy as np
import tensorboard

from tests.support.tensorboard_server import TensorBoardServer

VENV = os.environ.get("PROJECTOR_EXPORT_NOTF_VENV") or os.path.join(
    tempfile.gettempdir(), f"projector-export-tensorboard-{tensorboard.__version__}-without-tensorflow")


def ensure_venv():
    """The venv's folder, created (under a lock, so parallel tests build it once) unless complete."""
    ready = os.path.join(VENV, ".ready")
    os.makedirs(os.path.dirname(VENV), exist_ok=True)
    with open(VENV + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(ready):
            subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True, capture_output=True)
            subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", f"tensorboard=={tensorboard.__version__}",
                            f"numpy=={np.__version__}"], check=True, capture_output=True)
            probe = subprocess.run([os.path.join(VENV, "bin", "python"), "-c", "import tensorflow"],
                                   capture_output=True)
            assert probe.returncode != 0, "the venv without TensorFlow has TensorFlow"
            open(ready, "w").close()
    return VENV


class TensorBoardWithoutTensorFlow(TensorBoardServer):
    """`tensorboard` of the venv without TensorFlow, on 127.0.0.1 (same routes and helpers)."""

    def command(self):
        return [os.path.join(ensure_venv(), "bin", "tensorboard"), *super().command()[1:]]
