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

import numpy as np

from exporter.tensor_bundle import CheckpointBundle

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


def open_checkpoint(prefix):
    """A reader of checkpoint `prefix`, or None where TensorBoard's `tf.train.load_checkpoint` also fails."""
    try:
        reader = CheckpointBundle(prefix, numpy_only=False)
        if not all(os.path.isfile(shard) for shard in reader.shards()):
            return None
        return reader
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
