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

from exporter.errors import ExportError


def read_vectors(path):
    """(float32 matrix, labels or None) from `path`.

    `.npy`: the array. Text (`.tsv`, `.csv`, `.txt`, `.vec`, ...): one point per line;
    a word2vec `N D` first line is skipped; a non-numeric first column (word2vec,
    GloVe, a labelled TSV) becomes the labels; a non-numeric first line is a header.
    """
    _check_readable(path)
    if path.endswith(".npy"):
        try:
            return np.load(path, allow_pickle=False), None
        except ValueError as error:
            raise ExportError(f"{path}: not a plain .npy array ({error})") from None
    first, second = _first_lines(path)
    sep = _separator(path, first)
    cells = first.rstrip("\n").split(sep)
    skip = 0
    if len(cells) == 2 and all(c.strip().isdigit() for c in cells):  # word2vec "N D" header
        skip, cells = 1, second.rstrip("\n").split(sep)
    elif not all(_is_number(c) for c in cells[1:]):  # a header row
        skip, cells = 1, second.rstrip("\n").split(sep)
    labelled = not _is_number(cells[0])
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            header=None,
            skiprows=skip,
            quoting=csv.QUOTE_NONE,
            dtype={0: str} if labelled else np.float32,
            keep_default_na=False,
            na_filter=False,
            engine="c",
            encoding="utf-8",
        )
    except (ValueError, pd.errors.ParserError) as error:
        raise ExportError(f"{path}: cannot read it as a matrix: {str(error).splitlines()[0]}") from None
    if labelled:
        labels = frame.iloc[:, 0].tolist()
        frame = frame.iloc[:, 1:]
        # GloVe/word2vec lines often end with a separator: an empty last column.
        if frame.shape[1] and (frame.iloc[:, -1].astype(str) == "").all():
            frame = frame.iloc[:, :-1]
        try:
            return frame.to_numpy(np.float32), labels
        except ValueError as error:
            raise ExportError(f"{path}: a vector value is not a number ({error})") from None
    return frame.to_numpy(np.float32), None


def read_metadata(path):
    """A DataFrame of labels from `.tsv` (the projector's header rule), `.csv` or `.txt`."""
    _check_readable(path)
    if path.endswith(".csv"):
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if lines and "\t" in lines[0]:
        header = lines[0].split("\t")
        return pd.DataFrame([line.split("\t") for line in lines[1:]], columns=header)
    return pd.DataFrame({"label": lines})


def _check_readable(path):
    if not os.path.isfile(path):
        raise ExportError(f"{path}: no such file")
    if os.path.getsize(path) == 0:
        raise ExportError(f"{path}: the file is empty")


def _first_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline(), f.readline()
    except UnicodeDecodeError:
        raise ExportError(f"{path}: not UTF-8 text (word2vec binary files: see `projector-export inspect`)") from None


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
