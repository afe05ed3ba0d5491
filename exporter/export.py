"""`export_embeddings`: vectors + metadata in, a run TensorBoard and the standalone projector load.

Example:
>>> import numpy as np, tempfile
>>> logdir = tempfile.mkdtemp()
>>> result = export_embeddings(
...     np.eye(3, 4), ["cat", "dog", "cow"], logdir=logdir, run="demo", name="animals")
>>> sorted(result.files)
['bookmarks', 'metadata', 'standalone_config', 'tensorboard_config', 'vectors_bytes', 'vectors_tsv']

Then `tensorboard --logdir <logdir>` shows tensor "animals" in run "demo".

Every write goes stage -> lock -> commit: the files of a new version are written into
a staging folder, which becomes `projector-export/<name>/v<N>/` under the run lock;
then the standalone JSON and TensorBoard's config are renamed into place, the
latter being the commit point. A kill at any instant leaves each export entirely
old or entirely new; the next export or removal in the run finishes the clean-up
(`exporter.exports` describes the layout).
"""

import codecs
import contextlib
import dataclasses
import os
import shutil
import tempfile
import warnings

import numpy as np

from exporter import exports
from exporter.errors import ExportError, ExportWarning
from exporter.exports import resolve_run_dir, safe_tensor_name
from exporter.layouts import Layout, layout_bookmark, make_layouts, write_layout_files
from exporter.table import SPHEREIZE_MIN_DIM, TENSORBOARD_MAX_POINTS, EmbeddingTable
from exporter.validate.frontend import NUMBER_LIKE_FIX, describe_number_like
from exporter.vectors import pca_coordinates
from exporter.writers import bookmarks as bookmarks_writer
from exporter.writers import checkpoint, standalone, tensorboard_config, tsv
from exporter.writers.atomic import interrupts_deferred, lock_folder, run_lock
from exporter.writers.event_file import ensure_event_file

__all__ = ["ExportResult", "export_embeddings", "export_table", "remove_export", "replace_bookmarks",
           "resolve_run_dir", "safe_tensor_name", "upgrade_run"]

