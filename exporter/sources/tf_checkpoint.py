"""Tensors of TensorFlow checkpoints: object-based (TF2 `tf.train.Checkpoint`) and name-based (TF1 `Saver`).

Example:
>>> import tensorflow as tf, tempfile, os
>>> prefix = tf.train.Checkpoint(embedding=tf.Variable(tf.ones((5, 2)))).save(
...     os.path.join(tempfile.mkdtemp(), "ckpt"))
>>> [t.describe() for t in list_tensors(os.path.dirname(prefix))]
['embedding  5 x 2  float32']
"""

import glob
import os
import re

import numpy as np

from exporter.tensor_bundle import CheckpointBundle
from exporter.errors import ExportError
from exporter.sources.inventory import TensorInfo
from exporter.sources.limits import check_rows

READS_ROWS = True

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
_VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"
# Bookkeeping and optimizer state: never the tensor a user wants to look at.
_SKIPPED = (".OPTIMIZER_SLOT", "save_counter", "optimizer/", "_CHECKPOINTABLE_OBJECT_GRAPH")
# TF1 optimizers name their slots `<variable>/<optimizer>[_<n>]` (embedding/Adam, embedding/Adam_1).
_TF1_SLOT = re.compile(r"^(.+)/(?:Adam|Adagrad|AdagradDA|Adadelta|Adamax|Nadam|LazyAdam|Momentum|RMSProp|Ftrl|"
                       r"ProximalAdagrad)(?:_\d+)?$")


def is_checkpoint(path):
    return checkpoint_prefix(path, required=False) is not None


def checkpoint_prefix(path, *, required=True):
    """The checkpoint prefix `path` names: a prefix, its `.index` file, or a folder with a `checkpoint` state file."""
    import tensorflow as tf

    if os.path.isdir(path):
        prefix = tf.train.latest_checkpoint(path)
        if prefix is None:
            indexes = sorted(glob.glob(os.path.join(glob.escape(path), "*.index")))
            prefix = indexes[-1][: -len(".index")] if len(indexes) == 1 else None
    elif path.endswith(".index") or (".data-" in path and os.path.isfile(path)):
        prefix = path.rsplit(".", 1)[0] if path.endswith(".index") else path.split(".data-")[0]
    else:
        prefix = path if os.path.isfile(path + ".index") else None
    if prefix is None and required:
        raise ExportError(f"{path}: no TensorFlow checkpoint here (no 'checkpoint' state file or single *.index)")
    return prefix


def list_tensors(path):
    return tensors_of(open_reader(path), path)


def tensors_of(reader, source):
    """Every tensor a checkpoint reader holds, owned by the layer its variable name says."""
    shapes, dtypes = reader.get_variable_to_shape_map(), reader.get_variable_to_dtype_map()
    full_names = variable_names(reader, source)
    found = []
    for key in sorted(shapes):
        # A Keras 3 model saved with its optimizer (tf.train.Checkpoint(model=..., optimizer=...)) stores its
        # weights under optimizer/_trainable_variables/N and the optimizer state under optimizer/_variables/N.
        weight, state = "/_trainable_variables/" in key, "optimizer/_variables/" in key
        if not (weight or state) and any(skip in key for skip in _SKIPPED):
            continue
        name = full_names[key] if (weight or state) and key in full_names else key.removesuffix(_VALUE_SUFFIX)
        owner = full_names.get(key, name)
        layer = owner.rsplit("/", 1)[0] if "/" in owner else None
        slot = _TF1_SLOT.match(key)
        slot_of = slot.group(1) if slot and shapes.get(slot.group(1)) == shapes[key] else None
        if state:
            slot_of = _keras3_slot_owner(name, [full_names.get(k, "") for k in shapes if "/_trainable_variables/" in k])
        found.append(TensorInfo(name, tuple(shapes[key]), dtypes[key].name, layer, key, slot_of))
    return found


def _keras3_slot_owner(name, weights):
    """The weight a Keras 3 optimizer variable belongs to ("adam/words_embeddings_momentum" -> "words/embeddings")."""
    flat = name.split("/", 1)[-1]
    owners = [w for w in weights if w and flat.startswith(w.replace("/", "_") + "_")]
    return max(owners, key=len) if owners else name.split("/", 1)[0]


def read_tensor(path, tensor, rows=None):
    """The tensor's values: all rows, or only `rows` (a slice or sorted indices).

    A float tensor of an uncompressed, unpartitioned checkpoint (what TensorFlow and
    Keras write) is memory-mapped from its `.data` shard (`CheckpointBundle`), so only
    those rows are read. Anything else goes through TensorFlow's reader, which returns
    the whole tensor: its memory is checked first, then the rows are taken.
    """
    try:
        bundle = CheckpointBundle(checkpoint_prefix(path))  # lists only the tensors it can memory-map
    except (OSError, ValueError, IndexError, KeyError):
        bundle = None
    what = f"tensor {tensor.name!r}"
    if bundle is None or not bundle.has_tensor(tensor.key):
        check_rows(tensor.shape, 4, None, what, source=path)
        values = value(open_reader(path), tensor.key, path)
        return values if rows is None else values[rows]
    try:
        mapped = bundle.get_tensor(tensor.key)
    except (OSError, ValueError) as error:  # a missing or short .data shard
        raise ExportError(f"{path}: cannot read {tensor.key!r} (truncated or corrupt data file?): {error}") from None
    check_rows(mapped.shape, mapped.dtype.itemsize, rows, what, source=path)
    return np.array(mapped if rows is None else mapped[rows])


def value(reader, key, source):
    """The stored value of `key`; a short data file is an `ExportError`."""
    import tensorflow as tf

    try:
        return reader.get_tensor(key)
    except (tf.errors.OpError, IndexError, ValueError) as error:
        raise ExportError(f"{source}: cannot read {key!r} (truncated or corrupt data file?): {error}") from None


def variable_names(reader, source):
    """{checkpoint key: variable name} from an object-based checkpoint's object graph ({} for TF1)."""
    from tensorflow.core.protobuf.trackable_object_graph_pb2 import TrackableObjectGraph

    if not reader.has_tensor(OBJECT_GRAPH_KEY):
        return {}
    graph = TrackableObjectGraph()
    graph.ParseFromString(value(reader, OBJECT_GRAPH_KEY, source))
    return {a.checkpoint_key: a.full_name for node in graph.nodes for a in node.attributes if a.full_name}


def open_reader(path):
    """A `tf.train.load_checkpoint` reader; a corrupt checkpoint is an `ExportError`."""
    import tensorflow as tf

    prefix = checkpoint_prefix(path)
    try:
        return tf.train.load_checkpoint(prefix)
    except (tf.errors.OpError, ValueError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(f"{path}: cannot read the checkpoint (truncated or corrupt?): {message}") from None
