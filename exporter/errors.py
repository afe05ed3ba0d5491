"""The one error type users see: a single line that says what to change.

Example:
>>> import errno
>>> error_line(ExportError("run '..' must be a relative folder name inside the logdir"))
"run '..' must be a relative folder name inside the logdir"
>>> error_line(OSError(errno.EROFS, "Read-only file system", "logs/r"))
'Read-only file system: logs/r: pass a --logdir on a writable disk (a failed export leaves the previous one as it was)'
"""

import errno


class ExportError(ValueError):
    """Input the projector cannot load correctly; the message says what to change.

    The CLI prints ``error: <message>`` and exits with status 2; nothing has been
    written when it is raised.
    """


class ExportWarning(UserWarning):
    """The export is loadable but something deserves attention (the CLI prints `warning: ...`)."""


def error_line(error, logdir=None):
    """The one line a program shows for `error`: an `ExportError`'s message, or for a failure of the machine
    (disk full or read-only, memory, a missing package) what failed, where (`logdir` when the error names no
    file) and what to do."""
    if isinstance(error, ExportError):
        return str(error)
    if isinstance(error, MemoryError):
        return "out of memory: export fewer rows (--max-points N) or use a machine with more memory"
    if isinstance(error, ImportError):
        return f"a Python package is missing or broken ({error}): reinstall the environment (`make venv`)"
    where = error.filename or logdir or "the disk"
    fixes = {
        errno.ENOSPC: "free some space there or pass another --logdir",
        errno.EDQUOT: "free some space there or pass another --logdir",
        errno.EFBIG: "the file is larger than this system allows: export fewer rows (--max-points N)",
        errno.EROFS: "pass a --logdir on a writable disk",
        errno.EACCES: "pass a folder you may write to (--logdir), or fix its permissions",
        errno.EPERM: "pass a folder you may write to (--logdir), or fix its permissions",
    }
    fix = fixes.get(error.errno, "check the path and the disk")
    intact = " (a failed export leaves the previous one as it was)" if error.errno in fixes else ""
    return f"{error.strerror or error}: {where}: {fix}{intact}"
