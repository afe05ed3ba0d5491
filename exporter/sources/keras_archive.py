"""Tensors of Keras files, read without building the model: `.keras`, `.weights.h5`, legacy `.h5`,
and keras-hub preset folders (`model.weights.h5` + `config.json`).

Nothing from the file is executed: weights are read with h5py, layer names from
the archive's `config.json` as plain JSON.

Example:
>>> import keras, tempfile, os
>>> model = keras.Sequential([keras.Input((4,), dtype="int32"), keras.layers.Embedding(10, 3, name="emb")])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> model.save(path)
>>> [t.describe() for t in list_tensors(path)]
['emb/vars/0  10 x 3  float32  (layer emb)']
"""

import contextlib
import json
import os
import zipfile

import numpy as np

from exporter.errors import ExportError
from exporter.sources.hdf5_file import open_hdf5, read_rows
from exporter.sources.inventory import TensorInfo
from exporter.sources.limits import check_allocation

#: `read_tensor` takes `rows` and reads only those.
READS_ROWS = True
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ARCHIVE_WEIGHTS = "model.weights.h5"
#: Largest archive member read into memory (config.json, vocabularies); Keras's own configs are far smaller.
MAX_MEMBER_BYTES = 64 * 2**20
# Groups of optimizer state, never what a user means by "the embedding".
_SKIPPED_GROUPS = ("optimizer", "optimizer_weights")


def is_keras_archive(path):
    """By name too, so that a truncated archive is reported as one, not as an unknown format."""
    if path.endswith(".keras"):
        return True
    return zipfile.is_zipfile(path) and "config.json" in zipfile.ZipFile(path).namelist()


def is_keras_preset(path):
    return os.path.isdir(path) and os.path.isfile(os.path.join(path, ARCHIVE_WEIGHTS))


def is_hdf5(path):
    with open(path, "rb") as f:
        return path.endswith(".h5") or f.read(8) == HDF5_SIGNATURE


def list_tensors(path):
    """Every weight in the file, named `<layer>/<variable path>`."""
    names = archive_layer_names(path) if path.endswith(".keras") else {}
    found = []
    with _weights(path) as weights:

        def visit(key, node):
            if hasattr(node, "shape") and key.split("/")[0] not in _SKIPPED_GROUPS:
                layer, name = _layer_and_name(key, names)
                found.append(TensorInfo(name, tuple(node.shape), str(node.dtype), layer, key))

        weights.visititems(visit)
    return found


def read_tensor(path, tensor, rows=None):
    """The tensor's values: all rows, or only the sorted indices `rows` (the rest is never read)."""
    with _weights(path) as weights:
        return np.asarray(read_rows(weights[tensor.key], rows, source=path))


def archive_layer_names(path):
    """{path name Keras stores weights under: the layer's own name} for a `.keras` archive's top level.

    Keras files weights by class name (`embedding`, `embedding_1`, ...) in layer order,
    not by the names users gave; `config.json` holds both.
    """
    from keras.src.utils.naming import to_snake_case

    with _open_archive(path) as archive:
        config = json.loads(read_member(archive, "config.json", path))
    used, names = {}, {}
    for layer in config.get("config", {}).get("layers", []):
        stored = to_snake_case(layer["class_name"])
        if stored in used:
            used[stored] += 1
            stored = f"{stored}_{used[stored]}"
        else:
            used[stored] = 0
        names[stored] = layer.get("config", {}).get("name", stored)
    return names


@contextlib.contextmanager
def _open_archive(path):
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except ExportError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ExportError(f"{path}: not a readable .keras archive (truncated or corrupt?): {error}") from None


def read_member(archive, name, path, limit=MAX_MEMBER_BYTES):
    """The bytes of archive member `name`, refused when its declared size exceeds `limit` (a zip bomb).

    `zipfile` never returns more than the size a member declares, so checking it first bounds the read.
    """
    size = archive.getinfo(name).file_size
    if size > limit:
        raise ExportError(f"{path}: {name} unpacks to {size:,} bytes ({archive.getinfo(name).compress_size:,} "
                          f"packed), more than the {limit:,} we read: refused as a zip bomb: re-save the model")
    check_allocation(size, name, source=path)
    return archive.read(name)


@contextlib.contextmanager
def _weights(path):
    if path.endswith(".keras"):
        with _open_archive(path) as archive, archive.open(ARCHIVE_WEIGHTS) as raw, open_hdf5(raw, source=path) as f:
            yield f
    else:
        with open_hdf5(os.path.join(path, ARCHIVE_WEIGHTS) if os.path.isdir(path) else path, source=path) as f:
            yield f


def _layer_and_name(key, names):
    """Keras 3 `layers/embedding/vars/0` -> ("emb", "emb/vars/0"); legacy
    `model_weights/emb/sequential/emb/embeddings` -> ("emb", "emb/sequential/emb/embeddings")."""
    parts = key.split("/")
    if parts[0] == "model_weights":
        parts = parts[1:]
    if parts[0] == "layers" and len(parts) > 2:
        parts = parts[1:]
        parts[0] = names.get(parts[0], parts[0])
    layer = parts[0] if len(parts) > 1 else None
    return layer, "/".join(parts)
