"""`bookmarks.json`: saved projector views with coordinates for every point.

The projector computes t-SNE on 10,000 and UMAP on 5,000 sampled points; a bookmark
carries a layout computed here for all N points, drawn as stored when clicked in the
BOOKMARKS panel. State fields follow `../shared/docs/projector-format.md`.

Example:
>>> import numpy as np
>>> mark = make_bookmark("PCA of all points", np.zeros((3, 2)), projection="pca", label_by="word")
>>> mark["selectedProjection"], mark["selectedLabelOption"], mark["projections"][0]
('pca', 'word', {'pca-0': 0.0, 'pca-1': 0.0})
>>> import os, tempfile; path = os.path.join(tempfile.mkdtemp(), "bookmarks.json")
>>> write_bookmarks(path, [mark], shape=(3, 8))
>>> import json; json.load(open(path))[0]["dataSetDimensions"]
[3, 8]
"""

import json

import numpy as np

from exporter.errors import ExportError
from exporter.writers.atomic import write_atomic

_KEYS = {"pca": "pca-{}", "umap": "umap-{}", "custom": None}


def make_bookmark(label, coordinates, *, projection="pca", color_by=None, label_by=None):
    """A projector `State` that draws point i at `coordinates[i]` (2 or 3 columns).

    `projection` is "pca", "umap" or "custom" (x/y only); t-SNE is not offered
    because loading it restarts t-SNE on a sample and the layout drifts.
    `color_by` / `label_by` name the metadata columns the view opens coloured and
    labelled by (the projector resets the label column to none when a state lacks it).
    """
    coords = np.asarray(coordinates, dtype=np.float64)
    if projection not in _KEYS:
        raise ExportError(f"bookmark projection must be one of {sorted(_KEYS)}, got {projection!r}")
    if coords.ndim != 2 or coords.shape[1] not in (2, 3) or (projection == "custom" and coords.shape[1] != 2):
        raise ExportError(f"bookmark coordinates must be (N, 2) or (N, 3) (custom: (N, 2)), got {coords.shape}")
    if not np.isfinite(coords).all():
        raise ExportError("bookmark coordinates hold NaN or Inf: those points would not be drawn")
    keys = ["linear-x", "linear-y"] if projection == "custom" else [_KEYS[projection].format(i) for i in range(coords.shape[1])]
    three_d = coords.shape[1] == 3
    state = {
        "label": label,
        "selectedProjection": projection,
        "pcaComponentDimensions": [0, 1, 2] if projection == "pca" and three_d else [0, 1],
        "umapIs3d": projection == "umap" and three_d,
        "tSNEPerplexity": 30,
        "tSNELearningRate": 10,
        "tSNEIteration": 0,
        "tSNEis3d": False,
        "selectedPoints": [],
        "customXLeftText": "",
        "customXRightText": "",
        "customYUpText": "",
        "customYDownText": "",
        "projections": [dict(zip(keys, map(float, row))) for row in coords],
    }
    if color_by:
        state["selectedColorOptionName"] = color_by
    if label_by:
        state["selectedLabelOption"] = label_by
    if three_d:
        state["cameraDef"] = {"orthographic": False, "position": [0, 0, 2.4], "target": [0, 0, 0], "zoom": 1}
    return state


def write_bookmarks(path, bookmarks, shape):
    """Writes the states to `path`, each stamped with `dataSetDimensions` = `shape` (N, D) of the tensor.

    The BOOKMARKS panel's upload button reads `dataSetDimensions[0]` of every state
    and fails silently (a JavaScript error) without it, so every state gets it.
    """
    stamped = [{**state, "dataSetDimensions": [int(shape[0]), int(shape[1])]} for state in bookmarks]
    try:
        text = json.dumps(stamped, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ExportError(f"a bookmark cannot be written as JSON ({error}): make it with exporter.make_bookmark, "
                          "with plain numbers and text") from None
    write_atomic(path, text)
