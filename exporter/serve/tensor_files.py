"""Tensor files as `serve` answers them: checked against their shape, streamed with plain reads.

A memory map of a file that is truncated while it is read kills the whole server with
SIGBUS; plain reads just come back short, which cuts that one answer short. A file
that is gone, or whose size does not match its shape, is a `Damaged` (the 4xx answer
for that tensor) instead of a file TensorBoard would parse as text.

Example:
>>> import numpy as np, os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "vectors.bytes")
>>> np.arange(6, dtype="<f4").tofile(path)
>>> b"".join(tensor_file(path, [3, 2]).stream(2)) == np.arange(4, dtype="<f4").tobytes()
True
>>> tensor_file(path, [4, 2]).code, tensor_file(path + ".gone", [3, 2]).code
(422, 404)
"""

import os

import numpy as np

CHUNK_BYTES = 4 << 20
# What a TSV tensor file may start with: anything else is raw float32.
_TSV_BYTES = frozenset(b"0123456789+-.eEinfatyINFATY \t\r\n")


class Damaged:
    """A tensor that cannot be served: `code` and `reason` of the 4xx answer."""

    def __init__(self, code, reason):
        self.code, self.reason = code, reason


class RawTensor:
    """A (N, D) matrix of `dtype` at `offset` in a file, streamed as float32 pieces (no memory map).

    Stands in for the matrix in TensorBoard's tensor cache, which asks only `len()` of it.
    """

    def __init__(self, path, shape, dtype="<f4", offset=0):
        self.path, self.shape, self.dtype, self.offset = path, tuple(shape), np.dtype(dtype), offset

    def __len__(self):
        return self.shape[0]

    def stream(self, rows):
        """The first `rows` rows as float32 bytes in 4 MB pieces, or a `Damaged` when the file is gone or
        shorter than the shape needs; a file cut while streaming ends the answer short."""
        row_bytes = self.shape[1] * self.dtype.itemsize
        needed = self.offset + self.shape[0] * row_bytes
        try:
            f = open(self.path, "rb")
        except OSError as error:
            return Damaged(404, f"{self.path}: {error.strerror} (deleted or re-exported since: reload the page)")
        size = os.fstat(f.fileno()).st_size
        if size < needed:
            f.close()
            return Damaged(409, f"{self.path} is {size} bytes, shape {list(self.shape)} needs {needed} "
                           "(changed since it was loaded: reload the page, or re-export)")
        return self._pieces(f, rows, row_bytes)

    def _pieces(self, f, rows, row_bytes):
        step = max(1, CHUNK_BYTES // row_bytes)
        with f:
            f.seek(self.offset)
            for start in range(0, rows, step):
                want = min(step, rows - start) * row_bytes
                data = f.read(want)
                if len(data) < want:
                    return  # truncated meanwhile: the client gets fewer bytes than Content-Length, an error
                yield np.frombuffer(data, self.dtype).astype("<f4", copy=False).tobytes()


class InMemory:
    """A matrix already in memory (a checkpoint dtype or layout only TensorFlow reads), streamed alike."""

    def __init__(self, matrix):
        self.matrix, self.shape = matrix, matrix.shape

    def stream(self, rows):
        step = max(1, CHUNK_BYTES // (4 * self.shape[1]))
        return (np.asarray(self.matrix[i : min(i + step, rows)], "<f4").tobytes() for i in range(0, rows, step))


def checkpoint_tensor(matrix):
    """A checkpoint reader's (N, D) tensor, to stream: never through its memory map (SIGBUS if truncated)."""
    if isinstance(matrix, np.memmap):
        return RawTensor(matrix.filename, matrix.shape, matrix.dtype, matrix.offset)
    return InMemory(matrix)


def tensor_file(path, shape):
    """A `RawTensor` for a raw float32 file of `shape`, None for a TSV file (TensorBoard parses it), else a
    `Damaged` saying why."""
    try:
        if not os.path.isfile(path):
            raise FileNotFoundError
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError:
        return Damaged(404, f"{path} does not exist or is not a file (deleted, or an export interrupted): re-export")
    if set(head) <= _TSV_BYTES:
        return None
    if len(shape) == 2 and size == shape[0] * shape[1] * 4:
        return RawTensor(path, shape)
    needs = f"shape {shape} needs {shape[0] * shape[1] * 4}" if len(shape) == 2 else "it has no tensor_shape [N, D]"
    return Damaged(422, f"{path} is {size} bytes of raw float32 and {needs}: re-export it, or fix tensor_shape")
