"""The run's TensorFlow checkpoint: TensorBoard serves tensors from it without parsing text.

TensorBoard finds it with `tf.train.latest_checkpoint(run_dir)`, so the `checkpoint`
state file is written too, and every export gets a new prefix: a changed latest
checkpoint is what makes a running TensorBoard reload the run's config.
"""

import glob
import os
import re

import numpy as np

from exporter.errors import ExportError
from exporter.writers.atomic import write_atomic

PREFIX = "embeddings.ckpt"
STATE_FILE = "checkpoint"
_OURS = re.compile(rf'^model_checkpoint_path: "{re.escape(PREFIX)}-(\d+)"$', re.M)


def current_checkpoint(run_dir):
    """(prefix path, number) of this tool's checkpoint in `run_dir`, or (None, 0)."""
    state = os.path.join(run_dir, STATE_FILE)
    if not os.path.exists(state):
        return None, 0
    with open(state, encoding="utf-8") as f:
        text = f.read()
    match = _OURS.search(text)
    if not match:
        raise ExportError(
            f"{state} belongs to another program's checkpoint; TensorBoard reads only one "
            "checkpoint per run: export into another --run"
        )
    return os.path.join(run_dir, f"{PREFIX}-{match.group(1)}"), int(match.group(1))


def read_tensors(run_dir):
    """{name: array} of every tensor in the run's current checkpoint."""
    prefix, _ = current_checkpoint(run_dir)
    if prefix is None:
        return {}
    import tensorflow as tf

    reader = tf.train.load_checkpoint(prefix)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


def write_checkpoint(run_dir, tensors):
    """Saves {name: float32 matrix} under a fresh prefix; returns the prefix.

    The state file is not touched: `commit_checkpoint` makes it current.
    """
    import tensorflow as tf

    _, number = current_checkpoint(run_dir)
    prefix = os.path.join(run_dir, f"{PREFIX}-{number + 1}")
    names = sorted(tensors)
    # Raw SaveV2 keeps the names exactly as given: object-based checkpoints would
    # append "/.ATTRIBUTES/VARIABLE_VALUE", which would then show in the projector.
    tf.raw_ops.SaveV2(
        prefix=prefix,
        tensor_names=names,
        shape_and_slices=[""] * len(names),
        # DLPack hands TensorFlow the NumPy buffers without the copy tf.constant makes
        # (~0.3 s per 300 MB); SaveV2 has finished with them when it returns.
        tensors=[tf.experimental.dlpack.from_dlpack(np.ascontiguousarray(tensors[name]).__dlpack__()) for name in names],
    )
    return prefix


def commit_checkpoint(run_dir, prefix):
    """Points the state file at `prefix` and removes this tool's older checkpoints."""
    name = os.path.basename(prefix)
    write_atomic(
        os.path.join(run_dir, STATE_FILE),
        f'model_checkpoint_path: "{name}"\nall_model_checkpoint_paths: "{name}"\n',
    )
    for path in glob.glob(os.path.join(glob.escape(run_dir), f"{PREFIX}-*")):
        if not os.path.basename(path).startswith(name + "."):
            os.unlink(path)


def remove_checkpoints(run_dir):
    """Removes the state file and every checkpoint this tool wrote in `run_dir`."""
    for path in glob.glob(os.path.join(glob.escape(run_dir), f"{PREFIX}-*")) + [os.path.join(run_dir, STATE_FILE)]:
        if os.path.exists(path):
            os.unlink(path)


def discard_checkpoint(prefix):
    for path in glob.glob(glob.escape(prefix) + ".*"):
        os.unlink(path)
