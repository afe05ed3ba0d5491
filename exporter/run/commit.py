"""The commit of a run: staged versions published under the run lock, interrupted commits repaired.

A version is a complete staged folder of an export's files. `commit` renames each into
`projector-export/<name>/v<N>/` (unreferenced yet), writes a new marker checkpoint, then
renames TensorBoard's config into place: that rename is the commit point. The standalone
JSON follows it (so it never names a version that did not land), and only then are
versions no config names deleted. A kill at any instant leaves each config naming a
complete version, entirely old or entirely new, and the JSON never ahead of TensorBoard's
config (`validate` warns while it lags); the next commit in the run (`_reconcile`) rolls
the JSON forward to TensorBoard's config and removes what the interrupted one left. Runs of the older format (tensors in the run's checkpoint)
are converted on the way.
"""

import codecs
import contextlib
import dataclasses
import os
import shutil
import tempfile

import numpy as np

from exporter.errors import ExportError
from exporter.run import folder as run_folder
from exporter.run import marker_checkpoint, standalone_config, tensorboard_config
from exporter.run.event_file import ensure_event_file
from exporter.run.lock import lock_folder, run_lock
from exporter.tensor_bundle import STATE_FILE
from exporter.writers import tsv
from exporter.writers.atomic import interrupts_deferred

_STAGING_PREFIX = ".staging-"
# The ends of the temp-file names `write_atomic` uses for the files only the commit writes in a run.
_RUN_LEVEL_SUFFIXES = (f"-{run_folder.TENSORBOARD_CONFIG}", f"-{run_folder.STANDALONE_CONFIG}", f"-{STATE_FILE}",
                       ".index", ".data-00000-of-00001", ".projector-export")


@dataclasses.dataclass(frozen=True)
class Version:
    """A complete staged version of an export, waiting for the commit."""

    name: str
    staging: str
    shape: tuple
    tensor_key: str  # the file TensorBoard's tensor_path names: "vectors_bytes" or "vectors_tsv"
    keys: list  # keys of run_folder.FILE_NAMES present in `staging`
    standalone: bool
    url_prefix: str


def commit(run_dir, *, add=(), remove=()):
    """Under the run lock: publishes `add` versions and drops `remove` names; returns an `Export` per version.

    Order: version folders renamed into place (unreferenced), a new marker
    checkpoint, TensorBoard's config (the commit point), the standalone JSON, the
    checkpoint state, and only then the removal of what no config names. Each config
    is read once and kept in memory for the whole commit.
    """
    tb_config = run_folder.read_tensorboard_config(run_dir)
    sa_config = run_folder.read_standalone_config(run_dir)
    _reconcile(run_dir, tb_config, sa_config)
    number = max(marker_checkpoint.current_number(run_dir), _highest_version(run_dir)) + 1
    legacy = run_folder.legacy_checkpoint(run_dir)
    sa_before = [dict(e) for e in sa_config["embeddings"]]
    published, requested = [], list(add)
    legacy_names = [e.tensor_name for e in tb_config.embeddings if not e.tensor_path]
    try:
        if legacy is not None:
            add = [*_convert_legacy(run_dir, tb_config, sa_config, skip={v.name for v in add} | set(remove)), *add]
        for version in add:
            folder = run_folder.version_folder(run_dir, version.name, number)
            _make_inner_dirs(run_dir, os.path.dirname(folder))
            os.rename(version.staging, folder)
            published.append(folder)
            relative = {key: f"{run_folder.EXPORTS_FOLDER}/{version.name}/v{number}/{run_folder.FILE_NAMES[key]}"
                        for key in version.keys}
            tensorboard_config.put_embedding(
                tb_config, version.name, shape=version.shape, tensor_path=relative[version.tensor_key],
                metadata_path=relative.get("metadata"), bookmarks_path=relative.get("bookmarks"),
            )
            if version.standalone:
                standalone_config.put_embedding(sa_config, version.name, shape=version.shape, files=relative,
                                                url_prefix=version.url_prefix)
            else:  # an entry left for an older version would point at deleted files
                standalone_config.remove_embedding(sa_config, version.name)
        for name in remove:
            tensorboard_config.remove_embedding(tb_config, name)
            standalone_config.remove_embedding(sa_config, name)
        marker_checkpoint.write_marker(run_dir, number)
    except BaseException:
        for folder in published:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    names = ", ".join(repr(v.name) for v in requested) or ", ".join(map(repr, remove))
    landed = f"{'the removal of' if remove and not add else 'export'} {names} landed in {run_dir}"
    # Everything below is renames, small writes and deletions: Ctrl-C waits until they are done.
    with interrupts_deferred(landed):
        tensorboard_config.write_config(run_dir, tb_config)  # the commit point
        if sa_config["embeddings"] != sa_before:  # after it: never names a version that did not land
            standalone_config.write_config(run_dir, sa_config)
        marker_checkpoint.point_state_at(run_dir, number)
        ensure_event_file(run_dir)
        _remove_unreferenced(run_dir, tb_config, sa_config)
        marker_checkpoint.remove_stale(run_dir, keep=number)
        if legacy is not None:
            _remove_legacy_folders(run_dir, legacy_names)
    return [_result(run_dir, version, number) for version in requested]


