"""Issue 21, "`layout` trusts what is on disk": each damaged or hostile file is one error line, the
published export stays as it was (and valid), and nothing outside the logdir is read or linked."""

import json
import os
import shutil

import numpy as np
import pytest

from exporter import export_embeddings, validate_logdir
from exporter.run import folder as run_folder
from exporter.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")
N = 40


def deeply_nested(path):
    path.write_text("[" * 200_000 + "]" * 200_000)


def sparse(size):
    def make(path):
        with open(path, "wb") as f:
            f.truncate(size)
    return make


def nan_in_vectors(path):
    with open(path, "r+b") as f:
        f.seek(4 * 8 * 7)  # row 7
        f.write(np.array([np.nan], "<f4").tobytes())


def rows_removed(path):
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-3]))


def rows_added(path):
    path.write_text(path.read_text() + "extra\t1\nmore\t2\n")


DAMAGE = {
    "bookmarks not JSON": ("bookmarks.json", lambda p: p.write_text("{not json"), "is not JSON"),
    "bookmarks a list of numbers": ("bookmarks.json", lambda p: p.write_text("[1, 2, 3]"),
                                    "is not a list of projector states (bookmark 1 is int)"),
    "bookmarks nested 200,000 deep": ("bookmarks.json", deeply_nested, "is not JSON (nested too deeply)"),
    "bookmarks 300 MB": ("bookmarks.json", sparse(300 << 20), "bytes, more than a list of projector states"),
    "bookmarks sparse 2 GB": ("bookmarks.json", sparse(2 << 30), "bytes, more than a list of projector states"),
    "bookmarks missing fields": ("bookmarks.json", lambda p: p.write_text(json.dumps([{"projections": [{}] * N}])),
                                 "lacks selectedProjection"),
    "layouts.json not JSON": ("layouts.json", lambda p: p.write_text("nope"), "layouts.json is not JSON"),
    "NaN in vectors.bytes": ("vectors.bytes", nan_in_vectors, "1 rows hold NaN/Inf (first: row 7)"),
    "metadata with fewer rows": ("metadata.tsv", rows_removed, "do not match the number of lines in metadata"),
    "metadata with more rows": ("metadata.tsv", rows_added, "do not match the number of lines in metadata"),
}


def exported(logdir):
    rng = np.random.default_rng(0)
    export_embeddings(rng.normal(size=(N, 8)), {"word": [f"w{i}" for i in range(N)], "n": list(range(N))},
                      logdir=logdir, run="r", name="e", layouts=["pca"])
    return run_folder.find_export(logdir, "r", "e")


@pytest.mark.parametrize("case", DAMAGE)
def test_a_damaged_file_is_one_error_line_and_no_new_version(tmp_path, capsys, case):
    filename, damage, message = DAMAGE[case]
    logdir = str(tmp_path / "logdir")
    before = exported(logdir)
    damage(tmp_path / "logdir" / os.path.relpath(os.path.join(before.folder, filename), logdir))
    config = (tmp_path / "logdir" / "r" / run_folder.TENSORBOARD_CONFIG).read_bytes()
    capsys.readouterr()
    assert main(["layout", "--logdir", logdir, "--run", "r", "--name", "e", "--layouts", "pca:dims=3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0], err
    assert (tmp_path / "logdir" / "r" / run_folder.TENSORBOARD_CONFIG).read_bytes() == config
    assert run_folder.find_export(logdir, "r", "e").version == before.version


def test_a_version_folder_linked_to_a_folder_outside_the_logdir_is_neither_read_nor_linked(tmp_path, capsys):
    logdir = str(tmp_path / "logdir")
    before = exported(logdir)
    outside = tmp_path / "outside"
    shutil.copytree(before.folder, outside)
    (outside / "metadata.tsv").write_text("word\tn\n" + "".join(f"secret{i}\t{i}\n" for i in range(N)))
    shutil.rmtree(before.folder)
    os.symlink(outside, before.folder)
    capsys.readouterr()
    assert main(["layout", "--logdir", logdir, "--run", "r", "--name", "e", "--layouts", "pca:dims=3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "outside the logdir" in err[0], err
    assert run_folder.find_export(logdir, "r", "e").version == before.version
    for root, _, names in os.walk(logdir):  # no outside file was hard-linked in
        for name in names:
            assert os.stat(os.path.join(root, name)).st_ino not in {
                os.stat(outside / other).st_ino for other in os.listdir(outside)}


def test_replace_bookmarks_links_nothing_from_outside_the_run(tmp_path):
    from exporter import ExportError
    from exporter.export import replace_bookmarks

    logdir = str(tmp_path / "logdir")
    before = exported(logdir)
    outside = tmp_path / "outside"
    shutil.copytree(before.folder, outside)
    shutil.rmtree(before.folder)
    os.symlink(outside, before.folder)
    with pytest.raises(ExportError, match="outside"):
        replace_bookmarks(logdir, "r", "e", [])


def test_an_undamaged_export_still_gets_its_layout_and_validates(tmp_path):
    logdir = str(tmp_path / "logdir")
    exported(logdir)
    assert main(["layout", "--logdir", logdir, "--run", "r", "--name", "e", "--layouts", "pca:dims=3"]) == 0
    assert validate_logdir(logdir).findings == []
