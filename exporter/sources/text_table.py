"""Texts (and their labels) from a CSV, TSV or plain text file, as strings, UTF-8 or a clear error.

Example:
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "reviews.csv")
>>> _ = open(path, "w").write('text,stars\\n"good, really",5\\nbad,1\\n')
>>> read_text_table(path)["text"].tolist()
['good, really', 'bad']
"""

import csv
import os
import warnings

import pandas as pd

from exporter.errors import ExportError
from exporter.sources.special_files import refuse_special_file
from exporter.sources.text_encoding import encoding_of, not_utf8_error, open_text

#: The column name a plain text file (one text per line) gets.
TEXT_COLUMN = "text"


def read_text_table(path, *, header="infer", names=None, unicode_errors="strict"):
    """A DataFrame of str columns: `.csv` comma separated, `.tsv` tab separated (CSV quoting), else one text per line.

    `header`/`names` are passed to `pandas.read_csv` (tables only). UTF-8, or UTF-16 with a
    byte-order mark; other bytes follow `unicode_errors` (see `text_encoding`).
    """
    refuse_special_file(path)
    if not os.path.isfile(path):
        raise ExportError(f"{path}: no such file")
    sep = "," if path.endswith(".csv") else "\t"
    try:
        if path.endswith((".csv", ".tsv")):
            # index_col=False: with one cell more in the first row than in the header, pandas would
            # otherwise take the first column as the index and shift every column (labels lost).
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(
                    path, sep=sep, header=header, names=names, index_col=False, dtype=str,
                    keep_default_na=False, encoding=encoding_of(path), encoding_errors=unicode_errors,
                )
        with open_text(path, unicode_errors) as f:
            lines = [line.rstrip("\r\n") for line in f]
    except UnicodeDecodeError:
        raise not_utf8_error(path) from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as error:
        reason = _first_ragged_row(path, sep) or str(error).splitlines()[0]
        raise ExportError(f"{path}: cannot read it as a table: {reason}") from None
    return pd.DataFrame({TEXT_COLUMN: [line for line in lines if line.strip()]})


def _first_ragged_row(path, sep):
    """'line N has X cells, the header has Y: ...' for the first row (CSV quoting) of another width, or None."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=sep)
        width = len(next(reader, []))
        for row in reader:
            if row and len(row) != width:
                return (f"line {reader.line_num} has {len(row)} cells, the header has {width}: quote values "
                        "holding a separator, and give every row as many cells as the header")
    return None


def column(frame, name, path):
    """`frame[name]` as a list of str, or an `ExportError` listing the columns there are."""
    if name not in frame.columns:
        raise ExportError(f"{path} has no column {name!r}: its columns are {[str(c) for c in frame.columns]}")
    return frame[name].astype(str).tolist()


def read_texts(path, *, text_column=None, label_column=None, words=False, unicode_errors="strict"):
    """(texts, metadata) of the texts in `path` (see `read_text_table`) to embed, one point each.

    Args:
      path: a .csv or .tsv with a header, or a text file with one text per line.
      text_column: the column of a table holding the texts (required for tables).
      label_column: a column of a table kept as metadata beside the text.
      words: the texts are words: repeats are dropped, and the words are their own labels.
      unicode_errors: see `text_encoding`.

    Returns:
      (list of str, a DataFrame with column "text" (and `label_column`), or the words themselves).
    """
    from exporter.sources.sentence_encoder import check_texts

    if not path:
        raise ExportError("no texts: give the file with --data PATH (.csv/.tsv with a header, or one text per line)")
    frame = _read_rows(path, unicode_errors)
    is_table = path.endswith((".csv", ".tsv"))
    if is_table and not text_column:
        raise ExportError(f"{path}: say which column holds the texts with --text-column "
                          f"(columns: {', '.join(map(str, frame.columns))})")
    texts = check_texts(column(frame, text_column if is_table else TEXT_COLUMN, path))
    if words:
        words = list(dict.fromkeys(t.strip() for t in texts))
        return words, words
    metadata = pd.DataFrame({"text": texts})
    if label_column:
        if not is_table:
            raise ExportError(f"{path}: --label-column needs a .csv or .tsv file with a header")
        metadata[label_column] = column(frame, label_column, path)
    return texts, metadata


def read_columns(path, columns, unicode_errors="strict"):
    """A DataFrame of the str `columns` of the table `path` (see `read_text_table`); no rows is an error."""
    frame = _read_rows(path, unicode_errors)
    return pd.DataFrame({name: column(frame, name, path) for name in columns})


def _read_rows(path, unicode_errors):
    frame = read_text_table(path, unicode_errors=unicode_errors)
    if frame.empty:
        raise ExportError(f"--data {path}: no rows: give a file with at least one text (below the header of a "
                          ".csv/.tsv)")
    return frame
