"""Issue 12/15: a kill or Ctrl-C at every step of a commit leaves each export entirely old or new.

A child process re-exports tensor "words" with every file-system mutation of the commit
(rename, replace, unlink, rmdir, link, mkdir, rmtree) counted; it kills itself at the
k-th, for every k. The run must then show "words" entirely old or entirely new in each
config, "other" untouched, and the next export must leave no trace of the interruption.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from exporter import ExportWarning, export_embeddings, validate_logdir
from exporter.run import folder as run_folder
from tests.support.data import assert_bit_exact, random_vectors

OLD = random_vectors(50, 8, seed=1, special_values=False), [f"old{i}" for i in range(50)]
NEW = random_vectors(80, 8, seed=2, special_values=False), [f"new{i}" for i in range(80)]
OTHER = random_vectors(30, 8, seed=3, special_values=False), [f"other{i}" for i in range(30)]

# Re-exports NEW as "words" through the CLI; sends itself `signal` at the k-th mutation of the commit.
_CHILD = textwrap.dedent(
    """
    import os, shutil, signal, sys
    import numpy as np
    from exporter.run import commit as commit_module
    from exporter.cli import main

    logdir, source, labels, kill_at, sig = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    state = {"count": 0, "active": False}

    def counted(module, attr):
        original = getattr(module, attr)

        def wrapper(*args, **kwargs):
            if state["active"]:
                state["count"] += 1
                if state["count"] == kill_at:
                    os.kill(os.getpid(), sig)
            return original(*args, **kwargs)

        setattr(module, attr, wrapper)

    for attr in ("rename", "replace", "unlink", "rmdir", "link", "mkdir"):
        counted(os, attr)
    counted(shutil, "rmtree")
    commit = commit_module.commit

    def commit_counted(*args, **kwargs):
        state["active"] = True
        try:
            return commit(*args, **kwargs)
        finally:
            state["active"] = False

    commit_module.commit = commit_counted
    code = main(["import", source, "--metadata", labels, "--logdir", logdir, "--run", "r", "--name", "words"])
    print(f"steps {state['count']}")
    sys.exit(code)
    """
)


def _export(logdir, name, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        return export_embeddings(data[0], data[1], logdir=str(logdir), run="r", name=name)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A logdir with "words" (OLD) and "other", and the NEW inputs as files."""
    root = tmp_path_factory.mktemp("atomicity")
    _export(root / "logdir", "words", OLD)
    _export(root / "logdir", "other", OTHER)
    np.save(root / "new.npy", NEW[0])
    (root / "labels.txt").write_text("\n".join(NEW[1]) + "\n")
    return root


def _run_child(template, logdir, kill_at, sig=signal.SIGKILL):
    return subprocess.run(
        [sys.executable, "-c", _CHILD, str(logdir), str(template / "new.npy"), str(template / "labels.txt"),
         str(kill_at), str(int(sig))],
        capture_output=True, text=True, timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"),
    )


def _version_of(run_dir, paths, shape):
    """"old" or "new": which complete version the files named by one config entry hold (asserts it is one)."""
    vectors = np.fromfile(paths["tensor"], "<f4").reshape(shape) if paths["tensor"].endswith(".bytes") else None
    with open(paths["metadata"], encoding="utf-8") as f:
        labels = f.read().splitlines()
    with open(paths["bookmarks"], encoding="utf-8") as f:
        points = len(json.load(f)[0]["projections"])
    for version, (expected, expected_labels) in (("old", OLD), ("new", NEW)):
        if list(shape) == list(expected.shape):
            if vectors is not None:
                assert_bit_exact(vectors, expected)
            assert labels == expected_labels and points == len(expected)
            return version
    raise AssertionError(f"shape {shape} is neither version's")


def _config_versions(run_dir):
    """{"tensorboard": version, "standalone": version} of "words"; "other" checked unchanged."""
    found = {}
    for entry in run_folder.read_tensorboard_config(run_dir).embeddings:
        paths = {"tensor": entry.tensor_path, "metadata": entry.metadata_path, "bookmarks": entry.bookmarks_path}
        paths = {key: os.path.join(run_dir, value) for key, value in paths.items()}
        if entry.tensor_name == "words":
            found["tensorboard"] = _version_of(run_dir, paths, list(entry.tensor_shape))
        else:
            assert entry.tensor_name in ("other", "third")  # "third": the repairing export, same data
            assert_bit_exact(np.fromfile(paths["tensor"], "<f4").reshape(OTHER[0].shape), OTHER[0])
    for entry in run_folder.read_standalone_config(run_dir)["embeddings"]:
        if entry["tensorName"] == "words":
            paths = {"tensor": entry["tensorPath"], "metadata": entry["metadataPath"], "bookmarks": entry["bookmarksPath"]}
            found["standalone"] = _version_of(run_dir, {k: os.path.join(run_dir, v) for k, v in paths.items()},
                                              entry["tensorShape"])
    assert set(found) == {"tensorboard", "standalone"}, found
    return found


