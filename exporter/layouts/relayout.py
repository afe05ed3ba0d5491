"""`add_layouts`: full-data layouts added to an export already on disk, its vectors untouched.

The export's other files are hard-linked into a new version with the new bookmarks,
pictures and `layouts.json` (`exporter.export.replace_bookmarks`): same atomic commit
as an export, and the cost of the layouts only.

Example:
>>> import numpy as np, tempfile
>>> from exporter import export_embeddings
>>> logdir = tempfile.mkdtemp()
>>> _ = export_embeddings(np.random.default_rng(0).normal(size=(40, 8)), [f"w{i}" for i in range(40)],
...                       logdir=logdir, run="demo", name="words", normalize=True)
>>> result = add_layouts(logdir, "demo", "words", "pca", progress=False, report=False)
>>> sorted(key for key in result.files if "layout" in key or "picture" in key)
['layouts', 'picture_pca']
"""

import json

from exporter.run import folder as run_folder
from exporter.errors import ExportError
from exporter.layouts import layout_bookmark, make_layouts, parse_layouts, read_figures, write_layout_files


def add_layouts(logdir, run, name, layouts, *, dims=2, color_by=None, seed=0, progress=True, report=True):
    """Computes `layouts` of export `name` of `logdir/run` and stores them with it; returns its `ExportResult`.

    Args:
      logdir, run, name: the export (see `exporter.run.folder.list_exports`).
      layouts: "tsne,umap" or a list of "tsne", "umap", "pca".
      dims: 2 or 3; color_by: column to colour by (default: the first text column
        with <= 50 values); seed: random seed; progress/report: bars and printed figures.

    A bookmark with the same label (same method and dims) is replaced, others are kept.
    """
    from exporter.export import replace_bookmarks

    methods = parse_layouts(layouts) if isinstance(layouts, str) else tuple(layouts)
    if not methods:
        raise ExportError("no layout to add: pass layouts such as 'tsne,umap' (--layouts tsne,umap)")
    export = run_folder.find_export(logdir, run, name)
    table = run_folder.read_export(logdir, run, name)
    computed = make_layouts(table, methods, dims=dims, color_by=color_by, seed=seed, progress=progress,
                            report=report)
    new = [layout_bookmark(layout, table, color_by) for layout in computed]
    current = []
    if "bookmarks" in export.files:
        with open(export.files["bookmarks"], encoding="utf-8") as f:
            current = json.load(f)
    replaced = {state["label"] for state in new}
    marks = [state for state in current if state.get("label") not in replaced] + new

    def write_files(folder):
        if run_folder.find_export(logdir, run, name).version != export.version:
            raise ExportError(f"export {name!r} was re-exported while its layouts were computed: run this again")
        return write_layout_files(folder, table, computed, color_by, figures=read_figures(export))

    return replace_bookmarks(logdir, run, name, marks, write_files=write_files)
