"""Full-data layouts: t-SNE, UMAP and PCA of every point, as projector bookmarks, pictures and figures.

The projector lays out a sample (t-SNE 10,000 points, UMAP 5,000) in the browser;
`make_layouts` computes layouts of all N points on the CPU (openTSNE, umap-learn),
each with its own settings (`settings.py`: "tsne:perplexity=5"), and an export
stores each as a bookmark "t-SNE perplexity 5 (all N points)" that draws every
point where the layout put it, a PNG `layout-<key>.png` and its quality figures
in `layouts.json` (see `quality.py`). The neighbour graph is found once and shared
by every t-SNE and UMAP (`neighbours.py`); `align.py` lays an export out in the
frame of an earlier one. Needs the `[layouts]` extra for t-SNE/UMAP.

Example:
>>> import numpy as np
>>> from exporter.table import EmbeddingTable
>>> rng = np.random.default_rng(0)
>>> table = EmbeddingTable.build(rng.normal(size=(200, 8)), {"word": [f"w{i}" for i in range(200)],
...                                                          "kind": ["a", "b"] * 100})
>>> (layout,) = make_layouts(table, ["pca"], progress=False)
>>> layout.label, layout.coordinates.shape, color_column(table.metadata)
('PCA (all 200 points)', (200, 2), 'kind')
>>> [layout.label for layout in make_layouts(table, "tsne:perplexity=5,umap:neighbors=5", progress=False,
...                                          report=False)]
['t-SNE perplexity 5 (all 200 points)', 'UMAP neighbors 5 (all 200 points)']
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

from exporter.errors import ExportError
from exporter.layouts.compute import as_spec, check_matrix, compute_layout, distinct_rows, library_seed
from exporter.layouts.neighbours import needed_neighbours, neighbour_graph
from exporter.layouts.picture import save_picture
from exporter.layouts.quality import layout_quality
from exporter.layouts.settings import METHODS, SETTINGS, LayoutSpec, parse_layouts
from exporter.run import folder as run_folder
from exporter.writers.atomic import write_atomic
from exporter.writers.bookmarks import make_bookmark

__all__ = ["METHODS", "SETTINGS", "Layout", "LayoutSpec", "color_column", "compute_layout", "label_column",
           "layout_bookmark", "layout_quality", "make_layouts", "parse_layouts", "read_figures",
           "write_layout_files"]

#: The projector offers a text column for colouring only up to this many values.
MAX_CATEGORIES = 50


@dataclasses.dataclass(frozen=True)
class Layout:
    """One computed layout: its `spec` (a `LayoutSpec`, or text such as "tsne"), (N, dims) `coordinates`,
    `quality` (see `layout_quality`) and the `seconds` it took."""

    spec: LayoutSpec
    coordinates: np.ndarray
    quality: dict
    seconds: float = 0.0
    seed: int = 0
    metric: str = "cosine"

    def __post_init__(self):
        object.__setattr__(self, "spec", as_spec(self.spec).with_dims(self.coordinates.shape[1]))

    @property
    def method(self):
        return self.spec.method

    @property
    def label(self):
        """The bookmark label: "t-SNE (all 20,000 points)", "t-SNE perplexity 5 (all 20,000 points)"."""
        return f"{self.spec.describe()} (all {len(self.coordinates):,} points)"

    def summary(self):
        """One line: label, seconds and quality figures."""
        q = self.quality
        line = f"{self.label}: {self.seconds:.1f} s, 10-NN kept {q['knn_preservation']:.1%}"
        if "label_agreement_layout" in q:
            line += (f", {q['label_column']} agreement {q['label_agreement_layout']:.1%} "
                     f"(original space {q['label_agreement_original']:.1%})")
        return line


def make_layouts(table, layouts, *, dims=2, color_by=None, seed=0, init=None, align=None, progress=True,
                 report=True):
    """Computes (or checks) each layout of `table` and measures its quality on the coordinates stored.

    Args:
      table: the `EmbeddingTable` being exported.
      layouts: `LayoutSpec`s or their text ("tsne", "umap:neighbors=5"; a "tsne,umap" string
        works) and/or ready `Layout`s of this table (kept as they are).
      dims: 2 or 3 (for specs without their own); color_by: the metadata column whose 10-NN
        agreement is measured (default: `color_column`); seed: random seed (any whole number).
      init: {spec key or method: (N, dims) array}: starting layouts (e.g. the previous epoch's).
      align: an `exporter.layouts.align.Alignment`: start from and rotate onto its layouts.
      progress: tqdm bars per stage; report: print each layout's `summary()`.

    Returns:
      A list of `Layout`, in the order given.
    """
    items = parse_layouts(layouts) if isinstance(layouts, str) else list(layouts)
    items = [item if isinstance(item, Layout) else as_spec(item).with_dims(dims) for item in items]
    specs = [item for item in items if isinstance(item, LayoutSpec)]
    library_seed(seed)
    for spec in specs:  # every refusal before any work
        check_matrix(table.vectors, spec)
    distinct = distinct_rows(np.ascontiguousarray(table.vectors, dtype=np.float32))[0]
    k = needed_neighbours(specs, len(distinct))
    graph = neighbour_graph(distinct, k, seed=library_seed(seed), progress=progress) if k else None
    labels, column = _agreement_labels(table, color_by)
    done = []
    for item in items:
        if isinstance(item, Layout):
            if len(item.coordinates) != table.num_points:
                raise ExportError(f"layout {item.label!r} has {len(item.coordinates)} points, the tensor has "
                                  f"{table.num_points}: compute it from the exported table")
            done.append(item)
            continue
        done.append(_make_one(table, item, graph, labels, column, seed, init, align, progress))
        if report:
            print(done[-1].summary(), file=sys.stderr, flush=True)
    return done


def _make_one(table, spec, graph, labels, column, seed, init, align, progress):
    label = Layout(spec, np.zeros((table.num_points, spec.get("dims"))), {}).label
    target = None if align is None else align.start(label, spec)
    start = (init or {}).get(spec.key, (init or {}).get(spec.method)) if target is None else target
    began = time.perf_counter()
    coords = compute_layout(table.vectors, spec, seed=seed, progress=progress, graph=graph,
                            init=None if spec.method == "pca" else start)
    if target is not None:
        coords = align.fit(coords, target, spec)
    seconds = time.perf_counter() - began
    quality = layout_quality(table.vectors, coords, labels, seed=library_seed(seed))  # what is stored
    if labels is not None:
        quality["label_column"] = column
    return Layout(spec, coords, quality, seconds, seed)


def _agreement_labels(table, color_by):
    column = color_column(table.metadata, color_by)
    if column is not None and table.metadata[column].nunique() <= MAX_CATEGORIES:
        return table.metadata[column].to_numpy(), column
    return None, column


def layout_bookmark(layout, table, color_by=None):
    """The projector state drawing `layout`, coloured by `color_column` and labelled by `label_column`.

    Coordinates are stored as the "umap" projection whatever the method: a state
    selecting "tsne" makes the projector restart t-SNE on a sample.
    """
    return make_bookmark(layout.label, layout.coordinates, projection="pca" if layout.method == "pca" else "umap",
                         color_by=color_column(table.metadata, color_by), label_by=label_column(table.metadata))


def write_layout_files(folder, table, layouts, color_by=None, figures=None):
    """Writes `layout-<key>.png` per layout and `layouts.json` into `folder`.

    Args:
      folder: the export's staging folder; table, layouts, color_by: as for `make_layouts`.
      figures: the export's current `read_figures()`, kept for layouts not recomputed.

    Returns:
      {"picture_<key>" or "layouts": path written} (`exporter.run.folder.picture_name`).
    """
    if not layouts:
        return {}
    column = color_column(table.metadata, color_by)
    colors = None if column is None else table.metadata[column]
    files, figures = {}, dict(figures or {})
    for layout in layouts:
        key = f"picture_{layout.spec.key}"
        path = os.path.join(folder, run_folder.picture_name(layout.spec.key))
        title = f"{layout.label}: 10-NN kept {layout.quality['knn_preservation']:.0%}"
        save_picture(path, layout.coordinates, title, colors)
        files[key] = path
        figures[layout.spec.key] = {"label": layout.label, "method": layout.method, "layout": str(layout.spec),
                                    "settings": _settings(layout.spec), "dims": layout.coordinates.shape[1],
                                  "metric": "euclidean" if layout.method == "pca" else layout.metric,
                                  "seed": layout.seed, "seconds": round(layout.seconds, 2),
                                  "picture": os.path.basename(path), **layout.quality}
    files["layouts"] = os.path.join(folder, run_folder.LAYOUTS_JSON)
    write_atomic(files["layouts"], json.dumps(figures, indent=1) + "\n")
    return files


def read_figures(export):
    """{layout key: figures} from the `layouts.json` of an `exporter.run.folder.Export` ({} if it has none)."""
    from exporter.layouts.stored import read_json

    path = export.files.get("layouts")
    return read_json(path, export.shape[0], "layouts") if path else {}


def _settings(spec):
    """Every setting of `spec` with the value used (None: the library's choice, e.g. t-SNE's learning rate)."""
    return {key: spec.get(key) for key in SETTINGS[spec.method]}


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
