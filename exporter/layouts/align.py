"""`align_to`: lay out an export in the frame of an earlier export of the same run, same rows.

Before/after fine-tuning, two unrelated layouts put every point somewhere else. An
aligned layout starts t-SNE and UMAP from the earlier export's layout of the same
method (as the callback's snapshots do) and rotates the result onto it (Procrustes),
so a point that did not change stays where it was; PCA is rotated onto the earlier
PCA. The column `neighbours_kept` says, per point, which share of its 10 nearest
neighbours in the earlier export are still among its 10 nearest now.

Example:
>>> import numpy as np, tempfile
>>> from exporter import export_embeddings
>>> logdir, rng = tempfile.mkdtemp(), np.random.default_rng(0)
>>> before = rng.normal(size=(60, 64))
>>> _ = export_embeddings(before, [f"w{i}" for i in range(60)], logdir=logdir, run="r", name="before")
>>> after = export_embeddings(before, [f"w{i}" for i in range(60)], logdir=logdir, run="r", name="after",
...                           align_to="before")
>>> from exporter.run.folder import read_export
>>> read_export(logdir, "r", "after").metadata["neighbours_kept"].astype(float).tolist() == [1.0] * 60
True
"""

import dataclasses

import numpy as np
import pandas as pd

from exporter.errors import ExportError
from exporter.layouts.quality import K
from exporter.layouts.settings import METHODS
from exporter.run import folder as run_folder

#: The metadata column an aligned export gets.
KEPT_COLUMN = "neighbours_kept"


@dataclasses.dataclass(frozen=True)
class Alignment:
    """The earlier export's layouts, reordered to this export's rows, and `neighbours_kept` per row.

    Attributes:
      name: the earlier export. layouts: {bookmark label: (method, (N, dims) coordinates)}.
      neighbours_kept: (N,) shares in [0, 1].
    """

    name: str
    layouts: dict
    neighbours_kept: np.ndarray

    def start(self, label, spec):
        """The earlier layout for `spec`: the one of the same label, else of the same method and dims."""
        if label in self.layouts:
            return self.layouts[label][1]
        dims = spec.get("dims")
        for method, coords in self.layouts.values():
            if method == spec.method and coords.shape[1] == dims:
                return coords
        raise ExportError(f"export {self.name!r} has no {METHODS[spec.method]} layout of {dims} dims to align "
                          f"{spec.describe()!r} to: add one (projector-export layout --name {self.name} --layouts "
                          f"{spec}) or leave --align-to out")

    def fit(self, coords, start, spec):
        """`coords` rotated (and for t-SNE/UMAP, whose scale means nothing, scaled) onto `start`."""
        from scipy.linalg import orthogonal_procrustes

        ours, theirs = coords - coords.mean(axis=0), start - start.mean(axis=0)
        rotation, singular = orthogonal_procrustes(ours, theirs)
        scale = 1.0 if spec.method == "pca" else singular / max(float((ours**2).sum()), 1e-30)
        return (ours @ rotation * scale + start.mean(axis=0)).astype(np.float32)


def align_to(logdir, run, name, table, align_on=None):
    """The `Alignment` of `table` (the export being written) to export `name` of `logdir/run`.

    Args:
      align_on: a metadata column whose values name the same rows in both exports
        (unique in each); None matches rows by position.
    """
    earlier = run_folder.find_export(logdir, run, name)
    order = _row_order(earlier, name, table, align_on)
    layouts = {}
    for state in _bookmarks(earlier):
        coords = _coordinates(state)
        if coords is not None and len(coords) == len(order):
            method = "pca" if state.get("selectedProjection") == "pca" else _method_of(state.get("label", ""))
            layouts[state.get("label")] = (method, coords[order])
    vectors = np.asarray(run_folder.read_vectors(earlier))[order]
    return Alignment(name, layouts, neighbours_kept(vectors, table.vectors))


def neighbours_kept(before, after, k=K):
    """Per row: the share of its k nearest (cosine) in `before` still among its k nearest in `after`."""
    from exporter.layouts.neighbours import neighbour_graph

    k = min(k, len(before) - 1)
    old = neighbour_graph(before, k, progress=False).indices
    new = neighbour_graph(after, k, progress=False).indices
    hits = (old[:, :, None] == new[:, None, :]).any(axis=2).sum(axis=1)
    return np.round(hits / k, 4)


def with_kept_column(table, alignment):
    """`table` with the `neighbours_kept` column added to its metadata (replacing one of that name)."""
    from exporter.table import EmbeddingTable

    # Without other columns, a row number keeps the file's header (a one-column file has none).
    metadata = pd.DataFrame({"index": np.arange(table.num_points)}) if table.metadata is None else table.metadata.copy()
    metadata[KEPT_COLUMN] = alignment.neighbours_kept
    return EmbeddingTable(table.vectors, metadata)


def _row_order(earlier, name, table, align_on):
    """Rows of the earlier export, in the order of `table`'s rows."""
    n = earlier.shape[0]
    if align_on is None:
        if n != table.num_points:
            raise ExportError(f"cannot align to {name!r}: it has {n:,} points, this export {table.num_points:,}: "
                              "align exports of the same rows, or match them by a key column with --align-on COL")
        return np.arange(n)
    theirs = run_folder.read_metadata(earlier)
    for what, frame in (("this export", table.metadata), (repr(name), theirs)):
        if frame is None or align_on not in frame.columns:
            columns = [] if frame is None else list(frame.columns)
            raise ExportError(f"cannot align on {align_on!r}: {what} has no such column (its columns: {columns}): "
                              "pass a column both exports have")
        if frame[align_on].duplicated().any():
            raise ExportError(f"cannot align on {align_on!r}: its values repeat in {what}: pass a key column")
    position = pd.Series(np.arange(len(theirs)), index=theirs[align_on].astype(str))
    keys = table.metadata[align_on].astype(str)
    missing = ~keys.isin(position.index)
    if missing.any() or len(theirs) != len(keys):
        raise ExportError(f"cannot align on {align_on!r}: the exports hold other rows ({int(missing.sum())} keys "
                          f"of this export are not in {name!r}, which has {len(theirs):,} rows): align the same rows")
    return position[keys].to_numpy()


def _bookmarks(export):
    from exporter.layouts.stored import read_json

    path = export.files.get("bookmarks")
    states = [] if path is None else read_json(path, export.shape[0], "bookmarks")
    return [state for state in states if isinstance(state, dict)]


def _coordinates(state):
    """(N, dims) float64 of a stored state's umap/pca projections, or None."""
    projections = state.get("projections")
    prefix = "pca" if state.get("selectedProjection") == "pca" else "umap"
    if not isinstance(projections, list) or not projections or not isinstance(projections[0], dict):
        return None
    keys = [f"{prefix}-{i}" for i in range(3) if f"{prefix}-{i}" in projections[0]]
    try:
        coords = np.array([[float(p[key]) for key in keys] for p in projections])
    except (KeyError, TypeError, ValueError):
        return None
    return coords if coords.shape[1] in (2, 3) and np.isfinite(coords).all() else None


def _method_of(label):
    return next((method for method, shown in METHODS.items() if label.startswith(shown)), "umap")

