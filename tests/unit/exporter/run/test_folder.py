"""The run folder (exporter/run/folder.py): names, symlinks, staging, the marker checkpoint, the text trap,
the older format, the read side and the explicit API (issues 12, 13, 14, 15)."""

import dataclasses
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from exporter import EmbeddingTable, ExportError, ExportWarning, export_embeddings, make_bookmark, validate_logdir
from exporter.run import folder as run_folder
from exporter.export import binary_misread_as_text, remove_export, replace_bookmarks
from exporter.run import marker_checkpoint
from tests.support.data import assert_bit_exact, random_vectors
from tests.unit.exporter.test_export import assert_one_error_line, cli

pytestmark = pytest.mark.filterwarnings("ignore::exporter.errors.ExportWarning")


def export(logdir, name="words", n=20, run="r", seed=0, **options):
    vectors = random_vectors(n, 8, seed=seed, special_values=False)
    result = export_embeddings(vectors, [f"w{i}" for i in range(n)], logdir=str(logdir), run=run, name=name, **options)
    return vectors, result


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["checkpoint", "projector_config.pbtxt", "projector_config.json", "plugins",
                                  "projector-export", "events.out.tfevents.1", "embeddings.ckpt-3",
                                  "projector-export.marker-2", "words\n", "a\nb"])
def test_names_of_run_level_files_and_names_ending_in_a_newline_are_refused_in_one_line(tmp_path, name):
    np.save(tmp_path / "v.npy", random_vectors(5, 4))
    assert_one_error_line(cli("import", tmp_path / "v.npy", "--logdir", tmp_path / "logdir", "--run", "r",
                              "--name", name), "tensor name")
    assert not (tmp_path / "logdir").exists()


@pytest.mark.parametrize("run", ["r\n", "a/b\n", "r\nx"])
def test_runs_ending_in_a_newline_are_refused(tmp_path, run):
    with pytest.raises(ExportError, match="relative folder name"):
        export(tmp_path, run=run)
    assert os.listdir(tmp_path) == []


def test_no_name_collides_with_a_run_level_file_or_another_tools_folder(tmp_path):
    run_dir = tmp_path / "r"
    (run_dir / "words").mkdir(parents=True)  # another tool's folder of that name, e.g. Keras' "train"
    (run_dir / "words" / "theirs.txt").write_text("kept")
    _, result = export(tmp_path)
    assert (run_dir / "words" / "theirs.txt").read_text() == "kept"
    assert all(path.startswith(str(run_dir / run_folder.EXPORTS_FOLDER / "words")) for path in result.files.values())
    assert result.tensorboard_config == str(run_dir / run_folder.TENSORBOARD_CONFIG)


# --- symlinks inside a run -------------------------------------------------------------------------


def test_a_symlinked_tensor_folder_is_refused_and_nothing_outside_is_touched(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "vectors.tsv").write_text("precious")
    run_dir = tmp_path / "logdir" / "r"
    (run_dir / run_folder.EXPORTS_FOLDER).mkdir(parents=True)
    os.symlink(outside, run_dir / run_folder.EXPORTS_FOLDER / "t")
    os.symlink(outside, run_dir / "t")  # the older format's folder: not used for writing any more
    np.save(tmp_path / "v.npy", random_vectors(5, 4))
    assert_one_error_line(cli("import", tmp_path / "v.npy", "--logdir", tmp_path / "logdir", "--run", "r",
                              "--name", "t"), "symlink")
    assert os.listdir(outside) == ["vectors.tsv"] and (outside / "vectors.tsv").read_text() == "precious"
    os.unlink(run_dir / run_folder.EXPORTS_FOLDER / "t")
    export(tmp_path / "logdir", name="t")  # the run's own folder: fine, and still nothing outside
    assert os.listdir(outside) == ["vectors.tsv"]


def test_a_symlinked_exports_folder_or_lock_file_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    run_dir = tmp_path / "logdir" / "r"
    run_dir.mkdir(parents=True)
    os.symlink(outside, run_dir / run_folder.EXPORTS_FOLDER)
    with pytest.raises(ExportError, match="symlink"):
        export(tmp_path / "logdir")
    assert os.listdir(outside) == []
    other_run = tmp_path / "logdir" / "r2"
    other_run.mkdir()
    os.symlink(outside / "lock", other_run / run_folder.LOCK_FILE)
    with pytest.raises(ExportError, match="symlink"):
        export(tmp_path / "logdir", run="r2")
    assert os.listdir(outside) == []


