"""Parquet shards -> one `EmbeddingTable` in id order, the matrix streamed into a file, never whole in memory.

Pass 1 reads every column but the vectors (ids and metadata: the metadata is held in
memory, the vectors are not); the ids give each row its place. Pass 2 reads the vectors
row group by row group and writes each block to its rows of a float32 memory-mapped file
in `scratch`, so a 10 GB matrix merges on a machine with less free memory: the export
then copies it from there (`export_table` writes vectors.bytes and vectors.tsv block by block).

Example:
>>> import os, tempfile, pyarrow as pa, pyarrow.parquet as pq
>>> folder = tempfile.mkdtemp()
>>> schema = shards.shard_schema(["text"])
>>> for name, ids in (("part-0.parquet", [5, 1]), ("part-1.parquet", [3])):
...     rows = {"id": ids, "vector": [[i, 1.0] for i in ids], "text": [f"t{i}" for i in ids]}
...     pq.write_table(pa.table(rows, schema=schema), os.path.join(folder, name))
>>> table, merged = merge_shards(os.path.join(folder, "*.parquet"), scratch=folder)
>>> table.vectors[:, 0].tolist(), table.metadata["text"].tolist(), merged
([1.0, 3.0, 5.0], ['t1', 't3', 't5'], 3)
"""

import contextlib
import os
import shutil
import tempfile

import numpy as np
import pandas as pd

from exporter.errors import ExportError
from exporter.pipeline import shards

#: Name of the merged matrix inside `scratch`.
MATRIX_FILE = "merged-vectors.f32"


def merge_shards(pattern, *, scratch, vector_column=shards.VECTOR_COLUMN, drop_nonfinite=False, unicode_errors="strict"):
    """(EmbeddingTable over a memory-mapped matrix in `scratch`, rows merged) from the shards `pattern` matches.

    Args:
      pattern: files (any Beam file system) holding a column `vector_column` of
        equal-length lists of numbers (list or fixed_size_list); every other column
        is metadata, but for our shards' `id`, which orders the rows.
      scratch: a folder for the merged matrix (the caller removes it after the export).
      vector_column: the column of vectors.
      drop_nonfinite, unicode_errors: see `EmbeddingTable.build`.
    """
    from exporter.table import EmbeddingTable

    paths = matched(pattern)
    schemas, rows = _survey(paths, vector_column)
    ordered = all(schema.metadata and shards.ID_KEY in schema.metadata for schema in schemas)
    frame, ids = _metadata(paths, schemas[0], vector_column, ordered)
    place, kept = _places(ids, sum(rows))
    if not len(kept):
        raise ExportError(f"{pattern}: the shards hold no rows")
    dim = None
    start = 0
    for path, f in _each(paths):  # one file open at a time: shards may number thousands
        if f.metadata.num_rows == 0:
            continue
        dim = dim or _dim(path, f, vector_column)
        if start == 0:
            matrix = np.memmap(os.path.join(scratch, MATRIX_FILE), np.float32, "w+", shape=(len(kept), dim))
        for batch in f.iter_batches(columns=[vector_column]):
            block = vectors_of(batch.column(0), dim, path)
            rows_here = place[start : start + len(block)]
            matrix[rows_here[rows_here >= 0]] = block[rows_here >= 0]
            start += len(block)
    matrix.flush()
    del matrix
    vectors = np.memmap(os.path.join(scratch, MATRIX_FILE), np.float32, "r", shape=(len(kept), dim))
    metadata = frame.iloc[kept].reset_index(drop=True) if frame is not None else None
    table = EmbeddingTable.build(vectors, metadata, drop_nonfinite=drop_nonfinite, unicode_errors=unicode_errors)
    return table, len(kept)


