"""The commit is the only code that writes a run's configs, under the run lock, reading each config once."""

import ast
import pathlib
import threading
import time

import numpy as np

from exporter import export_embeddings
from exporter.cli import main
from exporter.run import commit, folder as run_folder
from exporter.run.lock import run_lock
from tests.unit.exporter.test_hostile_files import _callback_logdir

EXPORTER = pathlib.Path(__file__).resolve().parents[4] / "exporter"
CONFIG_WRITERS = {"write_config", "put_embedding", "remove_embedding"}


def test_only_the_commit_calls_the_config_writers():
    callers = set()
    for path in EXPORTER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in CONFIG_WRITERS and isinstance(node.value, ast.Name) \
                    and node.value.id in ("tensorboard_config", "standalone_config"):
                callers.add(path.relative_to(EXPORTER).as_posix())
    assert callers == {"run/commit.py"}


def test_a_commit_reads_each_config_once(tmp_path, monkeypatch):
    vectors = np.random.default_rng(0).normal(size=(5, 3))
    export_embeddings(vectors, None, logdir=tmp_path, run="r", name="first", normalize=True)
    reads = []
    for name in ("read_tensorboard_config", "read_standalone_config"):
        original = getattr(run_folder, name)
        monkeypatch.setattr(run_folder, name, lambda run_dir, _o=original, _n=name: reads.append(_n) or _o(run_dir))
    export_embeddings(vectors, None, logdir=tmp_path, run="r", name="second", normalize=True)
    assert sorted(reads) == ["read_standalone_config", "read_tensorboard_config"]
    assert [e.name for e in run_folder.list_exports(tmp_path, "r")] == ["first", "second"]


def test_fix_removes_the_callbacks_entries_under_the_run_lock(tmp_path, capsys):
    logdir = _callback_logdir(tmp_path, "words.tsv")
    (logdir / "words.tsv").write_text("a\nb\nc\nd\n")
    config = logdir / run_folder.TENSORBOARD_CONFIG
    with run_lock(str(logdir)):  # another exporter committing into the config's folder
        fixing = threading.Thread(target=main, args=(["fix", str(logdir)],))
        fixing.start()
        deadline = time.monotonic() + 300
        while fixing.is_alive() and not (logdir / "train" / run_folder.TENSORBOARD_CONFIG).exists():
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1)
        assert fixing.is_alive() and config.exists()  # the export landed; the config edit waits for the lock
    fixing.join(timeout=60)
    assert not fixing.is_alive()
    assert not config.exists()  # only the callback's entry was in it
    assert [e.name for e in run_folder.list_exports(logdir, "train")] == ["embedding"]
    assert "removed the callback's broken entries" in capsys.readouterr().out


def test_remove_entries_keeps_the_other_entries(tmp_path):
    export_embeddings(np.eye(3, 4), None, logdir=tmp_path, run="r", name="ours", normalize=True)
    run_dir = str(tmp_path / "r")
    path = tmp_path / "r" / run_folder.TENSORBOARD_CONFIG
    path.write_text(path.read_text() + 'embeddings {\n  tensor_name: "theirs"\n}\n')
    assert commit.remove_entries(run_dir, "theirs") == str(path)
    assert [e.tensor_name for e in run_folder.read_tensorboard_config(run_dir).embeddings] == ["ours"]
