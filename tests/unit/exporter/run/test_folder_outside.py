"""Issue 21: reading an export back never reads through a symlink out of the run folder.

A version folder replaced by a symlink to a folder outside the logdir (holding other
vectors and labels): `read_export` and the `neighbours` command refuse it with one line
naming the path, instead of answering with the outside files.
"""

import os
import shutil
import warnings

import numpy as np
import pytest

from exporter import ExportError, ExportWarning, export_embeddings
from exporter.cli import main
from exporter.run import folder as run_folder


def test_a_version_folder_symlinked_outside_is_not_read(tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        export_embeddings(np.eye(3, 4), ["cat", "dog", "cow"], logdir=str(tmp_path / "logdir"), run="r", name="t")
        export_embeddings(np.ones((3, 4)), ["secret1", "secret2", "secret3"], logdir=str(tmp_path / "other"),
                          run="r", name="t")
    folder = run_folder.find_export(str(tmp_path / "logdir"), "r", "t").folder
    outside = run_folder.find_export(str(tmp_path / "other"), "r", "t").folder
    shutil.rmtree(folder)
    os.symlink(outside, folder)
    with pytest.raises(ExportError, match=r"resolves outside .* \(a symlink out\)"):
        run_folder.read_export(str(tmp_path / "logdir"), "r", "t")
    assert main(["neighbours", "cat", "--logdir", str(tmp_path / "logdir"), "--run", "r", "--name", "t"]) == 2
    captured = capsys.readouterr()
    assert "secret" not in captured.out + captured.err
    assert captured.err.count("\n") == 1 and "a symlink out" in captured.err, captured.err
