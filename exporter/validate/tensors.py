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

import numpy as np

_BLOCK_LINES = 4096


class TensorFileError(ValueError):
    """A `tensor_path` file TensorBoard fails on, with the 1-based line (or None)."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


def read_tensor_tsv(path):
    """The float32 matrix `_read_tensor_tsv_file` returns, or `TensorFileError` where it raises.

    TensorBoard strips only "\\n", skips empty lines and calls float() on every
    tab-separated cell; a UnicodeDecodeError propagates (TensorBoard then tries binary).
    """
    blocks, dim, pending = [], None, []
    with open(path, encoding="utf-8", newline="") as f:
        for number, line in enumerate(_lines(f), start=1):
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
    # Like GFile: a line ends at "\n" only (a CR stays in the line).
    rest = ""
    while chunk := f.read(1 << 20):
        parts = (rest + chunk).split("\n")
        rest = parts.pop()
        yield from (p + "\n" for p in parts)
    if rest:
        yield rest


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


def open_checkpoint(prefix):
    """A `tf.train.load_checkpoint` reader, or None where TensorBoard's also fails."""
    import tensorflow as tf

    try:
        return tf.train.load_checkpoint(prefix)
    except Exception:  # TensorBoard catches everything here too
        return None


def checkpoint_matrices(reader):
    """{name: shape} of the 2-D checkpoint variables TensorBoard offers as tensors."""
    return {name: shape for name, shape in reader.get_variable_to_shape_map().items()
            if len(shape) == 2 and ".OPTIMIZER_SLOT" not in name}
