"""Vectors and metadata from files: `.npy`, TSV/CSV matrices, word2vec/GloVe text.

Example:
>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "glove.txt")
>>> _ = open(path, "w").write("the 0.1 0.2\\nof 0.3 0.4\\n")
>>> vectors, labels = read_vectors(path)
>>> vectors.shape, labels
((2, 2), ['the', 'of'])
"""

import csv
import os

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from exporter.errors import ExportError
from exporter.sources.fasttext_binary import refuse_fasttext_binary
from exporter.sources.special_files import refuse_special_file
from exporter.sources.text_encoding import encoding_of, not_utf8_error, open_text, replace_surrogates
from exporter.sources.text_table import read_text_table

#: Values parsed per chunk: bounds the memory above the result matrix.
_CHUNK_VALUES = 5_000_000


def read_vectors(path, unicode_errors="strict"):
    """(float32 matrix, labels or None) from `path`.

    `.npy`: the array, memory-mapped (read-only; nothing read until used). Text (`.tsv`, `.csv`, `.txt`, `.vec`, ...): one point per line;
    a word2vec `N D` first line is checked against the rows and skipped; a non-numeric
    first column (word2vec, GloVe, a labelled TSV) becomes the labels; a non-numeric
    first line is a header. Labels that are not UTF-8 follow `unicode_errors` (see
    `text_encoding`; None keeps such bytes as lone surrogates, for callers that decide later).
    """
    _check_readable(path)
    refuse_fasttext_binary(path)
    if path.endswith(".npy"):
        return read_npy(path), None
    if encoding_of(path) == "utf-16":
        raise ExportError(f"{path}: UTF-16 text: save vector files as UTF-8")
    sep, skip, promised, labelled, width, trailing = _text_layout(path)
    vectors, labels = _read_matrix(path, sep, skip, labelled, width, trailing)
    filled = len(vectors)
    if promised is not None and promised != filled:
        raise ExportError(
            f"{path}: its word2vec header promises {promised} rows but the file has {filled} (a truncated "
            f"download or copy?): fetch it again, or make the first line '{filled} {width - labelled}' to "
            f"export the {filled} rows there are"
        )
    if labels is not None and unicode_errors is not None:
        labels = replace_surrogates(labels, path, unicode_errors)
    return vectors, labels


def _text_layout(path):
    """(separator, header lines to skip, rows a word2vec header promises or None, labelled, width, trailing)
    of a text matrix, from its first two lines."""
    first, second = _first_lines(path)
    sep = _separator(path, first)
    cells, next_cells = _cells(first, sep), _cells(second, sep)
    skip, promised = 0, None
    if len(cells) == 2 and all(c.strip().isdigit() for c in cells) and len(next_cells) == int(cells[1]) + 1:
        skip, cells, promised = 1, next_cells, int(cells[0])  # word2vec "N D" header
    elif not all(_is_number(c) for c in cells[1:]):  # a header row
        skip, cells = 1, next_cells
    labelled = not _is_number(cells[0])
    width = len(cells)
    # GloVe/word2vec lines often end with a separator: an empty last column, read as text and dropped.
    trailing = len((second if skip else first).rstrip("\n").split(sep)) > width
    return sep, skip, promised, labelled, width, trailing