def _assert_repaired(logdir):
    """After the next export: both configs agree, nothing unreferenced or half-written is left, validate passes."""
    run_dir = os.path.join(logdir, "r")
    versions = _config_versions(run_dir)
    assert versions["tensorboard"] == versions["standalone"]
    referenced = {e.folder for e in run_folder.list_exports(str(logdir), "r")}
    on_disk = {os.path.join(run_dir, run_folder.EXPORTS_FOLDER, name, version)
               for name in os.listdir(os.path.join(run_dir, run_folder.EXPORTS_FOLDER))
               for version in os.listdir(os.path.join(run_dir, run_folder.EXPORTS_FOLDER, name))}
    assert on_disk == referenced
    assert not [n for n in os.listdir(run_dir) if n.startswith((".staging-", ".tmp-"))]
    markers = [n for n in os.listdir(run_dir) if n.startswith(run_folder.MARKER_PREFIX)]
    assert len(markers) == 2, markers  # one checkpoint: .index and .data
    assert validate_logdir(str(logdir)).ok


def test_a_kill_at_every_step_of_the_commit_leaves_each_export_old_or_new_and_the_next_export_repairs(
        template, tmp_path):
    shutil.copytree(template / "logdir", tmp_path / "count")
    counting = _run_child(template, tmp_path / "count", kill_at=0)
    assert counting.returncode == 0, counting.stderr
    steps = int(counting.stdout.split("steps ")[1])
    assert steps >= 8, counting.stdout  # folder renames, marker, both configs, state, clean-up
    assert _config_versions(str(tmp_path / "count" / "r")) == {"tensorboard": "new", "standalone": "new"}

    seen = set()
    for kill_at in range(1, steps + 1):
        logdir = tmp_path / f"kill{kill_at}"
        shutil.copytree(template / "logdir", logdir)
        result = _run_child(template, logdir, kill_at)
        assert result.returncode == -signal.SIGKILL, (kill_at, result.stderr)
        versions = _config_versions(str(logdir / "r"))
        assert versions != {"tensorboard": "old", "standalone": "new"}, kill_at  # the JSON follows the commit point
        assert validate_logdir(str(logdir)).ok, kill_at
        seen.add(tuple(sorted(versions.items())))
        _export(logdir, "third", OTHER)  # the next export into the run repairs what the kill left
        _assert_repaired(logdir)
        shutil.rmtree(logdir)
    # Both outcomes occur: killed before the commit point (old), after it (new).
    assert (("standalone", "old"), ("tensorboard", "old")) in seen
    assert (("standalone", "new"), ("tensorboard", "new")) in seen


def test_ctrl_c_during_the_commit_says_whether_the_export_landed(template, tmp_path):
    counting_dir = tmp_path / "count"
    shutil.copytree(template / "logdir", counting_dir)
    steps = int(_run_child(template, counting_dir, kill_at=0).stdout.split("steps ")[1])

    before = tmp_path / "before"
    shutil.copytree(template / "logdir", before)
    result = _run_child(template, before, kill_at=1, sig=signal.SIGINT)  # the version folder's rename
    assert result.returncode == 130
    assert "interrupted: earlier exports are intact; this export did not land" in result.stderr
    assert _config_versions(str(before / "r")) == {"tensorboard": "old", "standalone": "old"}

    after = tmp_path / "after"
    shutil.copytree(template / "logdir", after)
    result = _run_child(template, after, kill_at=steps - 1, sig=signal.SIGINT)  # during the clean-up
    assert result.returncode == 130
    assert "interrupted: export 'words' landed in" in result.stderr and "Traceback" not in result.stderr
    assert _config_versions(str(after / "r")) == {"tensorboard": "new", "standalone": "new"}
    _export(after, "third", OTHER)
    _assert_repaired(after)
