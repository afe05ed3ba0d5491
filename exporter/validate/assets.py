"""Checks bookmarks (saved projector `State`s) and sprite images against the points they describe.

Example:
>>> import json, os, tempfile
>>> from exporter.validate.findings import Report
>>> path = os.path.join(tempfile.mkdtemp(), "bookmarks.json")
>>> _ = open(path, "w").write(json.dumps([{"label": "view", "projections": [{}]}]))
>>> report = Report()
>>> check_bookmarks(report, path, num_points=2)
>>> print(report.findings[0].message)
bookmark 1 ('view') lacks selectedProjection, pcaComponentDimensions, tSNEPerplexity, tSNELearningRate, tSNEIteration, customXLeftText, customXRightText, customYUpText, customYDownText: loading it throws
"""

import math
import warnings

from exporter.projector_rules import TENSORBOARD_MAX_POINTS
from exporter.untrusted_json import JSONError, parse_json
from exporter.validate.findings import ERROR, WARNING

#: Fields without which loading a bookmark throws (tested one by one in TensorBoard 2.21).
REQUIRED_STATE_FIELDS = {
    "selectedProjection": str,
    "pcaComponentDimensions": list,
    "tSNEPerplexity": (int, float),
    "tSNELearningRate": (int, float),
    "tSNEIteration": (int, float),
    "customXLeftText": str,
    "customXRightText": str,
    "customYUpText": str,
    "customYDownText": str,
}
#: The frontend's largest sprite side (`ky` in the bundle).
MAX_SPRITE_PX = 8192


def check_bookmarks(report, path, num_points, columns=None):
    """Adds findings for the bookmarks file at `path` of a tensor showing `num_points` points."""
    try:
        with open(path, "rb") as f:
            states = parse_json(f.read(), "bookmarks", list)
    except JSONError as error:
        report.add(ERROR, path, f"{error}: the BOOKMARKS panel fails",
                   "write a JSON array of projector states (exporter.make_bookmark builds one)")
        return
    for number, state in enumerate(states, start=1):
        if not isinstance(state, dict):
            report.add(ERROR, path, f"bookmark {number} is not a JSON object", "write one State object per bookmark")
            continue
        _check_state(report, path, f"bookmark {number} ({state.get('label', '')!r})", state, num_points, columns)


def _check_state(report, path, name, state, num_points, columns):
    missing = [key for key, kind in REQUIRED_STATE_FIELDS.items() if not isinstance(state.get(key), kind)]
    if missing:
        report.add(ERROR, path, f"{name} lacks {', '.join(missing)}: loading it throws",
                   "add the fields (\"\" for the custom texts; exporter.make_bookmark writes them all)")
    dims = state.get("dataSetDimensions")
    if not (isinstance(dims, list) and len(dims) == 2 and dims[0] == num_points):
        report.add(WARNING, path, f"{name} has dataSetDimensions {dims!r}, not [{num_points}, D]: uploading "
                   "this file in the BOOKMARKS panel fails silently", "add \"dataSetDimensions\": [N, D]")
    if "selectedPoints" not in state:
        report.add(WARNING, path, f"{name} has no selectedPoints", "add \"selectedPoints\": []")
    projection = state.get("selectedProjection")
    if projection == "tsne":
        report.add(WARNING, path, f"{name} selects t-SNE: loading it restarts t-SNE on a 10,000-point "
                   "sample and the stored layout drifts", "store the layout as 'umap' or 'custom' coordinates")
    points = state.get("projections")
    if not isinstance(points, list) or len(points) != num_points:
        count = len(points) if isinstance(points, list) else "no"
        beyond = (" (TensorBoard stops at 100,000 points: `projector-export serve LOGDIR` shows them all)"
                   if isinstance(points, list) and len(points) > num_points == TENSORBOARD_MAX_POINTS else "")
        report.add(ERROR, path, f"{name} has {count} projections for {num_points} points{beyond}",
                   "store exactly one projection per point, in tensor row order")
        return
    keys = _projection_keys(state)
    undrawn = sum(1 for p in points if not isinstance(p, dict) or not all(_finite(p.get(k)) for k in keys))
    if keys and undrawn:
        report.add(WARNING, path, f"{name}: {undrawn} points lack finite {', '.join(keys)} and are not drawn",
                   "store finite coordinates for every point")
    color = state.get("selectedColorOptionName")
    if color and columns is not None and color not in columns:
        report.add(WARNING, path, f"{name} colours by {color!r}, not a metadata column ({columns})",
                   "name an existing column")


def _projection_keys(state):
    projection = state.get("selectedProjection")
    if projection == "pca":
        return [f"pca-{i}" for i in state.get("pcaComponentDimensions") or []]
    if projection == "umap":
        return [f"umap-{i}" for i in range(3 if state.get("umapIs3d") else 2)]
    if projection == "custom":
        return ["linear-x", "linear-y"]
    return []


def _finite(value):
    return isinstance(value, (int, float)) and math.isfinite(value)


def check_sprite(report, config_path, path, tile, num_points):
    """Adds findings for a sprite atlas at `path` with `tile` = single_image_dim for `num_points` points."""
    from PIL import Image, UnidentifiedImageError

    if len(tile) != 2 or min(tile) <= 0:
        report.add(ERROR, config_path, f"sprite single_image_dim is {list(tile)}",
                   "set single_image_dim: [width, height] of one thumbnail in pixels")
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # only the header is read
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError as error:  # PIL refuses it before reading its size
        report.add(ERROR, path, f"the sprite is a decompression bomb ({str(error).split('.')[0]}): browsers run out "
                   "of memory decoding it", f"keep it under {MAX_SPRITE_PX} px a side")
        return
    except (UnidentifiedImageError, OSError) as error:
        report.add(ERROR, path, f"the sprite is not an image the browser can load ({error})", "write a PNG")
        return
    if max(width, height) > MAX_SPRITE_PX:
        report.add(ERROR, path, f"sprite is {width} x {height} px, the projector refuses more than "
                   f"{MAX_SPRITE_PX} px a side", "use smaller thumbnails or fewer points")
    side = math.ceil(math.sqrt(num_points))
    columns, rows = width // tile[0], height // tile[1]
    if columns * rows < num_points:
        report.add(ERROR, path, f"sprite holds {columns} x {rows} tiles of {tile[0]} x {tile[1]} px for "
                   f"{num_points} points", f"lay out a {side} x {side} grid, row-major from the top left")
    elif columns != side:
        report.add(WARNING, path, f"sprite has {columns} tiles per row; the projector's square grid for "
                   f"{num_points} points has {side}", f"lay out a {side} x {side} grid, row-major from the top left")
