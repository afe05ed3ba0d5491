"""What `layout` reads of an export already on disk, checked: files may have been edited, or be hostile.

An export's files are re-read before its layouts are added: every file must really
lie inside the logdir (a version folder that is a symlink out is refused), the
vectors must be finite, the metadata must label exactly its N points (the
projector's own rule, `exporter.validate.metadata`), and `bookmarks.json` /
`layouts.json` must be bounded JSON of the expected shape. Each problem is one
`ExportError` line; nothing is published.

Example:
>>> import json, os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "bookmarks.json")
>>> _ = open(path, "w").write("[1, 2]")
>>> read_json(path, 1_000, "bookmarks")
Traceback (most recent call last):
exporter.errors.ExportError: ...bookmarks.json is not a list of projector states (bookmark 1 is int): remove the file (its bookmarks are lost) or re-export
"""

import json
import os

import numpy as np

from exporter.errors import ExportError
from exporter.inside_folder import resolve_inside
from exporter.run import folder as run_folder

#: Most bookmarks an export's file is read with, and bytes one point takes in one (3-D, 17 digits).
MAX_BOOKMARKS = 64
_POINT_BYTES = 128
#: `layouts.json` holds a few figures per layout.
_FIGURES_BYTES = 1 << 20


def read_checked(logdir, run, name):
    """(`Export`, `EmbeddingTable`, current bookmark states, layouts.json figures) of export `name`, checked."""
    from exporter.table import EmbeddingTable

    export = run_folder.find_export(logdir, run, name)
    for path in export.files.values():
        if resolve_inside(logdir, path) is None:
            raise ExportError(f"{path} resolves to {os.path.realpath(path)}, outside the logdir {logdir} (a "
                              f"symlink?): nothing outside the logdir is read: re-export {name!r}")
    n = export.shape[0]
    vectors = np.array(run_folder.read_vectors(export))
    bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1))
    if len(bad):
        raise ExportError(f"{export.files.get('vectors_bytes', export.folder)}: {len(bad)} rows hold NaN/Inf "
                          f"(first: row {bad[0]}), which the projector cannot draw: re-export {name!r}")
    metadata = None
    if "metadata" in export.files:
        _check_metadata(export.files["metadata"], n, name)
        metadata = run_folder.read_metadata(export)
    bookmarks = []
    if "bookmarks" in export.files:
        bookmarks = read_json(export.files["bookmarks"], n, "bookmarks")
        check_bookmarks_file(export.files["bookmarks"], n)  # before the work, not only when publishing
    figures = read_json(export.files["layouts"], n, "layouts") if "layouts" in export.files else {}
    return export, EmbeddingTable(vectors, metadata), bookmarks, figures


def read_json(path, num_points, kind):
    """The states of a bookmarks file (`kind` "bookmarks") or the figures of a layouts.json ("layouts")."""
    limit = _FIGURES_BYTES if kind == "layouts" else (1 << 20) + MAX_BOOKMARKS * _POINT_BYTES * num_points
    what = "a list of projector states" if kind == "bookmarks" else "layout figures ({name: {...}})"
    fix = (f"remove the file (its {'bookmarks' if kind == 'bookmarks' else 'figures'} are lost) or re-export")
    if not os.path.isfile(path):
        raise ExportError(f"{path} is not a regular file: {fix}")
    size = os.path.getsize(path)
    if size > limit:
        raise ExportError(f"{path} is {size:,} bytes, more than {what} of {num_points:,} points can take "
                          f"({limit:,}): {fix}")
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error).splitlines()[0][:80]
        raise ExportError(f"{path} is not JSON ({reason}): {fix}") from None
    if kind == "bookmarks":
        if not isinstance(value, list):
            raise ExportError(f"{path} is not {what} (a {type(value).__name__}): {fix}")
        for number, state in enumerate(value, start=1):
            if not isinstance(state, dict) or not isinstance(state.get("projections"), list):
                kind_of = type(state).__name__ if not isinstance(state, dict) else "without projections"
                raise ExportError(f"{path} is not {what} (bookmark {number} is {kind_of}): {fix}")
    elif not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ExportError(f"{path} is not {what}: {fix}")
    return value


def check_bookmarks_file(path, num_points, columns=None):
    """Refuses (one line) a bookmarks file `projector-export validate` would reject."""
    from exporter.validate.assets import check_bookmarks
    from exporter.validate.findings import ERROR, Report

    report = Report()
    check_bookmarks(report, path, num_points, columns)
    errors = [f for f in report.findings if f.severity == ERROR]
    if errors:
        raise ExportError(f"{path}: {errors[0].message}: {errors[0].fix}")


def _check_metadata(path, num_points, name):
    from exporter.validate.findings import ERROR, Report
    from exporter.validate.metadata import check_metadata

    report = Report()
    check_metadata(report, path, num_points)
    errors = [f for f in report.findings if f.severity == ERROR]
    if errors:
        raise ExportError(f"{path}: {errors[0].message} (was it edited?): re-export {name!r} with its labels")
