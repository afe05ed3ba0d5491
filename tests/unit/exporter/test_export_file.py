"""Exports from a file on disk read only the rows the export keeps: the rows `EmbeddingTable.sample` keeps."""

import numpy as np
import pytest

from exporter import EmbeddingTable, ExportOptions
from exporter.export import sampled_table
from exporter.export_file import export_model_tensor, export_vector_file, rows_kept
from exporter.run import folder as run_folder


@pytest.mark.parametrize("num_points, max_points, seed", [(1000, 10, 0), (1000, 999, 3), (50, 7, 11)])
def test_rows_kept_are_the_rows_the_sample_keeps(num_points, max_points, seed):
    vectors = np.arange(num_points * 2, dtype=np.float32).reshape(num_points, 2)
    options = ExportOptions(max_points=max_points, seed=seed)
    sampled = sampled_table(EmbeddingTable.build(vectors), options)
    np.testing.assert_array_equal(vectors[rows_kept(num_points, options)], sampled.vectors)


@pytest.mark.parametrize("options, drop_nonfinite", [
    (ExportOptions(), False),
    (ExportOptions(max_points=100), False),  # no fewer rows than that
    (ExportOptions(max_points=10, stratify="label"), False),  # chosen by values not read yet
    (ExportOptions(max_points=10), True),
])
def test_every_row_is_read_when_the_rows_depend_on_values(options, drop_nonfinite):
    assert rows_kept(100, options, drop_nonfinite) == slice(0, 100)


def test_a_sampled_npy_exports_the_rows_of_the_in_memory_export(tmp_path):
    vectors = np.random.default_rng(1).normal(size=(300, 6)).astype(np.float32)
    np.save(tmp_path / "v.npy", vectors)
    (tmp_path / "labels.txt").write_text("".join(f"w{i}\n" for i in range(300)))
    options = ExportOptions(max_points=25, seed=5, write_tsv=False)
    from_file = export_vector_file(str(tmp_path / "v.npy"), metadata=str(tmp_path / "labels.txt"), logdir=tmp_path,
                                   run="file", options=options)
    assert from_file.shape == (25, 6)
    expected = sampled_table(EmbeddingTable.build(vectors, [f"w{i}" for i in range(300)]), options)
    export = run_folder.find_export(tmp_path, "file", "embedding")
    np.testing.assert_array_equal(run_folder.read_vectors(export), expected.vectors)
    assert run_folder.read_metadata(export).iloc[:, 0].tolist() == expected.metadata.iloc[:, 0].tolist()


def test_a_model_tensor_with_its_vocabulary_file(tmp_path):
    vectors = np.random.default_rng(2).normal(size=(40, 4)).astype(np.float32)
    (tmp_path / "glove.txt").write_text("".join(f"w{i} {' '.join(map(str, row))}\n" for i, row in enumerate(vectors)))
    (tmp_path / "vocab.txt").write_text("".join(f"t{i}\n" for i in range(40)))
    result, labelled_by = export_model_tensor(str(tmp_path / "glove.txt"), vocab=str(tmp_path / "vocab.txt"),
                                              logdir=tmp_path, run="m", options=ExportOptions(max_points=8))
    assert result.shape == (8, 4) and labelled_by == str(tmp_path / "vocab.txt")
    rows = rows_kept(40, ExportOptions(max_points=8))
    export = run_folder.find_export(tmp_path, "m", "embedding")
    np.testing.assert_allclose(run_folder.read_vectors(export), vectors[rows], rtol=1e-6)
    labels = run_folder.read_metadata(export).iloc[:, 0].tolist()
    assert labels == [f"t{i}" for i in rows]
