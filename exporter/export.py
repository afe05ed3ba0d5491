"""`export_embeddings`: vectors + metadata in, a run TensorBoard and the standalone projector load.

Example:
>>> import numpy as np, tempfile
>>> logdir = tempfile.mkdtemp()
>>> result = export_embeddings(
...     np.eye(3, 4), ["cat", "dog", "cow"], logdir=logdir, run="demo", name="animals")
>>> sorted(result.files)
['bookmarks', 'metadata', 'vectors_bytes', 'vectors_tsv']

Then `tensorboard --logdir <logdir>` shows tensor "animals" in run "demo".

Every write goes stage -> lock -> commit: the files of a new version are written into
a staging folder, which becomes `projector-export/<name>/v<N>/` under the run lock;
then the standalone JSON and TensorBoard's config are renamed into place, the
latter being the commit point. A kill at any instant leaves each export entirely
old or entirely new; the next export or removal in the run finishes the clean-up
(`exporter.run.commit` does the commit; `exporter.run.folder` describes the run folder).
"""

import collections.abc
import dataclasses
import os
import warnings

from exporter.errors import ExportError, ExportWarning
from exporter.export_options import ExportOptions, bookmark_list
from exporter.inside_folder import resolve_inside
from exporter.layouts import Layout, align, layout_bookmark, make_layouts, write_layout_files
from exporter.layouts.stored import check_bookmarks_file
from exporter.projector_rules import NUMBER_LIKE_FIX, TENSORBOARD_MAX_POINTS, describe_number_like
from exporter.run import commit
from exporter.run import folder as run_folder
from exporter.run.commit import binary_misread_as_text
from exporter.run.folder import Export, resolve_run_dir, safe_tensor_name
from exporter.run.lock import run_lock
from exporter.run.standalone_config import write_vectors_bytes
from exporter.table import SPHEREIZE_MIN_DIM, EmbeddingTable
from exporter.vectors import pca_coordinates
from exporter.writers import bookmarks as bookmarks_writer
from exporter.writers import tsv

__all__ = ["ExportOptions", "Export", "export_embeddings", "export_table", "remove_export", "replace_bookmarks",
           "resolve_run_dir", "safe_tensor_name", "upgrade_run"]

# Above this, squares summed over 100,000 points overflow float32 in the browser's PCA.
_BROWSER_PCA_LIMIT = 1e15


