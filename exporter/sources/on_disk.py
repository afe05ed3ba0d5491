"""One entry point over every on-disk format: detect it, list its tensors, read one.

Example:
>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "glove.txt")
>>> _ = open(path, "w").write("cat 0.1 0.2\\ndog 0.3 0.4\\n")
>>> detect(path).label
'word2vec/GloVe text'
>>> tensor, vectors = load_tensor(path, None)
>>> tensor.name, vectors.shape
('vectors', (2, 2))
"""

import dataclasses
import os
import types

import numpy as np

from exporter.errors import ExportError
from exporter.sources import keras_archive, safetensors_dir, saved_model, tf_checkpoint, word_vectors
from exporter.sources.inventory import pick_tensor

SUPPORTED = (
    ".keras, .weights.h5, legacy .h5, keras-hub presets, SavedModel folders, TensorFlow checkpoints (TF2 and TF1), "
    "safetensors files or folders, word2vec binary, word2vec/GloVe text"
)


@dataclasses.dataclass(frozen=True)
class DiskFormat:
    label: str
    reader: types.ModuleType  # has list_tensors(path) and read_tensor(path, tensor)


def detect(path):
    """The format of the file or folder at `path`, or an `ExportError` naming the supported ones."""
    if not os.path.exists(path) and not os.path.exists(path + ".index"):
        raise ExportError(f"{path}: no such file or folder")
    if os.path.isfile(path) and os.path.getsize(path) == 0:
        raise ExportError(f"{path}: the file is empty")
    for label, reader, matches in _CANDIDATES:
        if matches(path):
            return DiskFormat(label, reader)
    raise ExportError(f"{path}: unknown format; supported: {SUPPORTED}")


def load_tensor(path, query):
    """(TensorInfo, float32 matrix) of the tensor `query` names in `path` (None: the only 2-D one)."""
    disk_format = detect(path)
    tensor = pick_tensor(disk_format.reader.list_tensors(path), query, source=path)
    values = np.asarray(disk_format.reader.read_tensor(path, tensor))
    if values.dtype.kind not in "fiu":
        raise ExportError(f"{path}: tensor {tensor.name!r} holds {values.dtype} values, not numbers")
    return tensor, values.astype(np.float32, copy=False)


def _file(check):
    return lambda path: os.path.isfile(path) and check(path)


_CANDIDATES = (
    ("SavedModel", saved_model, lambda path: os.path.isdir(path) and saved_model.is_saved_model(path)),
    ("safetensors", safetensors_dir, safetensors_dir.is_safetensors),
    ("TensorFlow checkpoint", tf_checkpoint, tf_checkpoint.is_checkpoint),
    ("keras-hub preset", keras_archive, keras_archive.is_keras_preset),
    (".keras archive", keras_archive, _file(keras_archive.is_keras_archive)),
    ("HDF5 Keras weights (.weights.h5 or legacy .h5)", keras_archive, _file(keras_archive.is_hdf5)),
    ("word2vec binary", word_vectors, _file(word_vectors.is_word2vec_binary)),
    ("word2vec/GloVe text", word_vectors, _file(word_vectors.is_word_vectors_text)),
)
