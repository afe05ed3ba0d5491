"""Atomic file replacement, and Ctrl-C held while a commit renames (the run lock is exporter/run/lock.py)."""

import contextlib
import os
import signal
import tempfile
import threading


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
