"""Saving what training produces so that it appears complete or not at all: one way for every model.

Example:
>>> import os, tempfile
>>> logdir = tempfile.mkdtemp()
>>> with staged_run(logdir, "demo") as staging:
...     _ = open(os.path.join(staging, "notes.txt"), "w").write("trained")
>>> os.listdir(os.path.join(logdir, "demo"))
['notes.txt']
"""

import contextlib
import os
import shutil
import tempfile

from exporter import resolve_run_dir


@contextlib.contextmanager
def staged_run(logdir, run):
    """Yields a hidden folder in `logdir` to write a training run's files (scalars, model) to.

    When the block completes, each entry of the folder replaces the same entry of
    `logdir/run`; an error or Ctrl-C inside it leaves `logdir/run` as it was. The run
    name is checked first, so a bad one fails before any training.
    """
    run_dir = resolve_run_dir(logdir, run)
    os.makedirs(logdir, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(run_dir)}-training-", dir=logdir)
    try:
        yield staging
        names = os.listdir(staging)
        if names:
            os.makedirs(run_dir, exist_ok=True)
        for name in names:
            target = os.path.join(run_dir, name)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            os.replace(os.path.join(staging, name), target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def save_model(model, path):
    """Saves `model` as a `.keras` file that appears complete or not at all (a crash keeps the old one)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".saving-") as staging:
        staged = os.path.join(staging, os.path.basename(path))
        model.save(staged)
        os.replace(staged, path)
