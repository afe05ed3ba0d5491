"""Checks `projector_config.json` files for the standalone projector (projector.tensorflow.org).

Paths that are URLs cannot be checked offline and are skipped; relative paths are
checked against the JSON's folder, which is what projector-export writes.

Example:
>>> import tempfile
>>> from exporter.validate.findings import Report
>>> report = Report()
>>> check_standalone_configs(report, tempfile.mkdtemp(), {})
>>> report.findings
[]
"""

import os

import numpy as np

from exporter import projector_rules
from exporter.inside_folder import resolve_inside
from exporter.run.folder import STANDALONE_CONFIG, parse_version_path
from exporter.untrusted_json import JSONError, parse_json
from exporter.validate import tensors
from exporter.validate.assets import check_bookmarks
from exporter.validate.findings import ERROR, WARNING
from exporter.validate.logdir import NOT_READ, files_named, inside
from exporter.validate.metadata import check_metadata



def check_standalone_configs(report, logdir, tensorboard_entries):
    """Adds findings for every `projector_config.json` under `logdir`.

    `tensorboard_entries`: {(config folder, tensor name): EmbeddingInfo} from the
    TensorBoard configs, which the standalone entries must agree with.
    """
    for path in files_named(logdir, STANDALONE_CONFIG):
        if not inside(logdir, path):
            report.add(WARNING, path, f"this standalone config resolves outside the logdir (a symlink out): {NOT_READ}",
                       "keep projector_config.json inside the logdir")
            continue
        try:
            with open(path, "rb") as f:
                embeddings = parse_json(f.read(), STANDALONE_CONFIG, dict).get("embeddings")
            if not isinstance(embeddings, list) or not all(isinstance(entry, dict) for entry in embeddings):
                raise JSONError(f"{STANDALONE_CONFIG}: its embeddings are not a list of objects")
        except JSONError as error:
            report.add(ERROR, path, f"not a projector config ({error})",
                       'write {"embeddings": [{"tensorName", "tensorShape", "tensorPath", ...}]}')
            continue
        folder = os.path.dirname(path)
        for number, entry in enumerate(embeddings, start=1):
            _check_entry(report, path, folder, number, entry, tensorboard_entries)


def _check_entry(report, path, folder, number, entry, tensorboard_entries):
    name = entry.get("tensorName") or f"embedding {number}"
    wrong = [key for key in ("tensorName", "tensorPath", "metadataPath", "bookmarksPath")
             if key in entry and not isinstance(entry[key], str)]
    shape = entry.get("tensorShape")
    if shape is not None and not (isinstance(shape, list) and all(_whole(side) for side in shape)):
        wrong.append("tensorShape")
    if wrong:
        report.add(ERROR, path, f"embedding {number}: {', '.join(wrong)} of the wrong type (the projector's "
                   "loader fails)", "paths and names are strings, tensorShape a list of whole numbers [N, D]")
        return
    tensor_path = entry.get("tensorPath")
    if not tensor_path:
        report.add(ERROR, path, f"{name!r} has no tensorPath", "set tensorPath (a .bytes or TSV file)")
        return
    tensorboard = tensorboard_entries.get((os.path.realpath(folder), name))
    version = _compare_versions(report, path, name, entry, tensorboard)
    if version == "ahead":
        return
    expected = list(tensorboard.tensor_shape) if tensorboard is not None else None
    if version == "same" and expected and shape and list(shape) != expected:
        report.add(ERROR, path, f"{name!r}: tensorShape {shape}, but TensorBoard's config says {expected}",
                   "re-export, so both configs describe the same tensor")
    file = _local(report, path, tensor_path, "tensorPath")
    if file is None:
        return
    if not os.path.isfile(file):
        report.add(ERROR, path, f"{name!r}: tensorPath {tensor_path!r} does not exist", "fix the path")
        return
    num_points = _check_tensor(report, path, file, name, shape)
    if num_points is None:
        return
    metadata = _local(report, path, entry.get("metadataPath"), "metadataPath")
    columns = None
    if metadata and os.path.isfile(metadata):
        columns = check_metadata(report, metadata, num_points)
    elif metadata:
        report.add(ERROR, path, f"{name!r}: metadataPath {entry['metadataPath']!r} does not exist", "fix the path")
    bookmarks = _local(report, path, entry.get("bookmarksPath"), "bookmarksPath")
    if bookmarks and os.path.isfile(bookmarks):
        check_bookmarks(report, bookmarks, num_points, columns)
    elif bookmarks:
        report.add(ERROR, path, f"{name!r}: bookmarksPath {entry['bookmarksPath']!r} does not exist", "fix the path")


