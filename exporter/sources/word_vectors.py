"""Word vectors from other tools: word2vec binary, word2vec/GloVe text (via `files.read_vectors`).

Example:
>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "vectors.bin")
>>> write_word2vec_binary(path, ["cat", "dog"], np.eye(2, 3, dtype=np.float32))
>>> vectors, words = read_word_vectors(path)
>>> vectors.shape, words
((2, 3), ['cat', 'dog'])
"""

import functools
import mmap
import os
import re

import numpy as np

from exporter.errors import ExportError
from exporter.sources.fasttext_binary import refuse_fasttext_binary
from exporter.sources.special_files import refuse_special_file
from exporter.sources.files import _is_number
from exporter.sources.inventory import TensorInfo
from exporter.sources.limits import check_allocation
from exporter.sources.text_encoding import replace_surrogates

TENSOR_NAME = "vectors"
_HEADER = re.compile(rb"^\s*(\d+) (\d+)\s*$")
_TEXT_NUMBERS = re.compile(rb"[-+.0-9eEinfaINFA \t\r]*")


def is_word2vec_binary(path):
    refuse_special_file(path)
    refuse_fasttext_binary(path)
    with open(path, "rb") as f:
        header, sample = f.readline(), f.read(4096)
    if not _HEADER.match(header):
        return False
    if path.endswith(".bin") or b"\0" in sample:
        return True
    # After the first word: raw float bytes, or (text) digits. Not a UTF-8 test: fastText words hold cut characters.
    start = sample.find(b" ") + 1
    numbers = sample[start : start + 64].split(b"\n")[0]
    return not (numbers and _TEXT_NUMBERS.fullmatch(numbers))


def is_word_vectors_text(path):
    """word2vec text (`N D` first line) or GloVe (a word, then numbers, on every line)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:  # the words may hold any bytes
            first = f.readline().split()
    except OSError:
        return False
    return len(first) >= 2 and (_all_digits(first) or (not _is_number(first[0]) and all(map(_is_number, first[1:]))))


def list_tensors(path):
    return [TensorInfo(TENSOR_NAME, _shape(path), "float32")]


def read_tensor(path, tensor):
    return _read_escaped(path)[0]


def read_word_vectors(path, unicode_errors="strict"):
    """(float32 (N, D) matrix, N words) of a word2vec binary or word2vec/GloVe text file.

    Words that are not UTF-8 (fastText cuts words by bytes) follow `unicode_errors` (see `text_encoding`).
    """
    vectors, words = _read_escaped(path)
    return vectors, replace_surrogates(words, path, unicode_errors)


@functools.lru_cache(maxsize=1)
def _read_escaped(path):
    """(vectors, words) with bytes that are not UTF-8 kept as lone surrogates; cached for vectors + vocabulary."""
    if not is_word2vec_binary(path):
        from exporter.sources.files import read_vectors

        vectors, words = read_vectors(path, unicode_errors=None)
        if words is None:
            raise ExportError(f"{path}: no words in the first column: not word2vec/GloVe text")
        return vectors, words
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _parse_binary(path, data)


def write_word2vec_binary(path, words, vectors):
    """The C word2vec tool's binary format (used by tests and benchmarks)."""
    from exporter.writers.atomic import open_atomic

    vectors = np.asarray(vectors, "<f4")
    with open_atomic(path) as f:
        f.write(f"{len(words)} {vectors.shape[1]}\n".encode())
        for word, row in zip(words, vectors):
            f.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")


def _parse_binary(path, data):
    end = data.find(b"\n")
    n, d = (int(v) for v in _HEADER.match(data[: end + 1]).groups())
    # A row takes at least a space and 4 bytes per value: never allocate more rows than the file can
    # hold, whatever the header promises (10^12); a short file then fails below as truncated.
    fits = min(n, (len(data) - end - 1) // (1 + 4 * d))
    check_allocation(fits * d * 4, f"{fits:,} x {d} vectors", source=path)
    vectors = np.empty((fits, d), np.float32)
    words = []
    pos, width = end + 1, 4 * d
    for row in range(n):
        space = data.find(b" ", pos)
        if space < 0 or space + 1 + width > len(data):
            raise ExportError(f"{path}: truncated: the header promises {n} words, the file ends at word {row}")
        # The C tool ends each vector with '\n', gensim does not: skip it before the word.
        words.append(data[pos:space].lstrip(b"\n").decode("utf-8", errors="surrogateescape"))
        vectors[row] = np.frombuffer(data, "<f4", d, space + 1)
        pos = space + 1 + width
    return vectors, words


def _shape(path):
    """(rows, dims) as far as the file can hold them: a header promising 10^12 rows is not repeated as is."""
    if is_word2vec_binary(path):
        with open(path, "rb") as f:
            header = f.readline()
        n, d = (int(v) for v in _HEADER.match(header).groups())
        return min(n, (os.path.getsize(path) - len(header)) // (1 + 4 * d)), d
    with open(path, "rb") as f:
        first = f.readline().split()
        lines = 1 + sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))
    if _all_digits(first):
        return min(int(first[0]), lines - 1), int(first[1])
    return lines, len(first) - 1


def _all_digits(cells):
    return len(cells) == 2 and all(c.isdigit() for c in cells)
