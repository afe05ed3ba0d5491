"""`export_embeddings`: vectors + metadata in, a run TensorBoard and the standalone projector load.

Example:
>>> import numpy as np, tempfile
>>> logdir = tempfile.mkdtemp()
>>> result = export_embeddings(
...     np.eye(3, 4), ["cat", "dog", "cow"], logdir=logdir, run="demo", name="animals")
>>> sorted(result.files)
['bookmarks', 'metadata', 'standalone_config', 'tensorboard_config', 'vectors_bytes', 'vectors_tsv']

Then `tensorboard --logdir <logdir>` shows tensor "animals" in run "demo".
"""

import dataclasses
import os
import re
import shutil
import tempfile
import warnings

from exporter.errors import ExportError, ExportWarning
from exporter.table import SPHEREIZE_MIN_DIM, TENSORBOARD_MAX_POINTS, EmbeddingTable
from exporter.validate.frontend import NUMBER_LIKE_FIX, describe_number_like
from exporter.vectors import pca_coordinates
from exporter.writers import bookmarks as bookmarks_writer
from exporter.writers import checkpoint, standalone, tensorboard_config, tsv
from exporter.writers.atomic import interrupts_deferred, run_lock
from exporter.writers.event_file import ensure_event_file

VECTORS_TSV = "vectors.tsv"
METADATA_TSV = "metadata.tsv"
# Above this, squares summed over 100,000 points overflow float32 in the browser's PCA.
_BROWSER_PCA_LIMIT = 1e15
# Bytes in one file or folder name on Linux, macOS and Windows file systems; staging adds a few.
_NAME_MAX = 200
# Characters the projector frontend puts into request URLs unencoded without harm.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclasses.dataclass
class ExportResult:
    """What an export wrote: the run folder, the tensor name and shape, and each file."""

    run_dir: str
    name: str
    shape: tuple
    files: dict
    dropped_rows: int = 0


def export_embeddings(vectors, metadata=None, *, logdir="logdir", run="default", name="embedding", **options):
    """Writes N vectors and their metadata as tensor `name` of `logdir/run`.

    Args:
      vectors: (N, D) array-like (NumPy, TF tensor, nested lists) or an `EmbeddingTable`.
      metadata: None, N labels (one column), or a DataFrame / dict of N-long columns.
      logdir, run, name: where: files go to `logdir/run/name/`, the tensor is `name`.
      **options: see `export_table` (normalize, max_points, stratify, seed,
        drop_nonfinite, unicode_errors (see `EmbeddingTable.build`), standalone, base_url, bookmarks, pca_bookmark, write_tsv).

    Returns:
      An `ExportResult`. Raises `ExportError` (nothing written) on input the
      projector cannot load correctly.
    """
    drop_nonfinite = options.pop("drop_nonfinite", False)
    unicode_errors = options.pop("unicode_errors", "strict")
    if isinstance(vectors, EmbeddingTable):
        table = vectors
    else:
        table = EmbeddingTable.build(vectors, metadata, drop_nonfinite=drop_nonfinite, unicode_errors=unicode_errors)
    dropped = 0 if isinstance(vectors, EmbeddingTable) else _row_count(vectors) - table.num_points
    result = export_table(table, logdir=logdir, run=run, name=name, **options)
    result.dropped_rows = dropped
    return result


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
    write_tsv=True,
):
    """Writes an `EmbeddingTable`; the options:

      normalize: scale rows to unit length (the projector's t-SNE/UMAP assume it).
      max_points: sample down to this many rows (seeded by `seed`, stratified by
        the metadata column `stratify` if given), metadata kept aligned.
      standalone_config: also write `vectors.bytes` and `projector_config.json`.
      base_url: prefix for the standalone paths, where the run folder is served.
      bookmarks: extra `make_bookmark` states; pca_bookmark adds "PCA (all N points)".
      write_tsv: write `vectors.tsv` (for upload to projector.tensorflow.org).
    """
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
    if pca_bookmark:
        coords = pca_coordinates(table.vectors, dims=2)
        marks.insert(0, bookmarks_writer.make_bookmark(f"PCA (all {table.num_points} points)", coords))
    for mark in marks:
        if len(mark["projections"]) != table.num_points:
            raise ExportError(
                f"bookmark {mark['label']!r} has {len(mark['projections'])} points, the tensor has {table.num_points}"
            )

    os.makedirs(run_dir, exist_ok=True)
    _remove_orphaned_staging(run_dir)
    staging = tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=run_dir)
    try:
        staged = _stage_files(staging, table, marks, write_tsv, standalone_config)
        with run_lock(run_dir):
            return _commit(run_dir, name, table, staged, standalone_config, base_url)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_export(logdir, run, name):
    """Removes tensor `name` from `logdir/run`: files, checkpoint entry and both configs."""
    run_dir = resolve_run_dir(logdir, run)
    name = safe_tensor_name(name)
    with run_lock(run_dir):
        tensors = checkpoint.read_tensors(run_dir)
        tensors.pop(name, None)
        prefix = checkpoint.write_checkpoint(run_dir, tensors) if tensors else None
        with interrupts_deferred():
            tb_config = tensorboard_config.read_config(run_dir)
            tensorboard_config.remove_embedding(tb_config, name)
            if prefix:
                checkpoint.commit_checkpoint(run_dir, prefix)
            else:  # TensorBoard offers every tensor of a checkpoint: drop the last one entirely
                checkpoint.remove_checkpoints(run_dir)
            tensorboard_config.write_config(run_dir, tb_config)
            if os.path.exists(os.path.join(run_dir, standalone.FILENAME)):
                config = standalone.remove_embedding(standalone.read_config(run_dir), name)
                standalone.write_config(run_dir, config)
            shutil.rmtree(os.path.join(run_dir, name), ignore_errors=True)


