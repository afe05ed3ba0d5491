"""Full-data layouts: t-SNE, UMAP and PCA of every point, as projector bookmarks, pictures and figures.

The projector lays out a sample (t-SNE 10,000 points, UMAP 5,000) in the browser;
`make_layouts` computes layouts of all N points on the CPU (openTSNE, umap-learn),
and an export stores each as a bookmark "t-SNE (all N points)" that draws every
point where the layout put it, a PNG `layout-<method>.png` and its quality figures
in `layouts.json` (see `quality.py`). Needs the `[layouts]` extra for t-SNE/UMAP.

Example:
>>> import numpy as np
>>> from exporter.table import EmbeddingTable
>>> rng = np.random.default_rng(0)
>>> table = EmbeddingTable.build(rng.normal(size=(200, 8)), {"word": [f"w{i}" for i in range(200)],
...                                                          "kind": ["a", "b"] * 100})
>>> (layout,) = make_layouts(table, ["pca"], progress=False)
>>> layout.label, layout.coordinates.shape, color_column(table.metadata)
('PCA (all 200 points)', (200, 2), 'kind')
>>> layout_bookmark(layout, table)["selectedColorOptionName"]
'kind'
"""

import dataclasses
import json
import os
import sys
import time

import numpy as np
import pandas as pd

from exporter.run import folder as run_folder
from exporter.errors import ExportError
from exporter.layouts.compute import METHODS, compute_layout, parse_layouts
from exporter.layouts.picture import save_picture
from exporter.layouts.quality import layout_quality
from exporter.writers.atomic import write_atomic
from exporter.writers.bookmarks import make_bookmark

__all__ = ["METHODS", "Layout", "color_column", "compute_layout", "label_column", "layout_bookmark",
           "layout_quality", "make_layouts", "parse_layouts", "read_figures", "write_layout_files"]

#: The projector offers a text column for colouring only up to this many values.
MAX_CATEGORIES = 50


@dataclasses.dataclass(frozen=True)
class Layout:
    """One computed layout: `method` ("tsne", "umap", "pca"), (N, dims) `coordinates`,
    `quality` (see `layout_quality`) and the `seconds` it took."""

    method: str
    coordinates: np.ndarray
    quality: dict
    seconds: float = 0.0
    seed: int = 0
    metric: str = "cosine"

    @property
    def label(self):
        """The bookmark label, e.g. "t-SNE (all 20,000 points)", "UMAP 3-D (all 500 points)"."""
        three_d = " 3-D" if self.coordinates.shape[1] == 3 else ""
        return f"{METHODS[self.method]}{three_d} (all {len(self.coordinates):,} points)"

    def summary(self):
        """One line: label, seconds and quality figures."""
        q = self.quality
        line = f"{self.label}: {self.seconds:.1f} s, 10-NN kept {q['knn_preservation']:.1%}"
        if "label_agreement_layout" in q:
            line += (f", {q['label_column']} agreement {q['label_agreement_layout']:.1%} "
                     f"(original space {q['label_agreement_original']:.1%})")
        return line