def _result(run_dir, version, number):
    folder = run_folder.version_folder(run_dir, version.name, number)
    files = {key: os.path.join(folder, run_folder.FILE_NAMES[key]) for key in version.keys}
    return run_folder.Export(run_dir, version.name, tuple(version.shape), number, files)


def _reconcile(run_dir, tb_config, sa_config):
    """Rolls an interrupted commit back or forward, so both configs name the same versions.

    TensorBoard's config is the truth (its rename is the commit point, the JSON
    follows): a standalone entry it does not list is dropped, one naming another
    version is pointed at its version (`sa_config` is changed in place and written).
    """
    tb_entries = {e.tensor_name: e for e in tb_config.embeddings}
    changed = False
    for entry in list(sa_config["embeddings"]):
        located = run_folder.parse_version_path(entry.get("tensorPath", ""))
        if located is None:
            continue
        name, version = located
        tb = tb_entries.get(name)
        tb_located = run_folder.parse_version_path(tb.tensor_path) if tb is not None and tb.tensor_path else None
        if tb_located == located:
            continue
        changed = True
        if tb_located is None:
            standalone_config.remove_embedding(sa_config, name)
            continue
        prefix = entry["tensorPath"][: entry["tensorPath"].index(f"{run_folder.EXPORTS_FOLDER}/{name}/v{version}/")]
        folder = run_folder.version_folder(run_dir, *tb_located)
        relative = {key: f"{run_folder.EXPORTS_FOLDER}/{name}/v{tb_located[1]}/{filename}"
                    for key, filename in run_folder.FILE_NAMES.items() if os.path.isfile(os.path.join(folder, filename))}
        standalone_config.put_embedding(sa_config, name, shape=tuple(tb.tensor_shape), files=relative, url_prefix=prefix)
    if changed:
        standalone_config.write_config(run_dir, sa_config)
    _remove_unreferenced(run_dir, tb_config, sa_config)
    _remove_orphaned_staging(run_dir)
    for entry in os.scandir(run_dir):  # temp files of run-level writes a kill interrupted (all under this lock)
        if entry.name.startswith(".tmp-") and entry.name.endswith(_RUN_LEVEL_SUFFIXES) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)


def _referenced_versions(tb_config, sa_config):
    paths = []
    for entry in tb_config.embeddings:
        paths += [entry.tensor_path, entry.metadata_path, entry.bookmarks_path]
    for entry in sa_config["embeddings"]:
        paths += [entry.get(key, "") for key in ("tensorPath", "metadataPath", "bookmarksPath")]
    return {located for path in paths if path and (located := run_folder.parse_version_path(path))}


def _remove_unreferenced(run_dir, tb_config, sa_config):
    """Deletes version folders neither config (as on disk) names: older versions, interrupted commits; never
    through a symlink."""
    root = os.path.join(run_dir, run_folder.EXPORTS_FOLDER)
    if not os.path.isdir(root) or os.path.islink(root):
        return
    keep = _referenced_versions(tb_config, sa_config)
    for name_entry in os.scandir(root):
        if not name_entry.is_dir(follow_symlinks=False):
            continue
        for entry in os.scandir(name_entry.path):
            located = run_folder.parse_version_path(f"{run_folder.EXPORTS_FOLDER}/{name_entry.name}/{entry.name}/x")
            if located and located not in keep:
                _remove_tree(entry.path)
        with contextlib.suppress(OSError):
            os.rmdir(name_entry.path)  # only when empty


def remove_entries(folder, tensor_name):
    """Under the folder's run lock: drops every entry of TensorBoard config `folder` named `tensor_name` (what
    another tool wrote there); the config goes when no entry is left. Returns the config's path."""
    path = os.path.join(folder, run_folder.TENSORBOARD_CONFIG)
    with run_lock(folder):
        config = run_folder.read_tensorboard_config(folder)
        tensorboard_config.remove_embedding(config, tensor_name)
        if config.embeddings:
            tensorboard_config.write_config(folder, config)
        elif os.path.lexists(path):
            os.unlink(path)
    return path


def _highest_version(run_dir):
    root = os.path.join(run_dir, run_folder.EXPORTS_FOLDER)
    numbers = [0]
    if os.path.isdir(root) and not os.path.islink(root):
        for name_entry in os.scandir(root):
            if name_entry.is_dir(follow_symlinks=False):
                numbers += [located[1] for entry in os.scandir(name_entry.path)
                            if (located := run_folder.parse_version_path(f"{run_folder.EXPORTS_FOLDER}/x/{entry.name}/x"))]
    return max(numbers)