def test_removing_an_old_version_that_is_a_symlink_removes_only_the_link(tmp_path):
    export(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept")
    os.symlink(outside, tmp_path / "r" / run_folder.EXPORTS_FOLDER / "words" / "v99")  # looks like a stale version
    export(tmp_path, seed=1)
    assert not os.path.lexists(tmp_path / "r" / run_folder.EXPORTS_FOLDER / "words" / "v99")
    assert (outside / "keep.txt").read_text() == "kept"


# --- staging liveness: a lock held by the live exporter, not its PID -----------------------------------

_HOLD_LOCK = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()
    """
)


def test_a_staging_folder_is_removed_only_when_no_live_exporter_holds_its_lock(tmp_path):
    export(tmp_path)
    run_dir = tmp_path / "r"
    live, orphan = run_dir / ".staging-live", run_dir / f".staging-{os.getpid()}-orphan"  # our own, live PID
    live.mkdir()
    orphan.mkdir()
    (orphan / "vectors.bytes").write_bytes(b"x")
    # As if in another PID namespace: its PID means nothing here, only the lock it holds counts.
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(live)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        export(tmp_path, name="other")
        assert live.exists() and not orphan.exists()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    export(tmp_path, name="third")
    assert not live.exists()


# --- the marker checkpoint and TensorFlow ------------------------------------------------------------


def test_the_marker_checkpoint_is_what_tensorflow_writes_and_reads_and_changes_at_every_commit(tmp_path):
    import tensorflow as tf

    tf.raw_ops.SaveV2(prefix=str(tmp_path / "tf-1"), tensor_names=["projector_export"], shape_and_slices=[""],
                      tensors=[tf.constant(1, tf.int32)])
    assert (tmp_path / "tf-1.index").read_bytes() == marker_checkpoint.INDEX_BYTES
    assert (tmp_path / "tf-1.data-00000-of-00001").read_bytes() == marker_checkpoint.DATA_BYTES

    export(tmp_path)
    first = tf.train.latest_checkpoint(str(tmp_path / "r"))
    reader = tf.train.load_checkpoint(first)
    assert reader.get_variable_to_shape_map() == {"projector_export": []}  # nothing TensorBoard would list
    export(tmp_path, seed=1)
    second = tf.train.latest_checkpoint(str(tmp_path / "r"))
    assert second != first and not os.path.exists(first + ".index")
    remove_export(str(tmp_path), "r", "words")
    assert tf.train.latest_checkpoint(str(tmp_path / "r")) not in (first, second)


def test_an_export_does_not_rewrite_the_other_exports_of_the_run(tmp_path):
    export(tmp_path, name="big", n=2000)
    big = run_folder.find_export(str(tmp_path), "r", "big")
    stamps = {key: os.stat(path).st_ino for key, path in big.files.items()}
    export(tmp_path, name="small")
    export(tmp_path, name="small", seed=1)
    assert run_folder.find_export(str(tmp_path), "r", "big") == big
    assert {key: os.stat(path).st_ino for key, path in big.files.items()} == stamps


# --- raw float32 that TensorBoard would read as text ---------------------------------------------------


def _first_line_text():
    """Rows of zeros, then a value whose first byte is 0x0A: the bytes before it are valid UTF-8."""
    matrix = np.zeros((6, 4), np.float32)
    matrix[3, 1] = np.frombuffer(b"\x0a\x00\x80\x3f", "<f4")[0]
    matrix[4] = [1, -2, 3, 0.5]  # invalid UTF-8 after the first line
    return matrix


@pytest.mark.parametrize("matrix", [np.zeros((5, 3), np.float32), _first_line_text()], ids=["zeros", "first-line"])
def test_raw_float32_tensorboard_would_parse_as_text_goes_to_a_tsv_tensor_path(tmp_path, matrix):
    assert binary_misread_as_text(matrix)
    with pytest.warns(ExportWarning, match="reads vectors.tsv instead"):
        export_embeddings(matrix, None, logdir=str(tmp_path), run="r", name="t", write_tsv=False)
    [entry] = run_folder.read_tensorboard_config(str(tmp_path / "r")).embeddings
    assert entry.tensor_path.endswith("/vectors.tsv")
    assert validate_logdir(str(tmp_path)).ok
    assert_bit_exact(run_folder.read_export(str(tmp_path), "r", "t").vectors, matrix)
    assert not binary_misread_as_text(random_vectors(100, 8))


def test_validate_names_raw_float32_whose_first_line_is_text(tmp_path):
    export_embeddings(random_vectors(6, 4), None, logdir=str(tmp_path), run="r", name="t")
    path = run_folder.find_export(str(tmp_path), "r", "t").files["vectors_bytes"]
    _first_line_text().tofile(path)  # what a careless writer of binary tensor_path files produces
    report = validate_logdir(str(tmp_path))
    [error] = [f for f in report.errors if "first line" in f.message]
    assert "valid UTF-8" in error.message and "TSV" in error.fix and not report.ok


# --- the older checkpoint format ------------------------------------------------------------------------


def _older_format_run(logdir):
    """A run as projector-export wrote it before: tensors in embeddings.ckpt-1, files in R/<name>/."""
    import tensorflow as tf

    from exporter.run.event_file import ensure_event_file

    run_dir = os.path.join(logdir, "old")
    os.makedirs(os.path.join(run_dir, "words"))
    vectors = random_vectors(12, 6, special_values=False)
    tf.raw_ops.SaveV2(prefix=os.path.join(run_dir, "embeddings.ckpt-1"), tensor_names=["words"],
                      shape_and_slices=[""], tensors=[tf.constant(vectors)])
    with open(os.path.join(run_dir, "checkpoint"), "w") as f:
        f.write('model_checkpoint_path: "embeddings.ckpt-1"\nall_model_checkpoint_paths: "embeddings.ckpt-1"\n')
    with open(os.path.join(run_dir, "words", "metadata.tsv"), "w") as f:
        f.write("".join(f"w{i}\n" for i in range(12)))
    with open(os.path.join(run_dir, "projector_config.pbtxt"), "w") as f:
        f.write('embeddings {\n  tensor_name: "words"\n  metadata_path: "words/metadata.tsv"\n'
                "  tensor_shape: 12\n  tensor_shape: 6\n}\n")
    ensure_event_file(run_dir)
    return vectors


def test_an_older_format_run_is_read_and_converted_by_the_next_export(tmp_path):
    vectors = _older_format_run(tmp_path)
    report = validate_logdir(str(tmp_path))
    assert report.ok and any("without TensorFlow" in f.message for f in report.findings)
    assert_bit_exact(run_folder.read_export(str(tmp_path), "old", "words").vectors, vectors)

    export(tmp_path, run="old", name="new")
    listed = {e.name: e for e in run_folder.list_exports(str(tmp_path), "old")}
    assert sorted(listed) == ["new", "words"] and listed["words"].version is not None
    assert_bit_exact(run_folder.read_export(str(tmp_path), "old", "words").vectors, vectors)
    assert run_folder.read_export(str(tmp_path), "old", "words").metadata["label"].tolist() == [f"w{i}" for i in range(12)]
    assert not os.path.exists(tmp_path / "old" / "words") and not list((tmp_path / "old").glob("embeddings.ckpt*"))
    report = validate_logdir(str(tmp_path))
    assert report.ok and report.findings == []


def test_fix_converts_an_older_format_run(tmp_path):
    vectors = _older_format_run(tmp_path)
    result = cli("fix", "--logdir", tmp_path, check_exit=0)
    assert "converted 1 export(s)" in result.stdout
    assert run_folder.find_export(str(tmp_path), "old", "words").version is not None
    assert_bit_exact(run_folder.read_export(str(tmp_path), "old", "words").vectors, vectors)


# --- the read side and the API ---------------------------------------------------------------------------


def test_read_export_gives_back_the_table_and_list_exports_every_export(tmp_path):
    vectors, _ = export(tmp_path)
    export_embeddings(np.eye(3, 4), {"a": ["x", "y", "z"], "b": [1, 2, 3]}, logdir=str(tmp_path), run="r", name="t")
    assert [(e.name, e.shape) for e in run_folder.list_exports(str(tmp_path), "r")] == [("words", (20, 8)), ("t", (3, 4))]
    table = run_folder.read_export(str(tmp_path), "r", "words")
    assert_bit_exact(table.vectors, vectors)
    assert table.metadata["label"].tolist() == [f"w{i}" for i in range(20)]
    assert run_folder.read_export(str(tmp_path), "r", "t").metadata.to_dict("list") == {"a": ["x", "y", "z"],
                                                                                      "b": ["1", "2", "3"]}
    with pytest.raises(ExportError, match="no tensor 'nope': its tensors are words, t"):
        run_folder.find_export(str(tmp_path), "r", "nope")


def test_replace_bookmarks_hard_links_the_other_files_and_replaces_only_the_bookmarks(tmp_path):
    vectors, before = export(tmp_path)
    mark = make_bookmark("diagonal", np.stack([np.arange(20), np.arange(20)], axis=1))
    after = replace_bookmarks(str(tmp_path), "r", "words", [mark])
    for key in ("vectors_bytes", "vectors_tsv", "metadata"):
        assert os.path.samefile(after.files[key], run_folder.find_export(str(tmp_path), "r", "words").files[key])
        assert os.stat(after.files[key]).st_nlink == 1  # the old version is gone, its inode lives on here
    with open(after.files["bookmarks"], encoding="utf-8") as f:
        assert '"label":"diagonal"' in f.read()
    assert not os.path.exists(before.files["bookmarks"])
    assert_bit_exact(run_folder.read_export(str(tmp_path), "r", "words").vectors, vectors)
    assert validate_logdir(str(tmp_path)).ok
    with pytest.raises(ExportError, match="has 3 points, the tensor has 20"):
        replace_bookmarks(str(tmp_path), "r", "words", [make_bookmark("bad", np.zeros((3, 2)))])


def test_contradictory_arguments_are_an_export_error_and_the_result_is_frozen(tmp_path):
    table = EmbeddingTable.build(np.eye(3, 4), ["a", "b", "c"])
    for extra in ({"metadata": ["x", "y", "z"]}, {"drop_nonfinite": True}, {"unicode_errors": "replace"}):
        with pytest.raises(ExportError, match="EmbeddingTable carries its own metadata"):
            export_embeddings(table, logdir=str(tmp_path), run="r", name="t", **extra)
    with pytest.raises(ExportError, match="stratify= only applies when sampling"):
        export_embeddings(np.eye(3, 4), pd.DataFrame({"c": ["a", "b", "a"]}), logdir=str(tmp_path), run="r",
                          name="t", stratify="c")
    with pytest.raises(TypeError):
        export_embeddings(np.eye(3, 4), logdir=str(tmp_path), run="r", name="t", standalone=False)  # old misnomer
    assert not os.path.exists(tmp_path / "r")
    result = export_embeddings(table, logdir=str(tmp_path), run="r", name="t")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.dropped_rows = 3


# --- commands without TensorFlow ---------------------------------------------------------------------------


def test_help_validate_import_neighbours_and_layout_never_import_tensorflow(tmp_path):
    blocker = tmp_path / "blocker" / "tensorflow"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(
        "import os\nopen(os.environ['TF_IMPORT_LOG'], 'a').write('imported\\n')\n"
        "raise ImportError('TensorFlow is blocked by this test')\n")
    log = tmp_path / "tf-imports.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker.parent), os.environ.get("PYTHONPATH", "")]),
               TF_IMPORT_LOG=str(log))
    np.save(tmp_path / "v.npy", random_vectors(30, 8, special_values=False))
    (tmp_path / "labels.txt").write_text("".join(f"w{i}\n" for i in range(30)))
    logdir = str(tmp_path / "logdir")
    commands = [
        ["--help"],
        ["import", str(tmp_path / "v.npy"), "--metadata", str(tmp_path / "labels.txt"), "--logdir", logdir,
         "--run", "r", "--name", "words"],
        ["validate", "--logdir", logdir],
        ["neighbours", "w1 + w2", "--logdir", logdir, "--run", "r", "--name", "words"],
        # umap-learn imports TensorFlow for its parametric UMAP unless kept from it
        ["layout", "--logdir", logdir, "--run", "r", "--name", "words", "--layouts", "umap,tsne"],
    ]
    for command in commands:
        result = subprocess.run([sys.executable, "-c", "import sys; from exporter.cli import main; sys.exit(main())",
                                 *command], capture_output=True, text=True,
                                env=env, timeout=300)
        assert result.returncode == 0, (command, result.stderr)
        assert not log.exists(), f"{command[0]} imported TensorFlow"


def test_a_broken_config_in_the_run_is_one_line_and_nothing_changes(tmp_path):
    export(tmp_path)
    run_dir = tmp_path / "r"
    for filename, text in (("projector_config.json", "[1]"), ("projector_config.pbtxt", "embeddings {{")):
        original = (run_dir / filename).read_text()
        (run_dir / filename).write_text(text)
        with pytest.raises(ExportError, match=f"{filename}.*repair or remove it"):
            export(tmp_path, name="other")
        assert not (run_dir / run_folder.EXPORTS_FOLDER / "other").exists()
        (run_dir / filename).write_text(original)


def test_an_export_returns_the_record_list_exports_reads_back(tmp_path):
    import exporter

    _, result = export(tmp_path)
    assert isinstance(result, exporter.Export) and result == run_folder.find_export(tmp_path, "r", "words")