def export_embeddings(vectors, metadata=None, *, logdir="logdir", run="default", name="embedding",
                      drop_nonfinite=False, unicode_errors="strict", options=None, **option_keywords):
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
      options: an `ExportOptions` (default: its defaults).
      **option_keywords: fields of `ExportOptions` by name (normalize=, max_points=, ...),
        replacing those of `options`.

    Returns:
      A frozen `Export` (with `dropped_rows`). Raises `ExportError` (nothing written) on input the
      projector cannot load correctly, or on contradictory arguments.
    """
    options = ExportOptions.from_keywords(option_keywords, options)
    if isinstance(vectors, EmbeddingTable):
        if metadata is not None or drop_nonfinite or unicode_errors != "strict":
            raise ExportError("an EmbeddingTable carries its own metadata and finite rows: pass metadata=, "
                              "drop_nonfinite= and unicode_errors= to EmbeddingTable.build, or pass the vectors "
                              "instead of the table")
        table, dropped = vectors, 0
    else:
        if isinstance(vectors, collections.abc.Iterator):  # counted and read once
            vectors = list(vectors)
        table = EmbeddingTable.build(vectors, metadata, drop_nonfinite=drop_nonfinite, unicode_errors=unicode_errors)
        dropped = _row_count(vectors) - table.num_points
    result = export_table(table, options, logdir=logdir, run=run, name=name)
    return dataclasses.replace(result, dropped_rows=dropped)


def export_table(table, options=None, *, logdir="logdir", run="default", name="embedding", **option_keywords):
    """Writes an `EmbeddingTable` as tensor `name` of `logdir/run`, replacing an export of that name.

    Args:
      table: the `EmbeddingTable`.
      options: an `ExportOptions`: how to write it (default: its defaults).
      logdir, run, name: where: `logdir/run`, tensor `name`.
      **option_keywords: fields of `ExportOptions` by name, replacing those of `options`.

    Returns:
      A frozen `Export`.
    """
    options = ExportOptions.from_keywords(option_keywords, options)
    name = safe_tensor_name(name)
    run_dir = resolve_run_dir(logdir, run)
    table = sampled_table(table, options)
    if options.max_points is None and table.num_points > TENSORBOARD_MAX_POINTS:
        warnings.warn(
            f"{name}: {table.num_points} points, but TensorBoard shows only the first "
            f"{TENSORBOARD_MAX_POINTS}: view them all with `projector-export serve LOGDIR`, "
            "or pass max_points / --max-points to sample down",
            ExportWarning,
            stacklevel=2,
        )
    _warn_about_values(table, name, options.normalize)
    if options.normalize:
        table = table.normalized()
    marks = list(options.bookmarks)
    _check_bookmarks(marks, table.num_points)  # before minutes of layouts
    table, alignment = _aligned(logdir, run, table, options)
    computed = make_layouts(table, options.layouts, color_by=options.color_by, seed=options.seed, align=alignment)
    if options.pca_bookmark and not any(layout.method == "pca" for layout in computed):
        marks.insert(0, layout_bookmark(_pca_layout(table, alignment), table, options.color_by))
    marks += [layout_bookmark(layout, table, options.color_by) for layout in computed]
    with commit.staging(run_dir) as staging:
        files, tensor_key = _write_files(staging, table, marks, computed, name, options)
        version = commit.Version(name, staging, tuple(table.vectors.shape), tensor_key, sorted(files),
                                 options.standalone_config, _url_prefix(options.base_url))
        with run_lock(run_dir):
            return commit.commit(run_dir, add=[version])[0]


def sampled_table(table, options):
    """The rows of `table` an export with `options` writes: all, or a sample of `options.max_points`."""
    if options.max_points is not None and table.num_points > options.max_points:
        return table.sample(options.max_points, stratify=options.stratify, seed=options.seed)
    return table


def written_table(table, options):
    """`table` as an export with `options` writes it (sampled, scaled to unit length if asked): what it lays out."""
    table = sampled_table(table, options)
    return table.normalized() if options.normalize else table


def _aligned(logdir, run, table, options):
    """(`table` with `neighbours_kept`, its `Alignment`) for `options.align_to`, else (`table`, None)."""
    if options.align_to is None:
        return table, None
    alignment = align.align_to(logdir, run, safe_tensor_name(options.align_to), table, options.align_on)
    return align.with_kept_column(table, alignment), alignment


def _pca_layout(table, alignment):
    """The "PCA (all N points)" layout, rotated onto the earlier export's PCA when aligned."""
    pca = Layout("pca", pca_coordinates(table.vectors, dims=2), {})
    if alignment is None or pca.label not in alignment.layouts:
        return pca
    start = alignment.start(pca.label, pca.spec)
    return dataclasses.replace(pca, coordinates=alignment.fit(pca.coordinates, start, pca.spec))


def _warn_about_values(table, name, normalize):
    """Hints about values the projector shows badly, before they are written."""
    peak = max(float(table.vectors.max()), -float(table.vectors.min()))  # no |x| copy of the matrix
    if peak > _BROWSER_PCA_LIMIT:
        warnings.warn(
            f"{name}: values reach {peak:.3g}: the projector's PCA sums squares in float32 and draws "
            "nothing past ~1e19: rescale the vectors or pass normalize=True / --normalize",
            ExportWarning,
            stacklevel=3,
        )
    changed = table.number_like_cells()
    if changed:
        warnings.warn(f"{name}: {describe_number_like(changed, 'row')}: {NUMBER_LIKE_FIX}", ExportWarning, stacklevel=3)
    if not normalize and table.dim < SPHEREIZE_MIN_DIM:
        warnings.warn(
            f"{name}: hint: with D={table.dim} < {SPHEREIZE_MIN_DIM} the projector does not sphereize, "
            "and its t-SNE/UMAP neighbours assume unit vectors: consider normalize=True / --normalize",
            ExportWarning,
            stacklevel=3,
        )


def _write_files(staging, table, marks, computed, name, options):
    """Writes the export's files into `staging`: ({key: path}, the key of the tensor TensorBoard reads)."""
    files = {"vectors_bytes": os.path.join(staging, run_folder.VECTORS_BYTES)}
    write_vectors_bytes(files["vectors_bytes"], table.vectors)
    tensor_key = "vectors_bytes"
    if binary_misread_as_text(table.vectors):
        tensor_key = "vectors_tsv"  # TensorBoard would parse vectors.bytes as text and fail
        warnings.warn(f"{name}: its raw float32 bytes begin like a line of text, which TensorBoard would "
                      "parse as numbers: it reads vectors.tsv instead (slower to load)", ExportWarning,
                      stacklevel=3)
    if options.write_tsv or tensor_key == "vectors_tsv":
        files["vectors_tsv"] = os.path.join(staging, run_folder.VECTORS_TSV)
        tsv.write_vectors_tsv(files["vectors_tsv"], table.vectors)
    if table.metadata is not None:
        files["metadata"] = os.path.join(staging, run_folder.METADATA_TSV)
        tsv.write_metadata_tsv(files["metadata"], table.metadata)
    if marks:
        files["bookmarks"] = os.path.join(staging, run_folder.BOOKMARKS_JSON)
        bookmarks_writer.write_bookmarks(files["bookmarks"], marks, table.vectors.shape)
    files.update(write_layout_files(staging, table, computed, options.color_by))
    return files, tensor_key