@contextlib.contextmanager
def scratch_beside(logdir):
    """A temporary folder beside `logdir` (same disk, outside what TensorBoard reads), removed after."""
    parent = os.path.dirname(os.path.abspath(logdir))
    os.makedirs(parent, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=f".{os.path.basename(os.path.abspath(logdir))}-pipeline-", dir=parent)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def matched(pattern, *, missing_ok=False):
    """The sorted paths `pattern` matches (any Beam file system); none is an `ExportError` unless `missing_ok`."""
    from apache_beam.io.filesystems import FileSystems

    try:
        (result,) = FileSystems.match([pattern])
    except Exception as error:  # BeamIOError, or ValueError for an unknown scheme
        raise ExportError(f"{pattern}: cannot list it ({str(error).splitlines()[0]})") from None
    paths = sorted(m.path for m in result.metadata_list)
    if not paths and not missing_ok:
        raise ExportError(f"{pattern}: matches no file: check the path (quote the pattern so the shell does not "
                          "expand it)")
    return paths


def _each(paths):
    """Yields (path, ParquetFile) of each path, the file closed before the next opens."""
    for path in paths:
        f = shards.open_parquet(path)
        try:
            yield path, f
        finally:
            f.close()


def _survey(paths, vector_column):
    """([arrow schema], [rows]) of every file; an `ExportError` unless all have the same columns, `vector_column` too."""
    schemas, rows = [], []
    for path, f in _each(paths):
        schemas.append(f.schema_arrow)
        rows.append(f.metadata.num_rows)
        if schemas[-1].names != schemas[0].names:
            raise ExportError(f"{path}: its columns {schemas[-1].names} differ from {schemas[0].names} of "
                              f"{paths[0]}: give every shard the same columns")
    if vector_column not in schemas[0].names:
        raise ExportError(f"{paths[0]} has no column {vector_column!r} of vectors: its columns are "
                          f"{schemas[0].names}: name the vector column with --vector-column")
    return schemas, rows


def _metadata(paths, schema, vector_column, ordered):
    """(DataFrame of the metadata columns or None, int64 ids or None) of all files, in file order."""
    import pyarrow as pa

    names = [n for n in schema.names if n != vector_column]
    if not names:
        return None, None
    table = pa.concat_tables([f.read(columns=names) for _, f in _each(paths)])
    ids = None
    if ordered:
        ids = table.column(shards.ID_COLUMN).to_numpy()
        table = table.drop_columns([shards.ID_COLUMN])
    frame = table.to_pandas() if table.num_columns else None
    if frame is not None:
        frame = frame.astype({c: object for c in frame.columns if pd.api.types.is_string_dtype(frame[c])})
    return frame, ids


def _places(ids, rows):
    """(row of the merged matrix for each of `rows` input rows, -1 for a repeated id; input rows kept, merged order).

    Without ids (other tools' files) rows keep their order.
    """
    if ids is None:
        return np.arange(rows), np.arange(rows)
    order = np.argsort(ids, kind="stable")
    repeated = np.zeros(len(ids), bool)
    repeated[order[1:]] = ids[order[1:]] == ids[order[:-1]]  # the same row twice: kept once
    kept = order[~repeated[order]]
    place = np.full(len(ids), -1, np.int64)
    place[kept] = np.arange(len(kept))
    return place, kept


def _dim(path, f, vector_column):
    import pyarrow as pa

    kind = f.schema_arrow.field(vector_column).type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)) or not (
            pa.types.is_floating(kind.value_type) or pa.types.is_integer(kind.value_type)):
        raise ExportError(f"{path}: column {vector_column!r} is {kind}, not lists of numbers: name the vector "
                          "column with --vector-column")
    if pa.types.is_fixed_size_list(kind):
        return kind.list_size
    first = next(f.iter_batches(batch_size=1, columns=[vector_column]), None)
    if first is None or first.num_rows == 0:
        raise ExportError(f"{path}: no rows")
    return len(first.column(0)[0])


def vectors_of(column, dim, path):
    """(n, dim) float32 of a list column's chunk, or an `ExportError` naming a row of another length."""
    import pyarrow as pa

    if pa.types.is_fixed_size_list(column.type):
        values = column.flatten()
    else:
        lengths = column.value_lengths().fill_null(-1).to_numpy(zero_copy_only=False)
        if (lengths != dim).any():
            bad = lengths[lengths != dim][0]
            has = "no vector" if bad < 0 else f"a vector of {bad} values"
            raise ExportError(f"{path}: a row has {has} where the first has {dim}: every row needs {dim} values")
        values = column.flatten()
    return values.to_numpy(zero_copy_only=False).astype(np.float32, copy=False).reshape(-1, dim)
