"""`layout_quality`: how faithful a layout is to the original space, in two figures.

- kNN preservation: the share of each point's k nearest neighbours in the original
  space (cosine) that are also among its k nearest in the layout (Euclidean).
- Label agreement (with a label column): the share of each point's k nearest
  neighbours carrying its own label, in the layout and in the original space.

Both are averaged over at most `sample` query points drawn with a seed, each
against all N points with exact neighbours, so the cost stays ~ sample x N x D.

Example:
>>> import numpy as np

from exporter.vectors import cosine_neighbours
>>> rng = np.random.default_rng(0)
>>> points = rng.normal(size=(500, 5))
>>> points /= np.linalg.norm(points, axis=1, keepdims=True)  # on the unit sphere cosine ranks as Euclidean
>>> layout_quality(points, points, k=10)["knn_preservation"]
1.0
>>> layout_quality(points, points[:, :2], k=10)["knn_preservation"] < 0.9
True
"""

import numpy as np

from exporter.vectors import cosine_neighbours

#: Neighbours compared per point.
K = 10
#: Query points the figures are averaged over (exact neighbours among all N each).
SAMPLE = 5000


def layout_quality(vectors, coordinates, labels=None, *, k=K, sample=SAMPLE, seed=0):
    """{"knn_preservation", "points_measured", and with `labels`: "label_agreement_layout",
    "label_agreement_original"}: shares in [0, 1] (see the module docstring).

    Args:
      vectors: (N, D) original vectors (compared by cosine).
      coordinates: (N, d) layout (compared by Euclidean distance).
      labels: optional N labels (any hashable values).
      k: neighbours per point; sample: how many query points, seed: which.
    """
    from scipy.spatial import cKDTree  # scipy comes with the [layouts] extra

    n = len(vectors)
    k = min(k, n - 1)
    queries = np.sort(np.random.default_rng(seed).choice(n, min(sample, n), replace=False))
    original = cosine_neighbours(vectors, vectors[queries], k, exclude=queries[:, None])[0]
    # k + 1 and drop the point itself (a duplicate may come first: drop by identity, not by rank).
    _, found = cKDTree(np.asarray(coordinates, np.float64)).query(np.asarray(coordinates, np.float64)[queries], k + 1)
    layout = _without_self(found, queries, k)
    kept = [len(np.intersect1d(a, b, assume_unique=True)) for a, b in zip(original, layout)]
    figures = {"knn_preservation": round(float(np.mean(kept)) / k, 4), "points_measured": len(queries)}
    if labels is not None:
        codes = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)[1]
        own = codes[queries][:, None]
        figures["label_agreement_layout"] = round(float((codes[layout] == own).mean()), 4)
        figures["label_agreement_original"] = round(float((codes[original] == own).mean()), 4)
    return figures


def _without_self(found, queries, k):
    keep = found != queries[:, None]
    keep[keep.sum(axis=1) > k, -1] = False  # the point itself was not among them: drop the farthest
    return found[keep].reshape(len(queries), k)
