"""Tensors of Hugging Face `safetensors` checkpoints: a folder of `*.safetensors` shards or one file.

Example:
>>> import numpy as np, tempfile, os
>>> from safetensors.numpy import save_file
>>> folder = tempfile.mkdtemp()
>>> save_file({"embeddings.word_embeddings.weight": np.ones((5, 2), np.float32)},
...           os.path.join(folder, "model.safetensors"))
>>> [t.describe() for t in list_tensors(folder)]
['embeddings.word_embeddings.weight  5 x 2  F32  (layer embeddings.word_embeddings)']
"""

import glob
import os

import numpy as np

from exporter.errors import ExportError
from exporter.sources.inventory import TensorInfo
from exporter.sources.limits import check_rows

SUFFIX = ".safetensors"
READS_ROWS = True


def is_safetensors(path):
    return bool(_shards(path))


def list_tensors(path):
    found = []
    for shard in _shards(path):
        with _open(shard) as f:
            for key in f.keys():
                part = f.get_slice(key)
                layer = key.rsplit(".", 1)[0] if "." in key else None
                found.append(TensorInfo(key, tuple(part.get_shape()), part.get_dtype(), layer, shard))
    return found


def read_tensor(path, tensor, rows=None):
    """The tensor's values: all rows, or only `rows` (a slice or sorted indices; the rest is never read).

    safetensors slices only contiguous ranges, so sorted indices are read as runs of
    consecutive rows (100,000 random rows of 1,000,000 x 16: 0.3 s).
    """
    from safetensors import SafetensorError

    if tensor.dtype == "BF16":
        raise ExportError(f"{tensor.key}: {tensor.name} is bfloat16, which NumPy cannot read: save it as float32")
    with _open(tensor.key) as f:
        try:
            part = f.get_slice(tensor.name)
            check_rows(tensor.shape, np.dtype(part[:0].dtype).itemsize, rows, f"tensor {tensor.name!r}",
                       source=tensor.key)
            if rows is None or isinstance(rows, slice):
                return part[rows or slice(None)]
            rows = np.asarray(rows, dtype=np.int64)
            runs = np.split(rows, np.flatnonzero(np.diff(rows) != 1) + 1)
            return np.concatenate([part[int(run[0]) : int(run[-1]) + 1] for run in runs if run.size])
        except SafetensorError as error:
            raise ExportError(f"{tensor.key}: cannot read {tensor.name!r} (truncated or corrupt?): {error}") from None


def _shards(path):
    if os.path.isdir(path):
        return sorted(glob.glob(os.path.join(glob.escape(path), "*" + SUFFIX)))
    return [path] if path.endswith(SUFFIX) and os.path.isfile(path) else []


def _open(shard):
    from safetensors import SafetensorError, safe_open

    try:
        return safe_open(shard, framework="numpy")
    except (SafetensorError, OSError) as error:
        raise ExportError(f"{shard}: not a readable safetensors file (truncated or corrupt?): {error}") from None