def _make_inner_dirs(run_dir, folder):
    """Creates `folder` (inside `run_dir`) level by level, refusing any level that is a symlink."""
    path = run_dir
    for part in os.path.relpath(folder, run_dir).split(os.sep):
        path = os.path.join(path, part)
        if os.path.islink(path) or (os.path.exists(path) and not os.path.isdir(path)):
            raise ExportError(f"{path} is a symlink or a file where the exporter keeps its folders: remove it "
                              "(the exporter never writes through symlinks)")
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)


def _remove_tree(path):
    """Deletes `path`: a symlink itself, never what it points at."""
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
    else:
        shutil.rmtree(path)


@contextlib.contextmanager
def staging(run_dir):
    """A fresh staging folder in the run, locked by this process while it lives, removed on exit."""
    with run_lock(run_dir):  # created and locked before any other exporter can judge it orphaned
        _remove_orphaned_staging(run_dir)
        staging = tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=run_dir)
        fd = lock_folder(staging)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when committed
        os.close(fd)


def _remove_orphaned_staging(run_dir):
    """Deletes staging folders nobody holds the lock of (their exporter was killed); call under the run lock."""
    for entry in os.scandir(run_dir):
        if entry.name.startswith(_STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
            fd = lock_folder(entry.path, wait=False)
            if fd is not None:
                shutil.rmtree(entry.path, ignore_errors=True)
                os.close(fd)


def binary_misread_as_text(matrix):
    """True when TensorBoard would read `matrix`'s raw float32 bytes as a text tensor file.

    TensorBoard tries UTF-8 text first and falls back to raw float32 only on a
    UnicodeDecodeError. With TensorFlow it decodes line by line (lines end at 0x0A),
    without it in chunks with universal newlines (0x0D ends a line too): the bytes
    before the first 0x0A or 0x0D must therefore hold invalid UTF-8, else a line is
    parsed as numbers (`float()` raises, and the projector fails for the whole logdir).
    """
    raw = np.ascontiguousarray(matrix, "<f4").reshape(-1).view(np.uint8)
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 16
    for start in range(0, len(raw), step):
        chunk = raw[start : start + step]
        ends = np.flatnonzero((chunk == 0x0A) | (chunk == 0x0D))
        try:
            if ends.size:
                decoder.decode(chunk[: ends[0]].tobytes(), final=True)
                return True
            decoder.decode(chunk.tobytes(), final=start + step >= len(raw))
        except UnicodeDecodeError:
            return False
    return True


def standalone_prefix(sa_config, name):
    """The URL prefix of `name`'s standalone entry, or None when it has none."""
    for entry in sa_config["embeddings"]:
        if entry.get("tensorName") == name:
            path = entry.get("tensorPath", "")
            return path[: path.find(f"{run_folder.EXPORTS_FOLDER}/")] if run_folder.EXPORTS_FOLDER in path else ""
    return None


# --- the older format: tensors in the run's checkpoint, files in R/<name>/ ----------------------


def _convert_legacy(run_dir, tb_config, sa_config, skip):
    """Versions of the run's older-format exports (their tensors read from the checkpoint, files hard-linked)."""
    versions = []
    for entry in tb_config.embeddings:
        if entry.tensor_path or entry.tensor_name in skip:
            continue
        export = run_folder.Export(run_dir, entry.tensor_name, tuple(entry.tensor_shape), None, {})
        matrix = run_folder.read_vectors(export)
        staging = tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=run_dir)
        files = {"vectors_bytes": run_folder.VECTORS_BYTES}
        standalone_config.write_vectors_bytes(os.path.join(staging, run_folder.VECTORS_BYTES), matrix)
        old_files = {"metadata": entry.metadata_path, "bookmarks": entry.bookmarks_path,
                     "vectors_tsv": f"{entry.tensor_name}/{run_folder.VECTORS_TSV}"}
        for key, relative in old_files.items():
            path = os.path.join(run_dir, relative) if relative else None
            if path and os.path.isfile(path) and not os.path.islink(path):
                os.link(path, os.path.join(staging, run_folder.FILE_NAMES[key]))
                files[key] = run_folder.FILE_NAMES[key]
        tensor_key = "vectors_bytes"
        if binary_misread_as_text(matrix):
            tensor_key = "vectors_tsv"
            if "vectors_tsv" not in files:
                tsv.write_vectors_tsv(os.path.join(staging, run_folder.VECTORS_TSV), matrix)
                files["vectors_tsv"] = run_folder.VECTORS_TSV
        listed = standalone_prefix(sa_config, entry.tensor_name)
        versions.append(Version(entry.tensor_name, staging, tuple(matrix.shape), tensor_key, sorted(files),
                                 listed is not None, listed or ""))
    return versions


def _remove_legacy_folders(run_dir, names):
    """Deletes the older format's `R/<name>/` files of exports converted or replaced (only the files it wrote)."""
    for name in names:
        folder = os.path.join(run_dir, name)
        if os.path.islink(folder) or not os.path.isdir(folder):
            continue
        for filename in run_folder.FILE_NAMES.values():
            path = os.path.join(folder, filename)
            if os.path.lexists(path) and not os.path.isdir(path):
                os.unlink(path)
        with contextlib.suppress(OSError):
            os.rmdir(folder)
