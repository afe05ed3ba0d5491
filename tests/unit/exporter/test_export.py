"""Issue 2's "Rules enforced", through `export_embeddings` and `projector-export import`.

Bad input gets one clear line and loses nothing; options drop, sample and normalise
with the metadata kept aligned.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pandas as pd
import pytest

from exporter import ExportError, ExportWarning, export_embeddings
from exporter.run.folder import read_tensorboard_config
from exporter.writers.tsv import EMPTY_PLACEHOLDER
from exporter.run.folder import find_export
from tests.support.data import as_shown, assert_bit_exact, export_file, indexed_labels, random_vectors

PROJECTOR_EXPORT = os.path.join(os.path.dirname(sys.executable), "projector-export")
pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


# --- helpers -----------------------------------------------------------------------------


def export(vectors, metadata, logdir, name="words", run="run", **options):
    return export_embeddings(vectors, metadata, logdir=str(logdir), run=run, name=name, **options)


def written_vectors(logdir, name="words", run="run"):
    """The float32 matrix of the export, from `vectors.bytes` and its shape in projector_config.json."""
    with open(os.path.join(logdir, run, "projector_config.json"), encoding="utf-8") as f:
        entry = next(e for e in json.load(f)["embeddings"] if e["tensorName"] == name)
    return np.fromfile(export_file(logdir, run, name, "vectors_bytes"), "<f4").reshape(entry["tensorShape"])


def written_lines(logdir, name="words", run="run"):
    with open(export_file(logdir, run, name, "metadata"), "rb") as f:
        data = f.read()
    assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\n") and b"\r" not in data
    return data.decode("utf-8").split("\n")[:-1]


def snapshot(folder):
    """{relative path: bytes} of every file the projector could read (hidden scratch files excluded)."""
    files = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith("."):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    files[os.path.relpath(path, folder)] = f.read()
    return files


def cli(*args, check_exit=None):
    result = subprocess.run([PROJECTOR_EXPORT, *map(str, args)], capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    if check_exit is not None:
        assert result.returncode == check_exit, result.stderr
    return result


def assert_one_error_line(result, *fragments):
    """Exit status 2, one `error: ...` line (the last on stderr), no traceback."""
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and result.stderr.strip().splitlines()[-1] == errors[0], result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in errors[0]


# --- shape, finiteness, row counts ----------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 5), (5, 1), (0, 3)])
def test_fewer_than_2_points_or_dimensions_are_refused_and_nothing_is_written(tmp_path, shape):
    with pytest.raises(ExportError, match="at least 2 points of at least 2 dimensions"):
        export(np.ones(shape, np.float32), None, tmp_path)
    assert os.listdir(tmp_path) == []


def test_a_1d_input_gets_an_error_that_says_what_to_do(tmp_path):
    with pytest.raises(ExportError, match=r"1-D.*pass \[vector\]"):
        export(np.arange(5.0), None, tmp_path)
    np.save(tmp_path / "flat.npy", np.arange(5.0))
    assert_one_error_line(cli("import", tmp_path / "flat.npy", "--logdir", tmp_path / "logdir"), "1-D")
    assert not (tmp_path / "logdir").exists()


def test_nonfinite_rows_are_named_or_dropped_with_their_metadata(tmp_path):
    vectors, labels = random_vectors(10, 3, special_values=False), [f"row{i}" for i in range(10)]
    vectors[3, 1], vectors[7, 0] = np.nan, -np.inf
    with pytest.raises(ExportError, match=r"rows 3, 7.*drop_nonfinite"):
        export(vectors, labels, tmp_path)
    assert os.listdir(tmp_path) == []

    result = export(vectors, labels, tmp_path, drop_nonfinite=True)
    kept = [i for i in range(10) if i not in (3, 7)]
    assert result.dropped_rows == 2
    assert_bit_exact(written_vectors(tmp_path), vectors[kept])
    assert written_lines(tmp_path) == [f"row{i}" for i in kept]


def test_nonfinite_rows_through_the_cli(tmp_path):
    vectors = random_vectors(6, 2, special_values=False)
    vectors[4, 0] = np.nan
    np.save(tmp_path / "v.npy", vectors)
    logdir = tmp_path / "logdir"
    assert_one_error_line(cli("import", tmp_path / "v.npy", "--logdir", logdir), "rows 4", "--drop-nonfinite")
    assert not logdir.exists()
    result = cli("import", tmp_path / "v.npy", "--logdir", logdir, "--run", "run", "--name", "words",
                 "--drop-nonfinite", check_exit=0)
    assert "1 non-finite rows dropped" in result.stdout
    assert_bit_exact(written_vectors(logdir), vectors[[0, 1, 2, 3, 5]])


def test_metadata_rows_must_match_vector_rows(tmp_path):
    with pytest.raises(ExportError, match="metadata has 4 rows but there are 5 vectors"):
        export(np.ones((5, 2)), ["a", "b", "c", "d"], tmp_path)
    assert os.listdir(tmp_path) == []


# --- metadata text -------------------------------------------------------------------------


def test_one_column_has_no_header_and_several_columns_do(tmp_path):
    export(np.eye(3), ["cat", "dog", "cow"], tmp_path, name="one")
    export(np.eye(3), pd.DataFrame({"animal": ["cat", "dog", "cow"]}), tmp_path, name="named")
    export(np.eye(3), {"animal": ["cat", "dog", "cow"], "legs": [4, 4, 4]}, tmp_path, name="two")
    assert written_lines(tmp_path, "one") == ["cat", "dog", "cow"]
    assert written_lines(tmp_path, "named") == ["cat", "dog", "cow"]
    assert written_lines(tmp_path, "two") == ["animal\tlegs", "cat\t4", "dog\t4", "cow\t4"]


def test_separators_and_blanks_are_replaced_so_every_row_keeps_its_label(tmp_path):
    labels = indexed_labels(40) + ["\ufeffbom first", "naïve café", None, float("nan")]
    export(random_vectors(len(labels), 2), labels, tmp_path)
    lines = written_lines(tmp_path)
    assert lines[:40] == [as_shown(label) for label in labels[:40]]
    assert lines[40:] == ["bom first", "naïve café", EMPTY_PLACEHOLDER, EMPTY_PLACEHOLDER]
    assert all("\t" not in line and line.strip() for line in lines)


# --- names and paths -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a&b", "a#b", "a+b", "a%b", "a?b", "sp ace", "../up", "a/b", ".hidden", ""])
def test_names_that_would_break_the_projectors_urls_are_refused(tmp_path, name):
    with pytest.raises(ExportError, match="use letters, digits"):
        export(np.eye(2), None, tmp_path, name=name)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("run", ["../outside", "a/../../b", "..", "", "."])
def test_runs_outside_the_logdir_are_refused(tmp_path, run):
    logdir = tmp_path / "logdir"
    logdir.mkdir()
    with pytest.raises(ExportError, match="run"):
        export(np.eye(2), None, logdir, run=run)
    assert os.listdir(tmp_path) == ["logdir"] and os.listdir(logdir) == []


def test_a_leading_slash_in_a_run_still_writes_inside_the_logdir(tmp_path):
    result = export(np.eye(2), None, tmp_path, run="/nested/run")
    assert result.run_dir == os.path.join(os.path.realpath(tmp_path), "nested", "run")


def test_a_run_symlinked_out_of_the_logdir_is_refused(tmp_path):
    (tmp_path / "logdir").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "logdir" / "run")
    with pytest.raises(ExportError, match="resolves outside"):
        export(np.eye(2), None, tmp_path / "logdir")
    assert os.listdir(tmp_path / "elsewhere") == []


def test_every_path_in_both_configs_is_relative_and_inside_the_run(tmp_path):
    export(np.eye(3), ["a", "b", "c"], tmp_path, name="first")
    export(np.eye(4), ["a", "b", "c", "d"], tmp_path, name="second")
    run_dir = os.path.realpath(tmp_path / "run")
    config = read_tensorboard_config(run_dir)
    assert [e.tensor_name for e in config.embeddings] == ["first", "second"]
    with open(os.path.join(run_dir, "projector_config.json"), encoding="utf-8") as f:
        standalone = json.load(f)["embeddings"]
    paths = [p for e in config.embeddings for p in (e.tensor_path, e.metadata_path, e.bookmarks_path) if p]
    paths += [e[key] for e in standalone for key in ("tensorPath", "metadataPath", "bookmarksPath") if key in e]
    assert len(paths) == 12  # 2 x (tensor_path, metadata, bookmarks) + 2 x (tensorPath, metadataPath, bookmarksPath)
    for path in paths:
        assert not os.path.isabs(path) and ".." not in path.split("/")
        assert os.path.isfile(os.path.join(run_dir, path))


# --- more than 100,000 rows, sampling, normalisation ------------------------------------------


def test_more_than_100000_rows_warn_unless_sampled_down(tmp_path):
    vectors = random_vectors(100_001, 2, special_values=False)
    fast = dict(write_tsv=False, pca_bookmark=False, standalone_config=False)
    with pytest.warns(ExportWarning, match="TensorBoard shows only the first 100000.*max_points"):
        export(vectors, None, tmp_path, name="all", **fast)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExportWarning)
        result = export(vectors, None, tmp_path, name="sampled", max_points=100_000, normalize=True, **fast)
    assert result.shape == (100_000, 2)


def test_random_sampling_is_seeded_and_keeps_metadata_aligned(tmp_path):
    vectors = random_vectors(200, 4, special_values=False)
    labels = [str(i) for i in range(200)]
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        export(vectors, labels, tmp_path, name=name, max_points=50, seed=seed)
    rows = {name: [int(label) for label in written_lines(tmp_path, name)] for name in "abc"}
    assert rows["a"] == rows["b"] != rows["c"]
    for name in "abc":
        assert len(rows[name]) == 50 and rows[name] == sorted(set(rows[name]))
        assert_bit_exact(written_vectors(tmp_path, name), vectors[rows[name]])


def test_stratified_sampling_keeps_each_groups_share_and_alignment(tmp_path):
    vectors = random_vectors(200, 4, special_values=False)
    frame = pd.DataFrame({"id": range(200), "topic": ["sports"] * 120 + ["world"] * 60 + ["science"] * 20})
    export(vectors, frame, tmp_path, max_points=50, stratify="topic", seed=0)
    header, *lines = written_lines(tmp_path)
    assert header == "id\ttopic"
    ids = [int(line.split("\t")[0]) for line in lines]
    topics = [line.split("\t")[1] for line in lines]
    assert {t: topics.count(t) for t in set(topics)} == {"sports": 30, "world": 15, "science": 5}
    assert topics == [frame.topic[i] for i in ids]
    assert_bit_exact(written_vectors(tmp_path), vectors[ids])
    with pytest.raises(ExportError, match="cannot stratify by 'missing'"):
        export(vectors, frame, tmp_path, name="other", max_points=50, stratify="missing")


def test_sampling_and_normalising_through_the_cli(tmp_path):
    vectors = random_vectors(300, 3, special_values=False)
    np.save(tmp_path / "v.npy", vectors)
    (tmp_path / "meta.tsv").write_text("id\tgroup\n" + "".join(f"{i}\t{'ab'[i % 2]}\n" for i in range(300)))
    logdir = tmp_path / "logdir"
    cli("import", tmp_path / "v.npy", "--metadata", tmp_path / "meta.tsv", "--logdir", logdir, "--run", "run",
        "--name", "words", "--max-points", 100, "--stratify", "group", "--seed", 5, "--normalize", check_exit=0)
    header, *lines = written_lines(logdir)
    ids = [int(line.split("\t")[0]) for line in lines]
    assert len(ids) == 100 and sum(i % 2 for i in ids) == 50
    expected = vectors[ids] / np.linalg.norm(vectors[ids], axis=1, keepdims=True)
    np.testing.assert_allclose(written_vectors(logdir), expected, rtol=1e-6)


def test_normalize_gives_unit_rows_and_the_hint_comes_only_when_d_is_below_50(tmp_path):
    vectors = random_vectors(20, 16, special_values=False) * 7
    vectors[5] = 0
    export(vectors, None, tmp_path, normalize=True)
    norms = np.linalg.norm(written_vectors(tmp_path), axis=1)
    np.testing.assert_allclose(np.delete(norms, 5), 1, rtol=1e-6)
    assert norms[5] == 0
    with pytest.warns(ExportWarning, match="hint: with D=16 < 50.*normalize"):
        export(vectors, None, tmp_path, name="raw16")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExportWarning)
        export(random_vectors(20, 64, special_values=False), None, tmp_path, name="raw64")


# --- import formats ---------------------------------------------------------------------------

_VECTORS = np.array([[0.25, -1.5, 3.0], [1e-3, 2.5, -0.125], [7.0, 0.0, 1.0]], np.float32)
_WORDS = ["the", "naïve", "😀"]


def _rows(values):
    return [[f"{x:.9g}" for x in row] for row in values]


@pytest.mark.parametrize(
    "filename, text, labels",
    [
        ("plain.tsv", "".join("\t".join(r) + "\n" for r in _rows(_VECTORS)), None),
        ("labelled.tsv", "".join(w + "\t" + "\t".join(r) + "\n" for w, r in zip(_WORDS, _rows(_VECTORS))), _WORDS),
        ("matrix.csv", "a,b,c\n" + "".join(",".join(r) + "\n" for r in _rows(_VECTORS)), None),
        ("vectors.w2v.txt", "3 3\n" + "".join(w + " " + " ".join(r) + "\n" for w, r in zip(_WORDS, _rows(_VECTORS))),
         _WORDS),
        ("glove.txt", "".join(w + " " + " ".join(r) + " \n" for w, r in zip(_WORDS, _rows(_VECTORS))), _WORDS),
    ],
    ids=["tsv", "labelled-tsv", "csv", "word2vec", "glove"],
)
def test_import_reads_tsv_csv_word2vec_and_glove_text(tmp_path, filename, text, labels):
    (tmp_path / filename).write_text(text, encoding="utf-8")
    logdir = tmp_path / "logdir"
    result = cli("import", tmp_path / filename, "--logdir", logdir, "--run", "run", "--name", "words", check_exit=0)
    assert "exported words: 3 x 3" in result.stdout
    assert_bit_exact(written_vectors(logdir), _VECTORS)
    if labels:
        assert written_lines(logdir) == labels
    else:
        assert "metadata" not in find_export(str(logdir), "run", "words").files


def test_import_reads_npy_with_separate_metadata(tmp_path):
    np.save(tmp_path / "v.npy", _VECTORS)
    (tmp_path / "labels.txt").write_text("\n".join(_WORDS) + "\n", encoding="utf-8")
    logdir = tmp_path / "logdir"
    cli("import", tmp_path / "v.npy", "--metadata", tmp_path / "labels.txt", "--logdir", logdir,
        "--run", "run", "--name", "words", check_exit=0)
    assert_bit_exact(written_vectors(logdir), _VECTORS)
    assert written_lines(logdir) == _WORDS


# --- nothing lost: failed, crashed and interrupted exports -------------------------------------


def test_a_failing_second_export_leaves_the_first_byte_identical(tmp_path):
    export(random_vectors(30, 4), [f"w{i}" for i in range(30)], tmp_path)
    export(random_vectors(20, 4, seed=1), None, tmp_path, name="other")
    before = snapshot(tmp_path)
    with pytest.raises(ExportError):
        export(random_vectors(30, 4, seed=2), [f"w{i}" for i in range(29)], tmp_path)
    with pytest.raises(ExportError):
        export(random_vectors(30, 4, seed=2), None, tmp_path, name="bad&name")
    np.save(tmp_path / "nan.npy", np.full((4, 4), np.nan, np.float32))
    assert_one_error_line(cli("import", tmp_path / "nan.npy", "--logdir", tmp_path, "--run", "run", "--name", "words"))
    os.unlink(tmp_path / "nan.npy")
    assert snapshot(tmp_path) == before


# Exports a large matrix into `run`, name "words", so a signal can arrive mid-write.
_LONG_EXPORT = textwrap.dedent(
    """
    import sys
    from exporter.cli import main
    sys.exit(main(["import", sys.argv[1], "--logdir", sys.argv[2], "--run", "run", "--name", "words"]))
    """
)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_crash_or_ctrl_c_mid_write_leaves_the_previous_export_intact(tmp_path, sig):
    logdir = tmp_path / "logdir"
    export(random_vectors(50, 8), [f"w{i}" for i in range(50)], logdir)
    before = snapshot(logdir)
    np.save(tmp_path / "big.npy", random_vectors(400_000, 32, special_values=False))
    process = subprocess.Popen([sys.executable, "-c", _LONG_EXPORT, str(tmp_path / "big.npy"), str(logdir)],
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    run_dir = logdir / "run"
    deadline = time.monotonic() + 120
    while not any(name.startswith(".staging-") for name in os.listdir(run_dir)):
        assert process.poll() is None and time.monotonic() < deadline, "the export ended before it was staging"
        time.sleep(0.01)
    time.sleep(0.3)  # well into writing the staged files
    process.send_signal(sig)
    code = process.wait(timeout=120)
    stderr = process.stderr.read()

    assert snapshot(logdir) == before
    if sig == signal.SIGINT:
        assert code == 130 and "interrupted: earlier exports are intact" in stderr
        assert not any(name.startswith(".staging-") for name in os.listdir(run_dir))
    else:
        assert code == -signal.SIGKILL
    # The run is not left locked or broken: the next export goes through.
    export(random_vectors(10, 8), None, logdir, name="after")
    assert sorted(e.tensor_name for e in read_tensorboard_config(str(run_dir)).embeddings) == ["after", "words"]
    # ... and removes what the killed exporter left behind.
    assert not any(name.startswith(".staging-") for name in os.listdir(run_dir))


def test_values_too_large_for_the_browsers_pca_get_a_warning(tmp_path):
    with pytest.warns(ExportWarning, match="draws nothing past"):
        export(random_vectors(10, 60, special_values=False) * 1e20, None, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExportWarning)
        export(random_vectors(10, 60, special_values=False) * 1e6, None, tmp_path)


def test_column_names_that_clean_to_the_same_name_are_refused(tmp_path):
    with pytest.raises(ExportError, match="repeat once tabs"):
        export(random_vectors(3, 4), {"a\tb": [1, 2, 3], "a b": [4, 5, 6]}, tmp_path)
    assert not (tmp_path / "run" / "words").exists()


def test_a_ragged_vector_file_names_the_first_short_line(tmp_path):
    (tmp_path / "ragged.tsv").write_text("a\t1\t2\nb\t3\nc\t5\t6\n", encoding="utf-8")
    result = cli("import", tmp_path / "ragged.tsv", "--logdir", tmp_path / "logdir", "--run", "run")
    assert_one_error_line(result, "line 2 has 2 values where the rows before have 3")
    assert not (tmp_path / "logdir").exists()