def _read_matrix(path, sep, skip, labelled, width, trailing):
    """(float32 matrix, labels with surrogates or None) of a text matrix laid out as `_text_layout` found."""
    rows = _count_lines(path) - skip
    chunk_rows = max(1_000, _CHUNK_VALUES // width)
    try:
        chunks = pd.read_csv(
            path,
            sep=sep,
            header=None,
            skiprows=skip,
            quoting=csv.QUOTE_NONE,
            dtype={i: object if (labelled and i == 0) or i == width else np.float32 for i in range(width + trailing)},
            keep_default_na=False,
            na_filter=False,
            engine="c",
            encoding=encoding_of(path),
            encoding_errors="surrogateescape",  # labels only (object: pyarrow strings refuse surrogates);
            # unicode_errors applies in read_vectors
            chunksize=chunk_rows,
        )
        # Chunks are copied into one preallocated matrix: memory stays near the matrix itself.
        vectors = np.empty((rows, width - labelled), np.float32)
        labels = [] if labelled else None
        filled = 0
        with tqdm(total=rows, desc=os.path.basename(path), unit="rows", disable=rows < 20 * chunk_rows) as bar:
            for chunk in chunks:
                if trailing:
                    chunk = chunk.iloc[:, :width]
                if labelled:
                    labels.extend(chunk.iloc[:, 0].tolist())
                    chunk = chunk.iloc[:, 1:]
                vectors[filled : filled + len(chunk)] = chunk.to_numpy(np.float32)
                filled += len(chunk)
                bar.update(len(chunk))
    except (ValueError, pd.errors.ParserError) as error:
        ragged = _first_ragged_line(path, sep, width + trailing)
        reason = ragged or str(error).splitlines()[0]
        raise ExportError(f"{path}: cannot read it as a matrix: {reason}") from None
    return vectors[:filled], labels


def read_npy(path):
    """The array of a `.npy` file, memory-mapped read-only, refused in one line unless it is a plain numeric
    matrix its size promises."""
    try:
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _, dtype = read_header(f)
            data_start = f.tell()
    except (ValueError, OSError, SyntaxError) as error:
        raise ExportError(f"{path}: not a .npy file ({str(error).splitlines()[0]})") from None
    if dtype.kind == "c":  # float32 conversion would silently drop the imaginary part
        raise ExportError(f"{path}: holds complex values ({dtype}), the projector shows real vectors: "
                          "save np.abs(x), x.real, or np.concatenate([x.real, x.imag], axis=1)")
    if dtype.kind not in "fiub" or dtype.fields is not None or dtype.subdtype is not None:
        raise ExportError(f"{path}: holds {dtype} values, not real numbers: save a plain (N, D) float array, "
                          "e.g. numpy.lib.recfunctions.structured_to_unstructured(array)")
    if any(side < 0 for side in shape):
        raise ExportError(f"{path}: its header declares the shape {shape}, with a negative side: corrupt: save "
                          "the array again with numpy.save")
    needed = data_start + int(np.prod(shape, dtype=object)) * dtype.itemsize
    if needed > os.path.getsize(path):
        raise ExportError(f"{path}: its header promises a {' x '.join(map(str, shape))} {dtype} array "
                          f"({needed:,} bytes) but the file has {os.path.getsize(path):,} bytes: truncated or corrupt")
    return np.load(path, mmap_mode="r", allow_pickle=False)  # values are read when used: a sample reads its rows


def _first_ragged_line(path, sep, width):
    """What is wrong with the first line of another width than `width`, or None."""
    with open(path, encoding=encoding_of(path), errors="replace") as f:
        for number, line in enumerate(f, 1):
            count = len(line.rstrip("\n").split(sep))
            if count != width and (number > 1 or count != 2):  # line 1 may be a word2vec "N D" header
                return f"line {number} has {count} values where the rows before have {width}: every row needs as many"
    return None


def read_metadata(path, unicode_errors="strict"):
    """A DataFrame of labels from `.tsv` (the projector's header rule), `.csv` or `.txt`.

    UTF-8 or UTF-16 with a byte-order mark; other bytes follow `unicode_errors` (see `text_encoding`).
    """
    _check_readable(path)
    try:
        if path.endswith(".csv"):
            return read_text_table(path, unicode_errors=unicode_errors)
        with open_text(path, unicode_errors) as f:
            lines = f.read().split("\n")
    except UnicodeDecodeError:
        raise not_utf8_error(path) from None
    if lines and lines[-1] == "":
        lines.pop()
    if lines and "\t" in lines[0]:
        header = lines[0].split("\t")
        rows = [line.split("\t") for line in lines[1:]]
        ragged = next((number for number, row in enumerate(rows, 2) if len(row) != len(header)), None)
        if ragged is not None:
            raise ExportError(f"{path}: line {ragged} has {len(rows[ragged - 2])} cells, its header {len(header)}: "
                              "the projector would shift or drop that row's labels: give every row one cell per "
                              "column (a tab inside a label is a new column)")
        frame = pd.DataFrame(rows, columns=range(len(header)), dtype=object)  # object: pyarrow refuses surrogates
        frame.columns = pd.Index(header, dtype=object)
        return frame
    return pd.DataFrame({"label": pd.Series(lines, dtype=object)})


def _check_readable(path):
    refuse_special_file(path)
    if not os.path.isfile(path):
        raise ExportError(f"{path}: no such file")
    if os.path.getsize(path) == 0:
        raise ExportError(f"{path}: the file is empty")


def _cells(line, sep):
    """The fields of a line, without the empty one a trailing separator makes."""
    cells = line.rstrip("\n").split(sep)
    return cells[:-1] if len(cells) > 1 and cells[-1].strip() == "" else cells


def _count_lines(path):
    """Lines in the file, a last line without a final newline included."""
    count, last = 0, b"\n"
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 24), b""):
            count, last = count + block.count(b"\n"), block[-1:]
    return count + (last != b"\n")


def _first_lines(path):
    with open(path, encoding=encoding_of(path), errors="surrogateescape") as f:
        return f.readline(), f.readline()


def _separator(path, first_line):
    if path.endswith(".csv"):
        return ","
    return "\t" if "\t" in first_line else " "


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True