def _compare_versions(report, path, name, entry, tensorboard):
    """"same", "behind" or "ahead" (both with a finding): the projector-export version the entry names
    against TensorBoard's config ("same" too when either is not a projector-export version).

    TensorBoard's config is renamed first (the commit point) and this JSON after it:
    an entry one commit behind is the instant between the two renames (or a kill
    there), complete and valid; one ahead is an export that never landed.
    """
    ours = parse_version_path(str(entry.get("tensorPath", "")))
    theirs = parse_version_path(tensorboard.tensor_path) if tensorboard is not None else None
    if ours is None or theirs is None or ours == theirs:
        return "same"
    if ours[1] < theirs[1]:
        report.add(WARNING, path, f"{name!r} still names version {ours[1]}, TensorBoard's config version {theirs[1]}: "
                   "an export was interrupted between the two configs' renames (the standalone projector shows the "
                   "previous, complete version)", "export anything into this run: the next export brings it forward")
        return "behind"
    report.add(ERROR, path, f"{name!r} names version {ours[1]}, but TensorBoard's config names version {theirs[1]}: "
               "an export interrupted before its commit point (older projector-export releases wrote this JSON "
               "first)", "export anything into this run: the next export rolls it back")
    return "ahead"


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _local(report, config_path, url, field):
    """The file a relative `url` names inside the config's folder; None for URLs and (with a
    finding) for paths resolving outside it, which are never read."""
    if not url or "://" in url:
        return None
    file = resolve_inside(os.path.dirname(config_path), url)
    if file is None:
        report.add(WARNING, config_path, f"{field} {url!r} resolves outside the config's folder (absolute, '..' "
                   "or a symlink out): not checked, validate reads nothing outside it",
                   "keep the files beside projector_config.json and use relative paths")
        return None
    return file


def _check_tensor(report, path, file, name, shape):
    """The number of points the standalone projector loads from `file`, or None (with a finding)."""
    if file.endswith(".bytes"):
        if not (isinstance(shape, list) and len(shape) == 2 and min(shape) > 1):
            report.add(ERROR, path, f"{name!r}: a .bytes tensor needs tensorShape [N, D] with N, D >= 2, "
                       f"got {shape}", "set tensorShape")
            return None
        size = os.path.getsize(file)
        if size != shape[0] * shape[1] * 4:
            report.add(ERROR, file, f"{size} bytes, but tensorShape {shape} needs {shape[0] * shape[1] * 4} "
                       "(raw little-endian float32)", "re-export, or fix tensorShape")
            return None
        if not np.isfinite(np.fromfile(file, "<f4")).all():
            report.add(ERROR, file, f"{name!r} holds NaN or Inf: the view's centroid becomes NaN",
                       "re-export with --drop-nonfinite")
        return shape[0]
    long_line = tensors.first_long_line(file)
    if long_line:
        report.add(ERROR, file, f"line {long_line[0]} is longer than {tensors.MAX_LINE_BYTES:,} bytes (millions of "
                   "values, or not a TSV): the projector's parser holds it whole; not read further",
                   "write one point per line, or a .bytes tensor", long_line[0])
        return None
    with open(file, encoding="utf-8", errors="replace") as f:
        try:
            labels, rows = projector_rules.parse_vectors_tsv(f.read())
        except projector_rules.VectorsParseError as error:
            report.add(ERROR, file, f"the projector's parser stops: {error}",
                       "write D tab-separated numbers per line", error.line)
            return None
    if labels:
        line, label = labels[0]
        report.add(WARNING, file, f"{len(labels)} rows start with a cell taken as a label ({label[:30]!r})",
                   "write numbers only; labels go into the metadata file", line)
    return len(rows)