def safe_tensor_name(name):
    """`name` if the projector's URLs and a folder can carry it, else an `ExportError`."""
    _check_length("tensor name", name)
    if not _SAFE_NAME.match(name) or name.startswith(checkpoint.PREFIX):
        suggestion = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).lstrip(".") or "embedding"
        raise ExportError(
            f"tensor name {name!r} would break the projector's URLs or leave the run folder: "
            f"use letters, digits, '_', '.', '-' (for example {suggestion!r})"
        )
    return name


def resolve_run_dir(logdir, run):
    """`logdir/run`, refusing run names that would leave the logdir."""
    parts = [p for p in str(run).replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or not _SAFE_NAME.match(p) for p in parts):
        raise ExportError(
            f"run {run!r} must be a relative folder name inside the logdir (letters, digits, '_', '.', '-', '/')"
        )
    for part in parts:
        _check_length("run name part", part)
    root = os.path.realpath(logdir)
    run_dir = os.path.realpath(os.path.join(root, *parts))
    if os.path.commonpath([root, run_dir]) != root:
        raise ExportError(f"run {run!r} resolves outside {logdir} (a symlink?): pick another run name")
    return run_dir


def _check_length(what, name):
    """Folder names longer than the file system's limit (255 bytes nearly everywhere) fail with ENAMETOOLONG."""
    size = len(os.fsencode(name))
    if size > _NAME_MAX:
        raise ExportError(f"{what} {name[:40]!r}... is {size} bytes, at most {_NAME_MAX} fit in a folder name: use a shorter name")


def _remove_orphaned_staging(run_dir):
    """Deletes staging folders left by exporters that were killed (their PID is gone)."""
    for entry in os.scandir(run_dir):
        match = re.match(r"\.staging-(\d+)-", entry.name)
        if match and entry.is_dir() and not _process_alive(int(match.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _row_count(vectors):
    return len(vectors.numpy() if hasattr(vectors, "numpy") else vectors)


def _stage_files(staging, table, marks, write_tsv, standalone_config):
    """Writes every per-tensor file into `staging`; returns {key: staged path}."""
    staged = {}
    if write_tsv:
        staged["vectors_tsv"] = os.path.join(staging, VECTORS_TSV)
        tsv.write_vectors_tsv(staged["vectors_tsv"], table.vectors)
    if table.metadata is not None:
        staged["metadata"] = os.path.join(staging, METADATA_TSV)
        tsv.write_metadata_tsv(staged["metadata"], table.metadata)
    if marks:
        staged["bookmarks"] = os.path.join(staging, bookmarks_writer.FILENAME)
        bookmarks_writer.write_bookmarks(staged["bookmarks"], marks)
    if standalone_config:
        staged["vectors_bytes"] = os.path.join(staging, standalone.VECTORS_FILE)
        standalone.write_vectors_bytes(staged["vectors_bytes"], table.vectors)
    return staged


def _commit(run_dir, name, table, staged, standalone_config, base_url):
    """Under the run lock: checkpoint first (unreferenced), then renames and configs."""
    tensors = checkpoint.read_tensors(run_dir)
    tensors[name] = table.vectors
    prefix = checkpoint.write_checkpoint(run_dir, tensors)
    try:
        tb_config = tensorboard_config.read_config(run_dir)
        tensorboard_config.put_embedding(
            tb_config,
            name,
            shape=table.vectors.shape,
            metadata_path=f"{name}/{METADATA_TSV}" if "metadata" in staged else None,
            bookmarks_path=f"{name}/{bookmarks_writer.FILENAME}" if "bookmarks" in staged else None,
        )
        sa_config = None
        if standalone_config:
            sa_config = standalone.put_embedding(
                standalone.read_config(run_dir),
                name,
                shape=table.vectors.shape,
                folder=name,
                metadata="metadata" in staged,
                bookmarks="bookmarks" in staged,
                base_url=base_url,
            )
    except BaseException:
        checkpoint.discard_checkpoint(prefix)
        raise
    folder = os.path.join(run_dir, name)
    files = {key: os.path.join(folder, os.path.basename(path)) for key, path in staged.items()}
    files["tensorboard_config"] = os.path.join(run_dir, tensorboard_config.FILENAME)
    if sa_config is not None:
        files["standalone_config"] = os.path.join(run_dir, standalone.FILENAME)
    # Everything below is renames and small writes: Ctrl-C waits until they are all done.
    with interrupts_deferred():
        os.makedirs(folder, exist_ok=True)
        for filename in _OWN_FILES:
            stale = os.path.join(folder, filename)
            if stale not in files.values() and os.path.exists(stale):
                os.unlink(stale)
        for key, path in staged.items():
            os.replace(path, files[key])
        checkpoint.commit_checkpoint(run_dir, prefix)
        tensorboard_config.write_config(run_dir, tb_config)
        if sa_config is not None:
            standalone.write_config(run_dir, sa_config)
        ensure_event_file(run_dir)
    return ExportResult(run_dir=run_dir, name=name, shape=tuple(table.vectors.shape), files=files)


_OWN_FILES = (VECTORS_TSV, METADATA_TSV, bookmarks_writer.FILENAME, standalone.VECTORS_FILE)
