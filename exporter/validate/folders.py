"""Every folder under a logdir, symlinks followed as TensorBoard follows them, each real folder once.

TensorBoard (`io_wrapper.GetLogdirSubdirectories`, `tf.io.gfile.walk`) follows
symlinked folders without remembering where it has been: a link back to a parent
(`x -> .`) makes its run discovery endless (two such links: 2^depth paths). This
walk enters each real folder once, so it always ends, with memory proportional
to the folders there are, and reports what it cut.

Example:
>>> import os, tempfile
>>> from exporter.validate.findings import Report
>>> top = tempfile.mkdtemp()
>>> os.makedirs(os.path.join(top, "run"))
>>> os.symlink(".", os.path.join(top, "x"))
>>> report = Report()
>>> [os.path.relpath(folder, top) for folder, _ in walk_folders(top, report)]
['.', 'run']
>>> print(report.findings[0].message.split(":")[0])
a symlink back to a folder that contains it (a cycle)
"""

import os

from exporter.inside_folder import resolve_inside
from exporter.validate.findings import ERROR, WARNING


def walk_folders(top, report=None, *, stay_inside=False):
    """Yields (folder, file names) for `top` and every folder below it, in sorted order.

    Args:
      top: the folder to walk.
      report: a `Report` that gets one finding per symlink cut (a cycle: ERROR,
        since TensorBoard never finishes; a second way to a folder: WARNING; with
        `stay_inside`, a folder resolving outside `top`: WARNING).
      stay_inside: do not enter folders whose real location is outside `top`.
    """
    seen = {}
    stack = [(os.path.abspath(top), ())]
    while stack:
        folder, ancestors = stack.pop()
        if stay_inside and resolve_inside(top, folder) is None:
            if report is not None:
                report.add(WARNING, folder, f"a symlink to {os.path.realpath(folder)}, outside {top}: not read "
                           "(nothing outside the logdir is)", "move the run into the logdir instead of linking it")
            continue
        try:
            stat = os.stat(folder)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in seen:
            if report is not None:
                _report_cut(report, folder, seen[key], key in ancestors)
            continue
        seen[key] = folder
        yield folder, [e.name for e in entries if not _is_dir(e)]
        stack.extend((e.path, (*ancestors, key)) for e in reversed(entries) if _is_dir(e))


def _is_dir(entry):
    try:
        return entry.is_dir()  # follows symlinks, as TensorBoard does
    except OSError:
        return False


def _report_cut(report, folder, first, cycle):
    if cycle:
        report.add(ERROR, folder, f"a symlink back to a folder that contains it (a cycle): TensorBoard follows "
                   f"it forever and never lists the runs; {first} entered once",
                   "remove the symlink, or point it outside the logdir")
    else:
        report.add(WARNING, folder, f"a second path (through a symlink) to {first}: TensorBoard lists its runs "
                   "under both names; entered once", "keep one path to each run folder")
