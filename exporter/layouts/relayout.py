"""`add_layouts`: full-data layouts added to an export already on disk, its vectors untouched.

The export's other files are hard-linked into a new version with the new bookmarks,
pictures and `layouts.json` (`exporter.export.replace_bookmarks`): same atomic commit
as an export, and the cost of the layouts only. What is on disk is checked first
(`stored.read_checked`): an edited or hostile file is one error line, never a new version.

Example:
>>> import numpy as np, tempfile
>>> from exporter import export_embeddings
>>> logdir = tempfile.mkdtemp()
>>> _ = export_embeddings(np.random.default_rng(0).normal(size=(40, 8)), [f"w{i}" for i in range(40)],
...                       logdir=logdir, run="demo", name="words", normalize=True)
>>> result = add_layouts(logdir, "demo", "words", "pca,pca:dims=3", progress=False, report=False)
>>> sorted(key for key in result.files if "layout" in key or "picture" in key)
['layouts', 'picture_pca', 'picture_pca-3d']
"""

import os

from exporter.errors import ExportError
from exporter.layouts import layout_bookmark, make_layouts, parse_layouts, write_layout_files
from exporter.layouts.stored import read_checked
from exporter.run import folder as run_folder


def add_layouts(logdir, run, name, layouts, *, dims=2, color_by=None, seed=0, align_to=None, align_on=None,
                progress=True, report=True):
    """Computes `layouts` of export `name` of `logdir/run` and stores them with it; returns its `Export`.

    Args:
      logdir, run, name: the export (see `exporter.run.folder.list_exports`).
      layouts: "tsne:perplexity=5,umap" or a list of such items / `LayoutSpec`s.
      dims: 2 or 3 (for items without their own); color_by: column to colour by (default: the
        first text column with <= 50 values); seed: random seed; progress/report: bars and figures.
      align_to, align_on: lay out in the frame of export `align_to` of the same run
        (`exporter.layouts.align`); its metadata gains the column `neighbours_kept`.

    A bookmark with the same label (same method and settings) is replaced, others are kept.
    """
    from exporter.export import replace_bookmarks

    specs = parse_layouts(layouts)
    if not specs:
        raise ExportError("no layout to add: pass layouts such as 'tsne,umap' (--layouts tsne,umap)")
    export, table, current, figures = read_checked(logdir, run, name)
    alignment = None
    if align_to is not None:
        from exporter.layouts.align import align_to as find_alignment, with_kept_column

        alignment = find_alignment(logdir, run, align_to, table, align_on)
        table = with_kept_column(table, alignment)
    computed = make_layouts(table, specs, dims=dims, color_by=color_by, seed=seed, align=alignment,
                            progress=progress, report=report)
    new = [layout_bookmark(layout, table, color_by) for layout in computed]
    replaced = {state["label"] for state in new}
    marks = [state for state in current if state.get("label") not in replaced] + new

    def write_files(folder):
        from exporter.writers.tsv import write_metadata_tsv

        if run_folder.find_export(logdir, run, name).version != export.version:
            raise ExportError(f"export {name!r} was re-exported while its layouts were computed: run this again")
        files = write_layout_files(folder, table, computed, color_by, figures=figures)
        if alignment is not None:
            files["metadata"] = os.path.join(folder, run_folder.METADATA_TSV)
            write_metadata_tsv(files["metadata"], table.metadata)
        return files

    return replace_bookmarks(logdir, run, name, marks, write_files=write_files)
