"""Input paths that are neither a regular file nor a folder: FIFOs, sockets, devices.

Opening a FIFO blocks until something writes to it (forever, for a mistyped path);
`/dev/zero` never ends. Every reader asks here before it opens an input.

Example:
>>> import os, tempfile
>>> fifo = os.path.join(tempfile.mkdtemp(), "vectors.tsv")
>>> os.mkfifo(fifo)
>>> refuse_special_file(fifo)
Traceback (most recent call last):
...
exporter.errors.ExportError: ...vectors.tsv: a FIFO (named pipe), not a regular file: reading it could wait forever: save the data to a file and pass that
"""

import os
import stat

from exporter.errors import ExportError

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def refuse_special_file(path, what=""):
    """An `ExportError` if `path` exists and is not a regular file or folder (symlinks followed); `what`
    prefixes the message (e.g. "--vocab ")."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return  # missing: the caller says so in its own words
    for test, kind in _KINDS:
        if test(mode):
            raise ExportError(f"{what}{path}: {kind}, not a regular file: reading it could wait forever: save the "
                              "data to a file and pass that")
