"""Hostile input files (issue 21): a corrupt `.npy` header, metadata rows of another width, a FIFO."""

import os

import numpy as np
import pytest

from tests.unit.exporter.sources.test_on_disk_errors import fails


@pytest.mark.parametrize("shape", ["(-3, 4)", "(3, -4)"])
def test_a_npy_header_with_a_negative_side_is_one_error_line(tmp_path, capsys, shape):
    np.save(tmp_path / "ok.npy", np.zeros((3, 4), np.float32))
    (tmp_path / "bad.npy").write_bytes((tmp_path / "ok.npy").read_bytes().replace(b"(3, 4)", shape.encode()))
    message = fails(capsys, tmp_path, "import", tmp_path / "bad.npy")
    assert "negative side" in message, message


@pytest.mark.parametrize("rows, line", [("x\ty\nz\nw\tv\n", 3), ("x\ty\tq\nz\tu\nw\tv\n", 2)])
def test_metadata_rows_of_another_width_than_the_header_are_one_error_line(tmp_path, capsys, rows, line):
    (tmp_path / "vectors.tsv").write_text("1\t2\n3\t4\n5\t6\n")
    (tmp_path / "labels.tsv").write_text("word\tkind\n" + rows)
    message = fails(capsys, tmp_path, "import", tmp_path / "vectors.tsv", "--metadata", tmp_path / "labels.tsv")
    assert f"line {line} has" in message and "its header 2" in message, message


def test_a_fifo_given_as_any_input_is_refused_without_opening_it(tmp_path, capsys):
    os.mkfifo(tmp_path / "fifo.tsv")  # opening it would block until a writer comes: forever
    (tmp_path / "vectors.tsv").write_text("a 1 2\nb 3 4\n")
    for argv in (["import", tmp_path / "fifo.tsv"],
                 ["import", tmp_path / "vectors.tsv", "--metadata", tmp_path / "fifo.tsv"],
                 ["checkpoint", tmp_path / "fifo.tsv"],
                 ["checkpoint", tmp_path / "vectors.tsv", "--vocab", tmp_path / "fifo.tsv"]):
        message = fails(capsys, tmp_path, *argv)
        assert "a FIFO (named pipe), not a regular file" in message, message
