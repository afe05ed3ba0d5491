"""TensorFlow checkpoints read without TensorFlow: tensors memory-mapped from the `.data` shard.

A checkpoint is an `.index` table (LevelDB SSTable format, uncompressed as TensorFlow
writes it) of `BundleEntryProto`s, each giving a tensor's dtype, shape, shard and
byte offset, and `.data-*` shards holding the raw little-endian values. TensorBoard
reads checkpoints only through TensorFlow (`tf.train.load_checkpoint`); this reader
offers the same three methods without importing it (to `serve`'s plugin and to
`validate`), and without reading the values: hand-written because neither TensorBoard
nor NumPy reads the format, and TensorFlow would load the whole matrix into memory.

Example:
>>> import os, tempfile
>>> latest_checkpoint(tempfile.mkdtemp()) is None
True
"""

import os
import re

import numpy as np
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto

STATE_FILE = "checkpoint"
_FOOTER_BYTES = 48
_MAGIC = 0xDB4775248B80FB57
# TensorFlow DataType -> NumPy dtype, for the types a projector tensor can have.
_DTYPES = {1: "<f4", 2: "<f8", 19: "<f2"}
_STATE = re.compile(r'^model_checkpoint_path:\s*"((?:[^"\\]|\\.)*)"', re.M)


def latest_checkpoint(folder):
    """`tf.train.latest_checkpoint(folder)` without TensorFlow: the state file's prefix if its index exists."""
    try:
        with open(os.path.join(folder, STATE_FILE), encoding="utf-8") as f:
            match = _STATE.search(f.read())
    except (OSError, UnicodeDecodeError):
        return None
    if not match:
        return None
    prefix = match.group(1).encode("latin-1", "backslashreplace").decode("unicode_escape")
    prefix = os.path.join(folder, prefix)  # an absolute prefix stays as it is
    return prefix if os.path.isfile(prefix + ".index") or os.path.isfile(prefix) else None


class CheckpointBundle:
    """The 2-D-or-not tensors of checkpoint `prefix`, as `tf.train.load_checkpoint` offers them.

    Args:
      prefix: the checkpoint prefix (`<folder>/model.ckpt-12`, without `.index`).
      numpy_only: list only the tensors NumPy can map (what `serve` offers without
        TensorFlow); otherwise list every tensor, as TensorBoard does, and read the
        others (other dtypes, partitioned variables) through TensorFlow.

    Raises `ValueError` for an index this reader cannot parse (compressed, corrupt).
    """

    def __init__(self, prefix, *, numpy_only=True):
        self.prefix = prefix
        self._tf_reader = None
        with open(prefix + ".index", "rb") as f:
            table = f.read()
        header, *entries = _table_entries(table)
        if header[0] != b"":
            raise ValueError(f"{prefix}.index: no bundle header")
        fields = _fields(header[1])
        if fields.get(2, [0])[0] != 0:
            raise ValueError(f"{prefix}.index: big-endian checkpoint")
        num_shards = fields.get(1, [1])[0]
        self._entries = {}
        for key, value in entries:
            entry = _fields(value)
            dtype = _DTYPES.get(entry.get(1, [0])[0])
            if 7 in entry:  # a partitioned variable
                dtype = None
            if dtype is None and numpy_only:
                continue
            shape = [d.size for d in TensorShapeProto.FromString(entry.get(2, [b""])[0]).dim]
            shard = f"{prefix}.data-{entry.get(3, [0])[0]:05d}-of-{num_shards:05d}"
            self._entries[key.decode("utf-8", "replace")] = (shard, entry.get(4, [0])[0], dtype, shape)

    def shards(self):
        """The `.data` files holding the listed tensors."""
        return {shard for shard, *_ in self._entries.values()}

    def get_variable_to_shape_map(self):
        return {name: shape for name, (_, _, _, shape) in self._entries.items()}

    def has_tensor(self, name):
        return name in self._entries

    def get_tensor(self, name):
        """The tensor, memory-mapped (nothing is read until it is used)."""
        shard, offset, dtype, shape = self._entries[name]
        if dtype is None:
            if self._tf_reader is None:
                import tensorflow as tf  # a dtype or layout only TensorFlow reads

                self._tf_reader = tf.train.load_checkpoint(self.prefix)
            return self._tf_reader.get_tensor(name)
        if 0 in shape:
            return np.zeros(shape, dtype)
        return np.memmap(shard, dtype=dtype, mode="r", offset=offset, shape=tuple(shape))


def _table_entries(table):
    """(key, value) of every entry of an SSTable, in order."""
    if len(table) < _FOOTER_BYTES or int.from_bytes(table[-8:], "little") != _MAGIC:
        raise ValueError("not a TensorFlow checkpoint index (no table footer)")
    _, at = _varint(table, len(table) - _FOOTER_BYTES)  # metaindex offset
    _, at = _varint(table, at)  # metaindex size
    index_offset, at = _varint(table, at)
    index_size, _ = _varint(table, at)
    entries = []
    for _, handle in _block(table, index_offset, index_size):
        offset, at = _varint(handle, 0)
        size, _ = _varint(handle, at)
        entries.extend(_block(table, offset, size))
    return entries


def _block(table, offset, size):
    if table[offset + size] != 0:
        raise ValueError("compressed checkpoint index: not supported without TensorFlow")
    block = table[offset : offset + size]
    restarts = int.from_bytes(block[-4:], "little")
    end = len(block) - 4 * (restarts + 1)
    entries, key, at = [], b"", 0
    while at < end:
        shared, at = _varint(block, at)
        unshared, at = _varint(block, at)
        length, at = _varint(block, at)
        key = key[:shared] + block[at : at + unshared]
        at += unshared
        entries.append((key, block[at : at + length]))
        at += length
    return entries


def _fields(message):
    """{field number: [values]} of a protobuf message: varints as ints, others as bytes."""
    fields, at = {}, 0
    while at < len(message):
        tag, at = _varint(message, at)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, at = _varint(message, at)
        elif wire == 2:
            length, at = _varint(message, at)
            value, at = message[at : at + length], at + length
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, at = message[at : at + width], at + width
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def _varint(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7