def make_layouts(table, layouts, *, dims=2, color_by=None, seed=0, init=None, progress=True, report=True):
    """Computes (or checks) each layout of `table` and measures its quality.

    Args:
      table: the `EmbeddingTable` being exported.
      layouts: method names ("tsne", "umap", "pca"; a "tsne,umap" string works)
        and/or ready `Layout`s of this table (kept as they are).
      dims: 2 or 3; color_by: the metadata column whose 10-NN agreement is
        measured (default: `color_column`); seed: random seed.
      init: {method: (N, dims) array}: starting layouts (e.g. the previous epoch's).
      progress: tqdm bars per stage; report: print each layout's `summary()`.

    Returns:
      A list of `Layout`, in the order given.
    """
    if isinstance(layouts, str):
        layouts = parse_layouts(layouts)
    column = color_column(table.metadata, color_by)
    labels = None
    if column is not None and table.metadata[column].nunique() <= MAX_CATEGORIES:
        labels = table.metadata[column].to_numpy()
    done = []
    for item in layouts:
        if isinstance(item, Layout):
            if len(item.coordinates) != table.num_points:
                raise ExportError(f"layout {item.label!r} has {len(item.coordinates)} points, the tensor has "
                                  f"{table.num_points}: compute it from the exported table")
            done.append(item)
            continue
        method = parse_layouts(item)[0] if item not in METHODS else item
        start = time.perf_counter()
        coords = compute_layout(table.vectors, method, dims=dims, seed=seed, progress=progress,
                                init=(init or {}).get(method))
        seconds = time.perf_counter() - start
        quality = layout_quality(table.vectors, coords, labels, seed=seed)
        if labels is not None:
            quality["label_column"] = column
        done.append(Layout(method, coords, quality, seconds, seed))
        if report:
            print(done[-1].summary(), file=sys.stderr, flush=True)
    return done


def layout_bookmark(layout, table, color_by=None):
    """The projector state drawing `layout`, coloured by `color_column` and labelled by `label_column`.

    Coordinates are stored as the "umap" projection whatever the method: a state
    selecting "tsne" makes the projector restart t-SNE on a sample.
    """
    return make_bookmark(layout.label, layout.coordinates, projection="pca" if layout.method == "pca" else "umap",
                         color_by=color_column(table.metadata, color_by), label_by=label_column(table.metadata))


def write_layout_files(folder, table, layouts, color_by=None, figures=None):
    """Writes `layout-<method>.png` per layout and `layouts.json` into `folder`.

    Args:
      folder: the export's staging folder; table, layouts, color_by: as for `make_layouts`.
      figures: the export's current `read_figures()`, kept for methods not recomputed.

    Returns:
      {key of `exporter.run.folder.FILE_NAMES`: path written}.
    """
    if not layouts:
        return {}
    column = color_column(table.metadata, color_by)
    colors = None if column is None else table.metadata[column]
    files, figures = {}, dict(figures or {})
    for layout in layouts:
        key = f"picture_{layout.method}"
        path = os.path.join(folder, run_folder.FILE_NAMES[key])
        title = f"{layout.label}: 10-NN kept {layout.quality['knn_preservation']:.0%}"
        save_picture(path, layout.coordinates, title, colors)
        files[key] = path
        figures[layout.method] = {"label": layout.label, "dims": layout.coordinates.shape[1],
                                  "metric": "euclidean" if layout.method == "pca" else layout.metric,
                                  "seed": layout.seed, "seconds": round(layout.seconds, 2),
                                  "picture": os.path.basename(path), **layout.quality}
    files["layouts"] = os.path.join(folder, run_folder.LAYOUTS_JSON)
    write_atomic(files["layouts"], json.dumps(figures, indent=1) + "\n")
    return files


def read_figures(export):
    """{method: figures} from the `layouts.json` of an `exporter.run.folder.Export` ({} if it has none)."""
    path = export.files.get("layouts")
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def color_column(metadata, color_by=None):
    """`color_by` if given (checked), else the first text column with 2..50 distinct values that repeat, else None."""
    columns = [] if metadata is None else list(metadata.columns)
    if color_by is not None:
        if color_by not in columns:
            raise ExportError(f"cannot colour by {color_by!r}: metadata columns are {columns}: pass one of them")
        return color_by
    for name in columns:
        distinct = metadata[name].nunique()
        if 2 <= distinct <= MAX_CATEGORIES and distinct < len(metadata) and not _numeric(metadata[name]):
            return name
    return None


def label_column(metadata):
    """The column points are labelled by: the first text column (as the projector picks), else the first."""
    if metadata is None:
        return None
    return next((name for name in metadata.columns if not _numeric(metadata[name])), metadata.columns[0])


def _numeric(column):
    # The projector turns every cell that parses as a number into a number.
    return bool(pd.to_numeric(column.astype(str), errors="coerce").notna().all())
