"""Atomic file replacement and the per-run lock every writer goes through."""

import contextlib
import errno
import fcntl
import os
import signal
import tempfile
import threading

from exporter.errors import ExportError
from exporter.run.folder import LOCK_FILE


def write_atomic(path, data):
    """Writes `data` (bytes or str) to `path` via a temp file in the same folder + rename."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open_atomic(path) as f:
        f.write(data)


@contextlib.contextmanager
def open_atomic(path):
    """Yields a binary file that replaces `path` only if the block completes."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix="-" + os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def run_lock(run_dir):
    """Serialises exporters writing into the same run (a lock file, released on exit or crash).

    The lock file is opened without following a symlink: a symlink planted there
    would otherwise create a file wherever it points.
    """
    os.makedirs(run_dir, exist_ok=True)
    path = os.path.join(run_dir, LOCK_FILE)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        raise ExportError(f"{path} is a symlink: remove it (the exporter never writes through symlinks)") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def lock_folder(path, *, wait=True):
    """An fd of folder `path` holding an exclusive flock (None if taken and not `wait`); close it to release.

    A staging folder is locked by the exporter writing it for as long as it lives,
    so others tell a live one from a killed exporter's leftovers by trying the lock,
    which holds across PID namespaces (containers) sharing the volume.
    """
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class InterruptedAfterCommit(KeyboardInterrupt):
    """Ctrl-C arrived while a commit was under way; it was held until the commit landed."""


@contextlib.contextmanager
def interrupts_deferred(landed="the export landed"):
    """Holds Ctrl-C until the block ends, so a commit of several renames is never cut in half.

    A Ctrl-C received meanwhile is raised afterwards as `InterruptedAfterCommit(landed)`.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda *args: received.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise InterruptedAfterCommit(landed)