# Above this, squares summed over 100,000 points overflow float32 in the browser's PCA.
_BROWSER_PCA_LIMIT = 1e15
_STAGING_PREFIX = ".staging-"
# The ends of the temp-file names `write_atomic` uses for the files only the commit writes in a run.
_RUN_LEVEL_SUFFIXES = (f"-{exports.TENSORBOARD_CONFIG}", f"-{exports.STANDALONE_CONFIG}", f"-{exports.CHECKPOINT_STATE}",
                       ".index", ".data-00000-of-00001", ".projector-export")


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the run folder, the tensor name and shape, each file, rows dropped as non-finite."""

    run_dir: str
    name: str
    shape: tuple
    files: dict
    dropped_rows: int = 0


def export_embeddings(
    vectors,
    metadata=None,
    *,
    logdir="logdir",
    run="default",
    name="embedding",
    drop_nonfinite=False,
    unicode_errors="strict",
    normalize=False,
    max_points=None,
    stratify=None,
    seed=0,
    standalone_config=True,
    base_url="",
    bookmarks=(),
    pca_bookmark=True,
    layouts=(),
    color_by=None,
    write_tsv=True,
):
    """Writes N vectors and their metadata as tensor `name` of `logdir/run`.

    Args:
      vectors: (N, D) array-like (NumPy, TF tensor, nested lists), or an `EmbeddingTable`
        (then `metadata`, `drop_nonfinite` and `unicode_errors` must be left out: the table
        was built with them).
      metadata: None, N labels (one column), or a DataFrame / dict of N-long columns.
      logdir, run, name: where: `logdir/run`, tensor `name`.
      drop_nonfinite: drop rows holding NaN/Inf (and their metadata) instead of refusing them.
      unicode_errors: "strict" refuses labels UTF-8 cannot hold (lone surrogates); "replace"
        writes U+FFFD there (see `EmbeddingTable.build`).
      normalize, max_points, stratify, seed, standalone_config, base_url, bookmarks,
        pca_bookmark, layouts, color_by, write_tsv: see `export_table`.

    Returns:
      A frozen `ExportResult`. Raises `ExportError` (nothing written) on input the
      projector cannot load correctly, or on contradictory arguments.
    """
    if isinstance(vectors, EmbeddingTable):
        if metadata is not None or drop_nonfinite or unicode_errors != "strict":
            raise ExportError("an EmbeddingTable carries its own metadata and finite rows: pass metadata=, "
                              "drop_nonfinite= and unicode_errors= to EmbeddingTable.build, or pass the vectors "
                              "instead of the table")
        table, dropped = vectors, 0
    else:
        table = EmbeddingTable.build(vectors, metadata, drop_nonfinite=drop_nonfinite, unicode_errors=unicode_errors)
        dropped = _row_count(vectors) - table.num_points
    result = export_table(
        table, logdir=logdir, run=run, name=name, normalize=normalize, max_points=max_points, stratify=stratify,
        seed=seed, standalone_config=standalone_config, base_url=base_url, bookmarks=bookmarks,
        pca_bookmark=pca_bookmark, layouts=layouts, color_by=color_by, write_tsv=write_tsv,
    )
    return dataclasses.replace(result, dropped_rows=dropped)


def export_table(
    table,
    *,
    logdir="logdir",
    run="default",
    name="embedding",
    normalize=False,
    max_points=None,
    stratify=None,
    seed=0,
    standalone_config=True,
    base_url="",
    bookmarks=(),
    pca_bookmark=True,
    layouts=(),
    color_by=None,
    write_tsv=True,
):
    """Writes an `EmbeddingTable` as tensor `name` of `logdir/run`, replacing an export of that name.

    Args:
      table: the `EmbeddingTable`.
      logdir, run, name: where: `logdir/run`, tensor `name`.
      normalize: scale rows to unit length (the projector's t-SNE/UMAP assume it).
      max_points: sample down to this many rows (seeded by `seed`, stratified by
        the metadata column `stratify` if given), metadata kept aligned.
      standalone_config: also list the export in `projector_config.json`.
      base_url: prefix for the standalone paths, where the run folder is served.
      bookmarks: extra `make_bookmark` states; pca_bookmark adds "PCA (all N points)".
      layouts: ("tsne", "umap", "pca") of all points (or ready `exporter.layouts.Layout`s), each
        a bookmark, a picture `layout-<method>.png` and figures in `layouts.json` (docs/layouts.md).
      color_by: metadata column the bookmarks open coloured by (default: the first text
        column with <= 50 values).
      write_tsv: write `vectors.tsv` (for upload to projector.tensorflow.org).

    Returns:
      A frozen `ExportResult`.
    """
    if stratify is not None and max_points is None:
        raise ExportError("stratify= only applies when sampling: pass max_points= (--max-points) too")
    name = safe_tensor_name(name)
    run_dir = resolve_run_dir(logdir, run)
    if max_points is not None and table.num_points > max_points:
        table = table.sample(max_points, stratify=stratify, seed=seed)
    elif table.num_points > TENSORBOARD_MAX_POINTS:
        warnings.warn(
            f"{name}: {table.num_points} points, but TensorBoard shows only the first "
            f"{TENSORBOARD_MAX_POINTS}: view them all with `projector-export serve LOGDIR`, "
            "or pass max_points / --max-points to sample down",
            ExportWarning,
            stacklevel=2,
        )
    peak = max(float(table.vectors.max()), -float(table.vectors.min()))  # no |x| copy of the matrix
    if peak > _BROWSER_PCA_LIMIT:
        warnings.warn(
            f"{name}: values reach {peak:.3g}: the projector's PCA sums squares in float32 and draws "
            "nothing past ~1e19: rescale the vectors or pass normalize=True / --normalize",
            ExportWarning,
            stacklevel=2,
        )
    changed = table.number_like_cells()
    if changed:
        warnings.warn(f"{name}: {describe_number_like(changed, 'row')}: {NUMBER_LIKE_FIX}", ExportWarning, stacklevel=2)
    if normalize:
        table = table.normalized()
    elif table.dim < SPHEREIZE_MIN_DIM:
        warnings.warn(
            f"{name}: hint: with D={table.dim} < {SPHEREIZE_MIN_DIM} the projector does not sphereize, "
            "and its t-SNE/UMAP neighbours assume unit vectors: consider normalize=True / --normalize",
            ExportWarning,
            stacklevel=2,
        )
    marks = list(bookmarks)
    computed = make_layouts(table, layouts, color_by=color_by, seed=seed)
    if pca_bookmark and not any(layout.method == "pca" for layout in computed):
        marks.insert(0, layout_bookmark(Layout("pca", pca_coordinates(table.vectors, dims=2), {}), table, color_by))
    marks += [layout_bookmark(layout, table, color_by) for layout in computed]
    _check_bookmarks(marks, table.num_points)

    with _staging(run_dir) as staging:
        files = {"vectors_bytes": os.path.join(staging, exports.VECTORS_BYTES)}
        standalone.write_vectors_bytes(files["vectors_bytes"], table.vectors)
        tensor_key = "vectors_bytes"
        if binary_misread_as_text(table.vectors):
            tensor_key = "vectors_tsv"  # TensorBoard would parse vectors.bytes as text and fail
            warnings.warn(f"{name}: its raw float32 bytes begin like a line of text, which TensorBoard would "
                          "parse as numbers: it reads vectors.tsv instead (slower to load)", ExportWarning,
                          stacklevel=2)
        if write_tsv or tensor_key == "vectors_tsv":
            files["vectors_tsv"] = os.path.join(staging, exports.VECTORS_TSV)
            tsv.write_vectors_tsv(files["vectors_tsv"], table.vectors)
        if table.metadata is not None:
            files["metadata"] = os.path.join(staging, exports.METADATA_TSV)
            tsv.write_metadata_tsv(files["metadata"], table.metadata)
        if marks:
            files["bookmarks"] = os.path.join(staging, exports.BOOKMARKS_JSON)
            bookmarks_writer.write_bookmarks(files["bookmarks"], marks, table.vectors.shape)
        files.update(write_layout_files(staging, table, computed, color_by))
        version = _Version(name, staging, tuple(table.vectors.shape), tensor_key, sorted(files), standalone_config,
                           _url_prefix(base_url))
        with run_lock(run_dir):
            return _commit(run_dir, add=[version])[0]


def replace_bookmarks(logdir, run, name, bookmarks, write_files=None):
    """Replaces the bookmarks of export `name` of `logdir/run`, nothing else; returns its `ExportResult`.

    The new version hard-links the export's other files (no copy), so this costs the
    size of the bookmarks only.

    Args:
      logdir, run, name: the export.
      bookmarks: the complete new list of `make_bookmark` states (empty: no bookmarks),
        each with one projection per point.
      write_files: optional `write_files(folder) -> {key of exports.FILE_NAMES: path}`, called
        under the lock to write files (layout pictures) that replace the current ones of those keys.
    """
    run_dir = resolve_run_dir(logdir, run)
    name = safe_tensor_name(name)
    with _staging(run_dir) as staging:
        with run_lock(run_dir):
            current = exports.find_export(logdir, run, name)
            _check_bookmarks(bookmarks, current.shape[0])
            if current.version is None:
                raise ExportError(f"export {name!r} has the older checkpoint layout: re-export it first")
            files = write_files(staging) if write_files else {}
            for key, path in current.files.items():
                if key != "bookmarks" and key not in files:
                    files[key] = os.path.join(staging, os.path.basename(path))
                    os.link(path, files[key], follow_symlinks=False)
            if bookmarks:
                files["bookmarks"] = os.path.join(staging, exports.BOOKMARKS_JSON)
                bookmarks_writer.write_bookmarks(files["bookmarks"], list(bookmarks), current.shape)
            entry = next(e for e in exports.read_tensorboard_config(run_dir).embeddings if e.tensor_name == name)
            tensor_key = "vectors_tsv" if entry.tensor_path.endswith(exports.VECTORS_TSV) else "vectors_bytes"
            listed = _standalone_prefix(exports.read_standalone_config(run_dir), name)
            version = _Version(name, staging, current.shape, tensor_key, sorted(files), listed is not None,
                               listed or "")
            return _commit(run_dir, add=[version])[0]


def remove_export(logdir, run, name):
    """Removes export `name` from `logdir/run`: its entries in both configs, then its files."""
    run_dir = resolve_run_dir(logdir, run)
    name = safe_tensor_name(name)
    with run_lock(run_dir):
        _commit(run_dir, remove=[name])


def upgrade_run(logdir, run):
    """Converts the exports of `logdir/run` kept in the older layout (a TensorFlow checkpoint) to tensor files.

    Reading that checkpoint needs TensorFlow, once. Any export into such a run does the
    same; this converts without exporting. Returns the names converted.
    """
    run_dir = resolve_run_dir(logdir, run)
    with run_lock(run_dir):
        if exports.legacy_checkpoint(run_dir) is None:
            return []
        names = [e.tensor_name for e in exports.read_tensorboard_config(run_dir).embeddings if not e.tensor_path]
        _commit(run_dir)
        return names


@dataclasses.dataclass(frozen=True)
class _Version:
    """A complete staged version of an export, waiting for the commit."""

    name: str
    staging: str
    shape: tuple
    tensor_key: str  # the file TensorBoard's tensor_path names: "vectors_bytes" or "vectors_tsv"
    keys: list  # keys of exports.FILE_NAMES present in `staging`
    standalone: bool
    url_prefix: str


def _commit(run_dir, *, add=(), remove=()):
    """Under the run lock: publishes `add` versions and drops `remove` names; returns an `ExportResult` per version.

    Order: version folders renamed into place (unreferenced), a new marker
    checkpoint, the standalone JSON, then TensorBoard's config (the commit point),
    the checkpoint state, and only then the removal of what no config names.
    """
    _reconcile(run_dir)
    number = max(checkpoint.current_number(run_dir), _highest_version(run_dir)) + 1
    legacy = exports.legacy_checkpoint(run_dir)
    tb_config = exports.read_tensorboard_config(run_dir)
    sa_config = exports.read_standalone_config(run_dir)
    sa_before = [dict(e) for e in sa_config["embeddings"]]
    published, requested = [], list(add)
    legacy_names = [e.tensor_name for e in tb_config.embeddings if not e.tensor_path]
    try:
        if legacy is not None:
            add = [*_convert_legacy(run_dir, tb_config, sa_config, skip={v.name for v in add} | set(remove)), *add]
        for version in add:
            folder = exports.version_folder(run_dir, version.name, number)
            _make_inner_dirs(run_dir, os.path.dirname(folder))
            os.rename(version.staging, folder)
            published.append(folder)
            relative = {key: f"{exports.EXPORTS_FOLDER}/{version.name}/v{number}/{exports.FILE_NAMES[key]}"
                        for key in version.keys}
            tensorboard_config.put_embedding(
                tb_config, version.name, shape=version.shape, tensor_path=relative[version.tensor_key],
                metadata_path=relative.get("metadata"), bookmarks_path=relative.get("bookmarks"),
            )
            if version.standalone:
                standalone.put_embedding(sa_config, version.name, shape=version.shape, files=relative,
                                         url_prefix=version.url_prefix)
            else:  # an entry left for an older version would point at deleted files
                standalone.remove_embedding(sa_config, version.name)
        for name in remove:
            tensorboard_config.remove_embedding(tb_config, name)
            standalone.remove_embedding(sa_config, name)
        checkpoint.write_marker(run_dir, number)
    except BaseException:
        for folder in published:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    names = ", ".join(repr(v.name) for v in requested) or ", ".join(map(repr, remove))
    landed = f"{'the removal of' if remove and not add else 'export'} {names} landed in {run_dir}"
    # Everything below is renames, small writes and deletions: Ctrl-C waits until they are done.
    with interrupts_deferred(landed):
        if sa_config["embeddings"] != sa_before:
            standalone.write_config(run_dir, sa_config)
        tensorboard_config.write_config(run_dir, tb_config)  # the commit point
        checkpoint.point_state_at(run_dir, number)
        ensure_event_file(run_dir)
        _remove_unreferenced(run_dir)
        checkpoint.remove_stale(run_dir, keep=number)
        if legacy is not None:
            _remove_legacy_folders(run_dir, legacy_names)
    return [_result(run_dir, version, number) for version in requested]


def _result(run_dir, version, number):
    folder = exports.version_folder(run_dir, version.name, number)
    files = {key: os.path.join(folder, exports.FILE_NAMES[key]) for key in version.keys}
    files["tensorboard_config"] = os.path.join(run_dir, exports.TENSORBOARD_CONFIG)
    if version.standalone:
        files["standalone_config"] = os.path.join(run_dir, exports.STANDALONE_CONFIG)
    return ExportResult(run_dir=run_dir, name=version.name, shape=tuple(version.shape), files=files)


def _reconcile(run_dir):
    """Rolls an interrupted commit back or forward, so both configs name the same versions.

    TensorBoard's config is the truth (it is renamed last): a standalone entry it
    does not list is dropped, one naming another version is pointed at its version.
    """
    tb_entries = {e.tensor_name: e for e in exports.read_tensorboard_config(run_dir).embeddings}
    sa_config = exports.read_standalone_config(run_dir)
    changed = False
    for entry in list(sa_config["embeddings"]):
        located = exports.parse_version_path(entry.get("tensorPath", ""))
        if located is None:
            continue
        name, version = located
        tb = tb_entries.get(name)
        tb_located = exports.parse_version_path(tb.tensor_path) if tb is not None and tb.tensor_path else None
        if tb_located == located:
            continue
        changed = True
        if tb_located is None:
            standalone.remove_embedding(sa_config, name)
            continue
        prefix = entry["tensorPath"][: entry["tensorPath"].index(f"{exports.EXPORTS_FOLDER}/{name}/v{version}/")]
        folder = exports.version_folder(run_dir, *tb_located)
        relative = {key: f"{exports.EXPORTS_FOLDER}/{name}/v{tb_located[1]}/{filename}"
                    for key, filename in exports.FILE_NAMES.items() if os.path.isfile(os.path.join(folder, filename))}
        standalone.put_embedding(sa_config, name, shape=tuple(tb.tensor_shape), files=relative, url_prefix=prefix)
    if changed:
        standalone.write_config(run_dir, sa_config)
    _remove_unreferenced(run_dir)
    _remove_orphaned_staging(run_dir)
    for entry in os.scandir(run_dir):  # temp files of run-level writes a kill interrupted (all under this lock)
        if entry.name.startswith(".tmp-") and entry.name.endswith(_RUN_LEVEL_SUFFIXES) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)


def _referenced_versions(run_dir):
    paths = []
    for entry in exports.read_tensorboard_config(run_dir).embeddings:
        paths += [entry.tensor_path, entry.metadata_path, entry.bookmarks_path]
    for entry in exports.read_standalone_config(run_dir)["embeddings"]:
        paths += [entry.get(key, "") for key in ("tensorPath", "metadataPath", "bookmarksPath")]
    return {located for path in paths if path and (located := exports.parse_version_path(path))}


def _remove_unreferenced(run_dir):
    """Deletes version folders neither config names (older versions, interrupted commits), never through a symlink."""
    root = os.path.join(run_dir, exports.EXPORTS_FOLDER)
    if not os.path.isdir(root) or os.path.islink(root):
        return
    keep = _referenced_versions(run_dir)
    for name_entry in os.scandir(root):
        if not name_entry.is_dir(follow_symlinks=False):
            continue
        for entry in os.scandir(name_entry.path):
            located = exports.parse_version_path(f"{exports.EXPORTS_FOLDER}/{name_entry.name}/{entry.name}/x")
            if located and located not in keep:
                _remove_tree(entry.path)
        with contextlib.suppress(OSError):
            os.rmdir(name_entry.path)  # only when empty


def _highest_version(run_dir):
    root = os.path.join(run_dir, exports.EXPORTS_FOLDER)
    numbers = [0]
    if os.path.isdir(root) and not os.path.islink(root):
        for name_entry in os.scandir(root):
            if name_entry.is_dir(follow_symlinks=False):
                numbers += [located[1] for entry in os.scandir(name_entry.path)
                            if (located := exports.parse_version_path(f"{exports.EXPORTS_FOLDER}/x/{entry.name}/x"))]
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
def _staging(run_dir):
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


def _check_bookmarks(marks, num_points):
    for mark in marks:
        if len(mark["projections"]) != num_points:
            raise ExportError(f"bookmark {mark['label']!r} has {len(mark['projections'])} points, "
                              f"the tensor has {num_points}")


def _url_prefix(base_url):
    return base_url.rstrip("/") + "/" if base_url else ""


def _standalone_prefix(sa_config, name):
    """The URL prefix of `name`'s standalone entry, or None when it has none."""
    for entry in sa_config["embeddings"]:
        if entry.get("tensorName") == name:
            path = entry.get("tensorPath", "")
            return path[: path.find(f"{exports.EXPORTS_FOLDER}/")] if exports.EXPORTS_FOLDER in path else ""
    return None


def _row_count(vectors):
    return len(vectors.numpy() if hasattr(vectors, "numpy") else vectors)


# --- the older layout: tensors in the run's checkpoint, files in R/<name>/ ----------------------


def _convert_legacy(run_dir, tb_config, sa_config, skip):
    """Versions of the run's older-layout exports (their tensors read from the checkpoint, files hard-linked)."""
    versions = []
    for entry in tb_config.embeddings:
        if entry.tensor_path or entry.tensor_name in skip:
            continue
        export = exports.Export(run_dir, entry.tensor_name, tuple(entry.tensor_shape), None, {})
        matrix = exports.read_vectors(export)
        staging = tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=run_dir)
        files = {"vectors_bytes": exports.VECTORS_BYTES}
        standalone.write_vectors_bytes(os.path.join(staging, exports.VECTORS_BYTES), matrix)
        old_files = {"metadata": entry.metadata_path, "bookmarks": entry.bookmarks_path,
                     "vectors_tsv": f"{entry.tensor_name}/{exports.VECTORS_TSV}"}
        for key, relative in old_files.items():
            path = os.path.join(run_dir, relative) if relative else None
            if path and os.path.isfile(path) and not os.path.islink(path):
                os.link(path, os.path.join(staging, exports.FILE_NAMES[key]))
                files[key] = exports.FILE_NAMES[key]
        tensor_key = "vectors_bytes"
        if binary_misread_as_text(matrix):
            tensor_key = "vectors_tsv"
            if "vectors_tsv" not in files:
                tsv.write_vectors_tsv(os.path.join(staging, exports.VECTORS_TSV), matrix)
                files["vectors_tsv"] = exports.VECTORS_TSV
        listed = _standalone_prefix(sa_config, entry.tensor_name)
        versions.append(_Version(entry.tensor_name, staging, tuple(matrix.shape), tensor_key, sorted(files),
                                 listed is not None, listed or ""))
    return versions


def _remove_legacy_folders(run_dir, names):
    """Deletes the older layout's `R/<name>/` files of exports converted or replaced (only the files it wrote)."""
    for name in names:
        folder = os.path.join(run_dir, name)
        if os.path.islink(folder) or not os.path.isdir(folder):
            continue
        for filename in exports.FILE_NAMES.values():
            path = os.path.join(folder, filename)
            if os.path.lexists(path) and not os.path.isdir(path):
                os.unlink(path)
        with contextlib.suppress(OSError):
            os.rmdir(folder)
