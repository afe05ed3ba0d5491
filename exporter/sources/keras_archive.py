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
import os
import zipfile

import numpy as np

from exporter.errors import ExportError
from exporter.sources.hdf5_file import open_hdf5, read_rows
from exporter.sources.inventory import TensorInfo
from exporter.sources.limits import check_allocation
from exporter.untrusted_json import JSONError, parse_json

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
    """Every weight in the file, named `<layer path>/<variable path>` (nested models' layers by their own names).

    Optimizer state (also a nested model's own, `functional/optimizer/vars/2`) is listed as such, not exportable.
    """
    names = archive_layer_names(path) if path.endswith(".keras") else {}
    found = []
    with _weights(path) as weights:

        def visit(key, node):
            if hasattr(node, "shape") and key.split("/")[0] not in _SKIPPED_GROUPS:
                layer, name = _layer_and_name(key, names)
                state = next((part for part in key.split("/") if part in _SKIPPED_GROUPS), None)
                found.append(TensorInfo(name, tuple(node.shape), str(node.dtype), layer, key,
                                        (layer or "the model") if state else None))

        weights.visititems(visit)
    return found


def read_tensor(path, tensor, rows=None):
    """The tensor's values: all rows, or only the sorted indices `rows` (the rest is never read)."""
    with _weights(path) as weights:
        return np.asarray(read_rows(weights[tensor.key], rows, source=path))


def archive_layer_names(path):
    """{path Keras stores a layer's weights under: the layer's path by its own names} for a `.keras` archive.

    Keras files weights by class name (`layers/embedding`, `layers/embedding_1`, ...) in
    layer order, not by the names users gave, and a nested model's layers under its own
    (`layers/functional/layers/embedding`); `config.json` holds both. A config that is not
    a model's (a list, a string, a layer without a class) is an `ExportError`.
    """
    from keras.src.utils.naming import to_snake_case

    with _open_archive(path) as archive:
        data = read_member(archive, "config.json", path)
    try:
        config = parse_json(data, f"{path}: config.json", dict)
    except JSONError as error:
        raise ExportError(f"{error}: not a Keras model config: re-save the model with model.save()") from None
    names, pending = {}, [("layers", "", config)]  # a stack, not recursion: configs can nest deeply
    while pending:
        stored_prefix, name_prefix, model = pending.pop()
        layers = model.get("config", {}).get("layers", []) if isinstance(model.get("config", {}), dict) else None
        if not isinstance(layers, list) or not all(isinstance(layer, dict) and isinstance(layer.get("class_name"), str)
                                                   for layer in layers):
            raise ExportError(f"{path}: config.json is not a Keras model config (its layers are not a list of "
                              "layers, each with a class_name): re-save the model with model.save()")
        used = {}
        for layer in layers:
            stored = to_snake_case(layer["class_name"])
            used[stored] = used.get(stored, -1) + 1
            stored = f"{stored}_{used[stored]}" if used[stored] else stored
            own = layer["config"].get("name", stored) if isinstance(layer.get("config"), dict) else stored
            names[f"{stored_prefix}/{stored}"] = f"{name_prefix}{own}"
            if isinstance(layer.get("config"), dict) and "layers" in layer["config"]:
                pending.append((f"{stored_prefix}/{stored}/layers", f"{name_prefix}{own}/", layer))
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
    """Keras 3 `layers/embedding/vars/0` -> ("emb", "emb/vars/0"), nested
    `layers/functional/layers/embedding/vars/0` -> ("functional/embedding", "functional/embedding/vars/0");
    legacy `model_weights/emb/sequential/emb/embeddings` -> ("emb", "emb/sequential/emb/embeddings")."""
    parts = key.split("/")
    if parts[0] == "model_weights":
        parts = parts[1:]
    if parts[0] == "layers" and len(parts) > 2:
        depth = 2  # the longest stored layer path the config names
        while depth + 2 < len(parts) and parts[depth] == "layers" and "/".join(parts[:depth + 2]) in names:
            depth += 2
        stored = "/".join(parts[:depth])
        layer = names.get(stored, "/".join(parts[1:depth:2]))
        return layer, "/".join([layer, *parts[depth:]])
    layer = parts[0] if len(parts) > 1 else None
    return layer, "/".join(parts)
