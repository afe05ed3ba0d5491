"""Issue 21: a SIGKILL at every rename of a re-export with another shape, by the kernel's own count.

`strace -e inject=rename:signal=SIGKILL:when=K` kills the real `projector-export import`
at its K-th rename syscall (staging files, the version folder, marker checkpoint, both
configs, the checkpoint state), for every K. At each instant both configs must name a
complete version, old or new; the standalone JSON never ahead of TensorBoard's config
(its rename is the commit point); `validate` must pass as the run stands; and the next
export must leave no trace. (tests/unit/exporter/run/test_commit.py kills at every other kind of
file-system mutation of the commit, counted in Python.)
"""

import os
import shutil
import signal
import subprocess

import pytest

from exporter import validate_logdir
from exporter.run import folder as run_folder
from tests.support.tensorboard_server import PROJECTOR_EXPORT
from tests.unit.exporter.run.test_commit import OTHER, _assert_repaired, _config_versions, _export, template  # noqa: F401

RENAMES = ("rename", "renameat", "renameat2")


def _import(template, logdir, strace_options=None):
    """`projector-export import` of the NEW vectors as "words", under `strace strace_options` when given."""
    command = [PROJECTOR_EXPORT, "import", str(template / "new.npy"), "--metadata", str(template / "labels.txt"),
               "--logdir", str(logdir), "--run", "r", "--name", "words"]
    if strace_options is not None:
        strace = shutil.which("strace")
        if strace is None:
            pytest.fail("strace is missing: `make test` installs it (or: sudo apt-get install -y strace)")
        command = [strace, "-f", "-qq", *strace_options, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))


def _count_renames(template, tmp_path):
    """(the rename syscall this platform's C library uses, how many an uninterrupted re-export makes)."""
    logdir, trace = tmp_path / "count", tmp_path / "trace.txt"
    shutil.copytree(template / "logdir", logdir)
    result = _import(template, logdir, ["-e", f"trace={','.join(RENAMES)}", "-o", str(trace)])
    assert result.returncode == 0, result.stderr
    calls = [line.split()[1].split("(")[0] for line in trace.read_text().splitlines() if "rename" in line
             and "resumed>" not in line]
    assert len(set(calls)) == 1, calls
    return calls[0], len(calls)


def test_a_sigkill_at_every_rename_of_a_reexport_leaves_both_configs_old_or_new_and_valid(template, tmp_path):
    syscall, renames = _count_renames(template, tmp_path)
    assert renames >= 9, renames  # 4 staged files, the version folder, marker (2), both configs, state
    seen = []
    for kill_at in range(1, renames + 1):
        logdir = tmp_path / f"kill{kill_at}"
        shutil.copytree(template / "logdir", logdir)
        result = _import(template, logdir, ["-e", f"trace={syscall}", "-o", os.devnull,
                                            "-e", f"inject={syscall}:signal=SIGKILL:when={kill_at}"])
        assert result.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL), (kill_at, result.returncode, result.stderr)
        versions = _config_versions(str(logdir / "r"))
        assert versions != {"tensorboard": "old", "standalone": "new"}, kill_at  # the JSON never ahead
        report = validate_logdir(str(logdir))
        assert report.ok, (kill_at, [str(f) for f in report.findings])
        lagging = [f for f in report.findings if "still names version" in f.message]
        assert bool(lagging) == (versions == {"tensorboard": "new", "standalone": "old"}), (kill_at, report.findings)
        seen.append((versions["tensorboard"], versions["standalone"]))
        _export(logdir, "third", OTHER)  # the next export into the run repairs what the kill left
        _assert_repaired(logdir)
        shutil.rmtree(logdir)
    # Killed before the commit point, between the two configs, after both.
    assert {("old", "old"), ("new", "old"), ("new", "new")} <= set(seen), seen


def test_a_standalone_config_ahead_of_tensorboards_is_one_error_and_the_next_export_rolls_it_back(template, tmp_path):
    """What older releases left (JSON renamed first, killed before the commit point)."""
    logdir = tmp_path / "ahead"
    shutil.copytree(template / "logdir", logdir)
    result = _import(template, logdir)
    assert result.returncode == 0, result.stderr
    run_dir = logdir / "r"
    old = run_folder.find_export(str(template / "logdir"), "r", "words")
    new = run_folder.find_export(str(logdir), "r", "words")
    shutil.copy(template / "logdir" / "r" / "projector_config.pbtxt", run_dir / "projector_config.pbtxt")
    shutil.copytree(old.folder, os.path.join(run_dir, os.path.relpath(old.folder, template / "logdir" / "r")))
    errors = validate_logdir(str(logdir)).errors
    expected = f"names version {new.version}, but TensorBoard's config names version {old.version}"
    assert len(errors) == 1 and expected in errors[0].message, errors
    _export(logdir, "third", OTHER)
    assert _config_versions(str(run_dir)) == {"tensorboard": "old", "standalone": "old"}
    _assert_repaired(logdir)
