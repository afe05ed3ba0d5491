"""Tensor values as TensorBoard's projector plugin reads them: `tensor_path` TSV/binary or the checkpoint.

Example:
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "vectors.tsv")
>>> _ = open(path, "w").write("1\\t2\\n3\\t4\\t\\n")
>>> try:
...     read_tensor_tsv(path)
... except TensorFileError as error:
...     print(error)
line 2 ends with a tab: TensorBoard's float('') fails
"""

import codecs
import os
import re

import numpy as np

_BLOCK_LINES = 4096
#: Longest tensor_path line read (about a million values): longer lines are reported, not parsed.
MAX_LINE_BYTES = 32 * 2**20


class TensorFileError(ValueError):
    """A `tensor_path` file TensorBoard fails on, with the 1-based line (or None)."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


def read_tensor_tsv(path):
    """The float32 matrix `_read_tensor_tsv_file` returns, or `TensorFileError` where it raises.

    TensorBoard strips only "\\n", skips empty lines and calls float() on every
    tab-separated cell; a UnicodeDecodeError propagates (TensorBoard then tries binary).
    Lines are decoded one at a time, as TensorFlow's GFile does: a raw float32 file
    whose first line happens to be valid UTF-8 is parsed as text, and fails.
    """
    blocks, dim, pending = [], None, []
    with open(path, "rb") as f:
        for number, line in enumerate(_lines(f), start=1):
            if line is None:  # undecodable: TensorBoard gets there only if every earlier line parsed
                _to_floats(pending)
                raise UnicodeDecodeError("utf-8", b"", 0, 1, f"line {number} is not UTF-8")
            line = line.rstrip("\n")
            if not line:
                continue
            cells = line.split("\t")
            if cells[-1] == "" and len(cells) > 1:
                raise TensorFileError(f"line {number} ends with a tab: TensorBoard's float('') fails", number)
            dim = len(cells) if dim is None else dim
            if len(cells) != dim:
                raise TensorFileError(
                    f"line {number} has {len(cells)} values, line 1 has {dim}: TensorBoard cannot build a matrix",
                    number)
            pending.append((number, cells))
            if len(pending) >= _BLOCK_LINES:
                blocks.append(_to_floats(pending))
                pending = []
    if pending:
        blocks.append(_to_floats(pending))
    if not blocks:
        return np.zeros((0, 0), np.float32)
    return np.concatenate(blocks).astype(np.float32)


def _lines(f):
    """Like GFile: a line ends at "\\n" only (a CR stays in the line), each decoded on its own (None: not UTF-8).

    A line's pieces are joined once it ends (linear, however long). A line longer than
    `MAX_LINE_BYTES` is not held: undecodable, it is None (TensorBoard then reads the file
    as binary); else a `TensorFileError`.
    """
    pieces, size, number, undecodable = [], 0, 1, False
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := f.read(1 << 20):
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            yield _decoded(b"".join(pieces) + chunk[start : end + 1])
            pieces, size, number, start, undecodable = [], 0, number + 1, end + 1, False
            decoder.reset()
        pieces.append(chunk[start:])
        size += len(chunk) - start
        if not undecodable:
            try:
                decoder.decode(chunk[start:])
            except UnicodeDecodeError:
                undecodable = True
        if size > MAX_LINE_BYTES and undecodable:
            yield None
            return
        if size > MAX_LINE_BYTES:
            raise TensorFileError(
                f"line {number} is longer than {MAX_LINE_BYTES:,} bytes (millions of values, or not a TSV): "
                "TensorBoard parses it into Python floats, about 10 times its size in memory; not read further",
                number)
    if size:
        yield _decoded(b"".join(pieces))


def first_long_line(path, limit=MAX_LINE_BYTES):
    """(1-based number, bytes so far) of the first line longer than `limit` bytes, or None; streaming."""
    number, size = 1, 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            start = 0
            while (end := chunk.find(b"\n", start)) >= 0:
                if size + end - start > limit:
                    return number, size + end - start
                number, size, start = number + 1, 0, end + 1
            size += len(chunk) - start
            if size > limit:
                return number, size
    return None


def _decoded(line):
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _to_floats(numbered_cells):
    try:
        return np.array([cells for _, cells in numbered_cells], dtype=np.float64)
    except ValueError:
        rows = []
        for number, cells in numbered_cells:
            try:
                rows.append([float(cell) for cell in cells])
            except ValueError:
                bad = next(c for c in cells if not _is_float(c))
                raise TensorFileError(
                    f"line {number}: {bad[:30]!r} is not a number (a label or header column?)", number
                ) from None
        return np.array(rows, dtype=np.float64)


def _is_float(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_tensor_binary(path, shape):
    """`_read_tensor_binary_file`: raw float32 reshaped to the config's `tensor_shape`."""
    if len(shape) != 2:
        raise TensorFileError(f"binary tensor needs a 2-D tensor_shape, the config gives {list(shape)}")
    data = np.fromfile(path, dtype="float32")
    if data.size != shape[0] * shape[1]:
        raise TensorFileError(f"binary tensor holds {data.size} floats, tensor_shape {list(shape)} needs "
                              f"{shape[0] * shape[1]}")
    return data.reshape(shape)


def checkpoint_matrices(reader):
    """{name: shape} of the 2-D checkpoint variables TensorBoard offers as tensors."""
    return {name: shape for name, shape in reader.get_variable_to_shape_map().items()
            if len(shape) == 2 and ".OPTIMIZER_SLOT" not in name}


