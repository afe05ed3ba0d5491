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
from exporter.sources.fasttext_binary import refuse_fasttext_binary
from exporter.sources.special_files import refuse_special_file
from exporter.sources import keras_archive, parquet_vectors, safetensors_dir, saved_model, tf_checkpoint, word_vectors
from exporter.sources.inventory import pick_tensor
from exporter.sources.limits import check_allocation

SUPPORTED = (
    ".keras, .weights.h5, legacy .h5, keras-hub presets, SavedModel folders, TensorFlow checkpoints (TF2 and TF1), "
    "safetensors files or folders, word2vec binary, word2vec/GloVe text, Parquet (a column of vectors)"
)


@dataclasses.dataclass(frozen=True)
class DiskFormat:
    label: str
    reader: types.ModuleType  # has list_tensors(path) and read_tensor(path, tensor[, rows] if READS_ROWS)

    @property
    def reads_rows(self):
        """Whether the reader can read some rows without loading the whole tensor."""
        return getattr(self.reader, "READS_ROWS", False)


def detect(path):
    """The format of the file or folder at `path`, or an `ExportError` naming the supported ones."""
    refuse_special_file(path)
    if not os.path.exists(path) and not os.path.exists(path + ".index"):
        raise ExportError(f"{path}: no such file or folder")
    if os.path.isfile(path) and os.path.getsize(path) == 0:
        raise ExportError(f"{path}: the file is empty")
    if os.path.isfile(path):
        refuse_fasttext_binary(path)
    for label, reader, matches in _CANDIDATES:
        if matches(path):
            return DiskFormat(label, reader)
    raise ExportError(f"{path}: unknown format; supported: {SUPPORTED}")


def load_tensor(path, query, rows=None):
    """(TensorInfo, float32 matrix) of the tensor `query` names in `path` (None: the only 2-D one).

    `rows`: None (all), a slice, or sorted row indices: only those rows are read
    where the format allows (HDF5), so a sample never loads the whole tensor.
    """
    disk_format, tensor = find_tensor(path, query)
    return tensor, read_rows(path, disk_format, tensor, rows)


def find_tensor(path, query, include_state=False):
    """(DiskFormat, TensorInfo) of the tensor `query` names, nothing read but the listing (optimizer state
    only with `include_state`)."""
    disk_format = detect(path)
    return disk_format, pick_tensor(disk_format.reader.list_tensors(path), query, source=path,
                                    include_state=include_state)


def read_rows(path, disk_format, tensor, rows=None):
    """The float32 rows `rows` (None: all) of `tensor`, refused before allocating when they cannot fit."""
    if disk_format.reads_rows:
        values = disk_format.reader.read_tensor(path, tensor, rows)
    else:
        check_allocation(int(np.prod(tensor.shape, dtype=object)) * 4, f"tensor {tensor.name!r}", source=path)
        values = disk_format.reader.read_tensor(path, tensor)
        values = values if rows is None else values[rows]
    values = np.asarray(values)
    if values.dtype.kind not in "fiu":
        raise ExportError(f"{path}: tensor {tensor.name!r} holds {values.dtype} values, not numbers")
    return values.astype(np.float32, copy=False)


def _file(check):
    return lambda path: os.path.isfile(path) and check(path)


_CANDIDATES = (
    ("SavedModel", saved_model, lambda path: os.path.isdir(path) and saved_model.is_saved_model(path)),
    ("safetensors", safetensors_dir, safetensors_dir.is_safetensors),
    ("TensorFlow checkpoint", tf_checkpoint, tf_checkpoint.is_checkpoint),
    ("keras-hub preset", keras_archive, keras_archive.is_keras_preset),
    (".keras archive", keras_archive, _file(keras_archive.is_keras_archive)),
    ("HDF5 Keras weights (.weights.h5 or legacy .h5)", keras_archive, _file(keras_archive.is_hdf5)),
    ("Parquet", parquet_vectors, _file(parquet_vectors.is_parquet)),
    ("word2vec binary", word_vectors, _file(word_vectors.is_word2vec_binary)),
    ("word2vec/GloVe text", word_vectors, _file(word_vectors.is_word_vectors_text)),
)
