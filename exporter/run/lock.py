"""The run lock that serialises exporters writing into one run, and the flock a staging folder lives under.

Example:
>>> import os, tempfile
>>> run_dir = tempfile.mkdtemp()
>>> with run_lock(run_dir):
...     fd = lock_folder(run_dir)
>>> os.close(fd); os.path.exists(os.path.join(run_dir, LOCK_FILE))
True
"""

import contextlib
import errno
import fcntl
import os

from exporter.errors import ExportError
from exporter.run.folder import LOCK_FILE


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
