"""`text --runner local --workers 2` (Beam's FnApiRunner, 2 SDK worker processes on loopback) vs in-process.

One pipeline run (a module fixture) serves every assertion: the same rows, order, metadata
and vectors as the in-process command over the same texts in one file; progress lines
per stage and no Beam log lines; no worker outliving the command; Parquet shards in
--output that `import` turns into the same export.
"""

import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.support import pipeline as support

N_TEXTS = 30
DIM = 384


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline-text")
    support.sample_shards(root, N_TEXTS)
    return root


@pytest.fixture(scope="module")
def inprocess(work):
    job = support.cli("text", "--data", work / "in" / "all.csv", "--text-column", "review", "--label-column",
                      "label", "--logdir", work / "logdir", "--run", "inprocess")
    assert job.returncode == 0, job.stderr
    return support.export_files(work / "logdir", "inprocess", "sentences")


@pytest.fixture(scope="module")
def beam(work):
    job = support.cli("text", "--data", work / "in" / "part-*.csv", "--text-column", "review", "--label-column",
                      "label", "--logdir", work / "logdir", "--run", "beam", "--runner", "local", "--workers", 2,
                      "--output", work / "shards")
    assert job.returncode == 0, job.stderr
    job.files = support.export_files(work / "logdir", "beam", "sentences")
    return job


def test_same_rows_order_and_vectors_as_in_process(inprocess, beam):
    assert beam.files["metadata.tsv"] == inprocess["metadata.tsv"]  # text, label, tokens: same rows, same order
    assert beam.files["metadata.tsv"].decode().count("\n") == N_TEXTS + 1
    ours, theirs = support.vectors(beam.files, DIM), support.vectors(inprocess, DIM)
    assert ours.shape == theirs.shape == (N_TEXTS, DIM)
    assert support.min_cosine(ours, theirs) >= 0.9999


def test_a_progress_line_per_stage_and_no_beam_logs(beam):
    lines = beam.stderr.strip().splitlines()
    assert lines[0] == f"read: {N_TEXTS} rows from 3 files", lines
    assert lines[1] == f"embedded: {N_TEXTS} rows"
    assert lines[2].startswith(f"written: {N_TEXTS} rows in ") and "Parquet shards" in lines[2]
    assert lines[3] == f"merged: {N_TEXTS} rows in id order"
    others = lines[4:]  # only the export's own warnings, as in-process (nothing from Beam, gRPC, TF, the workers)
    assert all(line.startswith("warning: ") for line in others), others
    assert beam.stdout.strip().startswith(f"exported sentences: {N_TEXTS} x {DIM}")


def test_no_worker_outlives_the_command(beam):
    assert beam.left == []


def test_no_temporary_folder_is_left_beside_the_logdir(work, beam):
    assert [name for name in os.listdir(work) if "pipeline" in name] == []


def test_shards_hold_id_vector_and_metadata_columns(work, beam):
    tables = [pq.read_table(work / "shards" / name) for name in sorted(os.listdir(work / "shards"))]
    table = pa.concat_tables(tables)
    assert table.schema.names == ["id", "vector", "text", "label", "tokens"]
    assert table.schema.field("vector").type == pa.list_(pa.float32())
    ids = table.column("id").to_numpy()
    assert sorted(ids >> 32) == [0] * 10 + [1] * 10 + [2] * 10  # (shard, position): each row once
    assert len(set(ids.tolist())) == N_TEXTS


def test_import_of_the_shards_gives_the_same_export(work, beam):
    job = support.cli("import", str(work / "shards" / "*.parquet"), "--logdir", work / "logdir", "--run",
                      "imported", "--name", "sentences")
    assert job.returncode == 0, job.stderr
    assert support.export_files(work / "logdir", "imported", "sentences") == beam.files


def test_import_of_other_tools_parquet_fixed_size_lists_and_vector_column(work, beam):
    shards = pa.concat_tables([pq.read_table(work / "shards" / n) for n in sorted(os.listdir(work / "shards"))])
    shards = shards.sort_by("id")
    flat = pa.array(support.vectors(beam.files, DIM).ravel())
    other = pa.table({"label": shards.column("label"), "embedding": pa.FixedSizeListArray.from_arrays(flat, DIM)})
    half = N_TEXTS // 2
    os.makedirs(work / "atlas")
    pq.write_table(other.slice(0, half), work / "atlas" / "a.parquet")
    pq.write_table(other.slice(half), work / "atlas" / "b.parquet")
    job = support.cli("import", str(work / "atlas" / "*.parquet"), "--vector-column", "embedding", "--logdir",
                      work / "logdir", "--run", "atlas", "--name", "points")
    assert job.returncode == 0, job.stderr
    files = support.export_files(work / "logdir", "atlas", "points")
    assert np.array_equal(support.vectors(files, DIM), support.vectors(beam.files, DIM))  # file order kept
    labels = [line.split("\t")[1] for line in beam.files["metadata.tsv"].decode().splitlines()[1:]]
    assert files["metadata.tsv"].decode().splitlines() == labels  # one column: no header


def test_import_names_a_missing_vector_column(work, beam):
    job = support.cli("import", str(work / "shards" / "*.parquet"), "--vector-column", "embedding",
                      "--logdir", work / "logdir", "--run", "wrong")
    assert job.returncode == 2
    (line,) = job.stderr.strip().splitlines()
    assert line.startswith(f"error: {work / 'shards' / 'part-00000-of-'}") and line.endswith(
        "has no column 'embedding' of vectors: its columns are ['id', 'vector', 'text', 'label', 'tokens']: "
        "name the vector column with --vector-column")
    assert not os.path.exists(work / "logdir" / "wrong" / "projector-export")
