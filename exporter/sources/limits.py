"""What a file may make us allocate: declared sizes checked against the file and the machine first.

A few kilobytes can declare gigabytes (an HDF5 dataset that is never written, a
zip member that unpacks 1000-fold, a word2vec header promising 10^12 rows);
every reader asks here before it allocates what a file declares.

Example:
>>> check_allocation(4 * 10**3, "a 1000 x 1 float32 tensor", source="m.h5")
>>> try:
...     check_allocation(10**20, "a 10^19 x 10 float32 tensor", source="m.h5")
... except ExportError as error:
...     print(str(error).split(",")[0])
m.h5: a 10^19 x 10 float32 tensor needs 1e+11 GB
"""

import os

import numpy as np

from exporter.errors import ExportError


def available_memory():
    """Bytes the machine can still give us (MemAvailable on Linux, free pages elsewhere)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def check_allocation(nbytes, what, *, source):
    """An `ExportError` unless `nbytes` (for `what`) fits in the memory the machine has available now."""
    available = available_memory()
    if nbytes > available:
        raise ExportError(
            f"{source}: {what} needs {nbytes / 1e9:.3g} GB, the machine has {available / 1e9:.3g} GB available: "
            "refused before allocating; export fewer rows (--max-points) or use a bigger machine"
        )


def check_rows(shape, itemsize, rows, what, *, source):
    """`check_allocation` for reading `rows` of a tensor of `shape` (`itemsize` bytes a value) and their float32 copy.

    Args:
      shape: the tensor's declared shape; rows are its first axis.
      itemsize: bytes per stored value.
      rows: None (all), a slice, or row indices.
      what: the tensor, for the message.
      source: the file, for the message.
    """
    shape = tuple(shape)
    total = shape[0] if shape else 1
    if rows is None:
        count = total
    elif isinstance(rows, slice):
        count = len(range(*rows.indices(total)))
    else:
        count = len(rows)
    per_row = int(np.prod(shape[1:], dtype=object)) if shape else 1
    check_allocation(count * per_row * (itemsize + 4), f"{what} ({count:,} of {total:,} rows)", source=source)
