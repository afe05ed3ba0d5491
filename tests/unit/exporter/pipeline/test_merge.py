"""The merge of Parquet shards: id order across shards, a repeated row kept once, bad vector columns in one line."""

import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from exporter.errors import ExportError
from exporter.pipeline import shards
from exporter.pipeline.merge import merge_shards
from exporter.pipeline.read import row_id


def _value(identifier):
    """A float32-exact number per id: shard * 100 + position."""
    return float((identifier >> 32) * 100 + (identifier & 0xFFFFFFFF))


def _write(folder, name, ids, dim=3):
    rows = {"id": ids, "vector": [[_value(i)] * dim for i in ids], "text": [f"t{i}" for i in ids]}
    pq.write_table(pa.table(rows, schema=shards.shard_schema(["text"])), os.path.join(folder, name))


def test_rows_come_back_in_id_order_across_shards(tmp_path):
    ids = [row_id(s, p) for s in range(3) for p in range(4)]
    shuffled = np.random.default_rng(0).permutation(ids).tolist()
    for i in range(3):
        _write(tmp_path, f"part-{i}.parquet", shuffled[i * 4 : (i + 1) * 4])
    table, merged = merge_shards(str(tmp_path / "*.parquet"), scratch=str(tmp_path))
    assert merged == 12
    assert table.vectors[:, 0].tolist() == [_value(i) for i in ids]
    assert table.metadata["text"].tolist() == [f"t{i}" for i in ids]


def test_a_row_written_twice_is_merged_once(tmp_path):
    # A runner that retries a bundle must not double its rows; should a shard repeat one, the id keeps it single.
    _write(tmp_path, "part-0.parquet", [row_id(0, 0), row_id(0, 1)])
    _write(tmp_path, "part-1.parquet", [row_id(0, 1), row_id(0, 2)])
    table, merged = merge_shards(str(tmp_path / "*.parquet"), scratch=str(tmp_path))
    assert merged == 3 and table.metadata["text"].tolist() == [f"t{row_id(0, p)}" for p in range(3)]


def test_vectors_of_different_lengths_are_one_error(tmp_path):
    rows = {"vector": [[1.0, 2.0], [1.0, 2.0, 3.0]], "label": ["a", "b"]}
    pq.write_table(pa.table(rows), tmp_path / "other.parquet")
    with pytest.raises(ExportError, match="a row has a vector of 3 values where the first has 2"):
        merge_shards(str(tmp_path / "*.parquet"), scratch=str(tmp_path))


def test_a_column_that_holds_no_vectors_is_named(tmp_path):
    pq.write_table(pa.table({"vector": ["a", "b"]}), tmp_path / "other.parquet")
    with pytest.raises(ExportError, match="column 'vector' is string, not lists of numbers"):
        merge_shards(str(tmp_path / "*.parquet"), scratch=str(tmp_path))