# --- checkpoints without TensorFlow ---------------------------------------------------------------
# A TensorFlow checkpoint's `.index` is a LevelDB-format table mapping each tensor name to a
# BundleEntryProto (dtype, shape, shard, offset, size). Reading it here lists a checkpoint's
# variables without TensorFlow's 4-6 s start-up; values of float32/float64 tensors are read the
# same way. Anything else (compressed blocks, sliced variables, other dtypes) goes to TensorFlow.

_TABLE_MAGIC = 0xDB4775248B80FB57
_NUMPY_DTYPES = {1: "<f4", 2: "<f8"}  # DT_FLOAT, DT_DOUBLE


class CheckpointReader:
    """`tf.train.load_checkpoint`'s reader interface over a parsed index; TensorFlow only for other dtypes."""

    def __init__(self, prefix, entries, num_shards):
        self.prefix, self._entries, self._num_shards = prefix, entries, num_shards
        self._tf_reader = None

    def get_variable_to_shape_map(self):
        return {name: entry["shape"] for name, entry in self._entries.items()}

    def has_tensor(self, name):
        return name in self._entries

    def get_tensor(self, name):
        entry = self._entries[name]
        numpy_dtype = _NUMPY_DTYPES.get(entry["dtype"])
        if numpy_dtype is None or entry.get("sliced"):
            if self._tf_reader is None:
                import tensorflow as tf  # a dtype or layout read only by TensorFlow

                self._tf_reader = tf.train.load_checkpoint(self.prefix)
            return self._tf_reader.get_tensor(name)
        shard = f"{self.prefix}.data-{entry['shard']:05d}-of-{self._num_shards:05d}"
        count = int(np.prod(entry["shape"], dtype=np.int64))
        return np.fromfile(shard, numpy_dtype, count=count, offset=entry["offset"]).reshape(entry["shape"])


def open_checkpoint(prefix):
    """A reader of checkpoint `prefix`, or None where TensorBoard's `tf.train.load_checkpoint` also fails."""
    try:
        with open(prefix + ".index", "rb") as f:
            data = f.read()
        entries, num_shards = _parse_index(data)
        for shard in {e["shard"] for e in entries.values()}:
            if not os.path.isfile(f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"):
                return None
        return CheckpointReader(prefix, entries, num_shards)
    except (OSError, ValueError, IndexError, KeyError):
        pass
    try:
        import tensorflow as tf  # an index this parser does not know: let TensorFlow decide
    except ImportError:
        return None
    try:
        return tf.train.load_checkpoint(prefix)
    except Exception:  # TensorBoard catches everything here too
        return None


def _parse_index(data):
    """({name: {"dtype", "shape", "shard", "offset", "sliced"}}, num_shards) of a tensor bundle index."""
    if len(data) < 48 or int.from_bytes(data[-8:], "little") != _TABLE_MAGIC:
        raise ValueError("not a table")
    footer = data[-48:-8]
    _, pos = _varint(footer, 0)
    _, pos = _varint(footer, pos)  # metaindex handle (unused)
    index_offset, pos = _varint(footer, pos)
    index_size, _ = _varint(footer, pos)
    entries, num_shards = {}, 1
    for _, handle in _block_entries(data, index_offset, index_size):
        offset, pos = _varint(handle, 0)
        size, _ = _varint(handle, pos)
        for key, value in _block_entries(data, offset, size):
            fields = _proto_fields(value)
            if key == b"":
                num_shards = fields.get(1, [1])[0]
                continue
            shape = []
            for dim in _proto_fields(fields.get(2, [b""])[0]).get(2, []):
                shape.append(_proto_fields(dim).get(1, [0])[0])
            entries[key.decode("utf-8", "replace")] = {
                "dtype": fields.get(1, [0])[0], "shape": shape, "shard": fields.get(3, [0])[0],
                "offset": fields.get(4, [0])[0], "sliced": 7 in fields,
            }
    return entries, num_shards


def _block_entries(data, offset, size):
    block = data[offset : offset + size]
    if data[offset + size] != 0:
        raise ValueError("compressed block")
    restarts = int.from_bytes(block[-4:], "little")
    end = len(block) - 4 * (restarts + 1)
    pos, key = 0, b""
    while pos < end:
        shared, pos = _varint(block, pos)
        unshared, pos = _varint(block, pos)
        length, pos = _varint(block, pos)
        key = key[:shared] + block[pos : pos + unshared]
        pos += unshared
        yield key, block[pos : pos + length]
        pos += length


def _varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _proto_fields(data):
    """{field number: [values]} of a protobuf message (varints and length-delimited fields as bytes)."""
    fields, pos = {}, 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        else:
            raise ValueError(f"wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def latest_checkpoint(folder):
    """`tf.train.latest_checkpoint(folder)` without TensorFlow: the state file's prefix if its index exists."""
    state = os.path.join(folder, "checkpoint")
    try:
        with open(state, encoding="utf-8") as f:
            match = re.search(r'^model_checkpoint_path:\s*"((?:[^"\\]|\\.)*)"', f.read(), re.M)
    except (OSError, UnicodeDecodeError):
        return None
    if not match:
        return None
    prefix = match.group(1).encode("latin-1", "backslashreplace").decode("unicode_escape")
    if not os.path.isabs(prefix):
        prefix = os.path.join(folder, prefix)
    return prefix if os.path.isfile(prefix + ".index") or os.path.isfile(prefix) else None