def replace_bookmarks(logdir, run, name, bookmarks, write_files=None):
    """Replaces the bookmarks of export `name` of `logdir/run`, nothing else; returns its `Export`.

    The new version hard-links the export's other files (no copy), so this costs the
    size of the bookmarks only.

    Args:
      logdir, run, name: the export.
      bookmarks: the complete new list of `make_bookmark` states (empty: no bookmarks),
        each with one projection per point.
      write_files: optional `write_files(folder) -> {key of run_folder.FILE_NAMES: path}`, called
        under the lock to write files (layout pictures) that replace the current ones of those keys.
    """
    run_dir = resolve_run_dir(logdir, run)
    name = safe_tensor_name(name)
    with commit.staging(run_dir) as staging:
        with run_lock(run_dir):
            current = run_folder.find_export(logdir, run, name)
            bookmarks = bookmark_list(bookmarks)
            _check_bookmarks(bookmarks, current.shape[0])
            if current.version is None:
                raise ExportError(f"export {name!r} has the older checkpoint format: re-export it first")
            files = write_files(staging) if write_files else {}
            for key, path in current.files.items():
                if key != "bookmarks" and key not in files:
                    if resolve_inside(run_dir, path) is None:  # a version folder that is a symlink out
                        raise ExportError(f"{path} lies outside {run_dir} (a symlink?): nothing outside the "
                                          f"logdir is linked into an export: re-export {name!r}")
                    files[key] = os.path.join(staging, os.path.basename(path))
                    os.link(path, files[key], follow_symlinks=False)
            if bookmarks:
                files["bookmarks"] = os.path.join(staging, run_folder.BOOKMARKS_JSON)
                bookmarks_writer.write_bookmarks(files["bookmarks"], list(bookmarks), current.shape)
                check_bookmarks_file(files["bookmarks"], current.shape[0])  # as `validate` will read it
            entry = next(e for e in run_folder.read_tensorboard_config(run_dir).embeddings if e.tensor_name == name)
            tensor_key = "vectors_tsv" if entry.tensor_path.endswith(run_folder.VECTORS_TSV) else "vectors_bytes"
            listed = commit.standalone_prefix(run_folder.read_standalone_config(run_dir), name)
            version = commit.Version(name, staging, current.shape, tensor_key, sorted(files), listed is not None,
                               listed or "")
            return commit.commit(run_dir, add=[version])[0]


def remove_export(logdir, run, name):
    """Removes export `name` from `logdir/run`: its entries in both configs, then its files."""
    run_dir = resolve_run_dir(logdir, run)
    name = safe_tensor_name(name)
    with run_lock(run_dir):
        commit.commit(run_dir, remove=[name])


def upgrade_run(logdir, run):
    """Converts the exports of `logdir/run` kept in the older format (a TensorFlow checkpoint) to tensor files.

    Reading that checkpoint needs TensorFlow, once. Any export into such a run does the
    same; this converts without exporting. Returns the names converted.
    """
    run_dir = resolve_run_dir(logdir, run)
    with run_lock(run_dir):
        if run_folder.legacy_checkpoint(run_dir) is None:
            return []
        names = [e.tensor_name for e in run_folder.read_tensorboard_config(run_dir).embeddings if not e.tensor_path]
        commit.commit(run_dir)
        return names


def _check_bookmarks(marks, num_points):
    for i, mark in enumerate(marks):
        projections = mark.get("projections") if isinstance(mark, dict) else None
        if not isinstance(mark.get("label") if isinstance(mark, dict) else None, str) or \
                not isinstance(projections, (list, tuple)) or not all(isinstance(p, dict) for p in projections):
            raise ExportError(f"bookmark {i} ({str(mark)[:40]}...) is not a projector state (a dict with a text "
                              "'label' and one 'projections' dict per point): make it with exporter.make_bookmark")
        if len(projections) != num_points:
            raise ExportError(f"bookmark {mark['label']!r} has {len(projections)} points, "
                              f"the tensor has {num_points}")


def _url_prefix(base_url):
    return base_url.rstrip("/") + "/" if base_url else ""


def _row_count(vectors):
    return len(vectors.numpy() if hasattr(vectors, "numpy") else vectors)


