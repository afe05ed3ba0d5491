"""`neighbour_graph`: each point's nearest neighbours, found once per export and shared by its layouts.

t-SNE with perplexity p uses a point's 3p nearest neighbours, UMAP its `neighbors`
nearest: one graph with the most neighbours any of them needs serves them all (a
graph's first k columns are the k nearest). Exact cosine neighbours below 50,000
points, Annoy (bundled with openTSNE) above, with a progress bar over the points.

Example:
>>> import numpy as np
>>> points = np.random.default_rng(0).normal(size=(100, 8)).astype(np.float32)
>>> graph = neighbour_graph(points, 12, progress=False)
>>> graph.indices.shape, bool((graph.indices != np.arange(100)[:, None]).all())
((100, 12), True)
>>> bool((np.diff(graph.distances, axis=1) >= 0).all())
True
"""

import dataclasses

import numpy as np
from tqdm.auto import tqdm

from exporter.errors import ExportError

#: Below this many points neighbours are found exactly: measured on 64-D sentence vectors
#: (90 neighbours, 2 cores), exact search took 2.1 s for 20,000 points and 6.3 s for 40,000,
#: Annoy 3.8 s and 8.9 s; from ~70,000 points Annoy is faster.
EXACT_BELOW = 50_000
#: Queries per step of the progress bar.
_CHUNK = 2048


@dataclasses.dataclass(frozen=True)
class NeighbourGraph:
    """(N, k) `indices` of each point's k nearest others, closest first, and their `distances`
    (1 - cosine for the cosine metric, as openTSNE's and umap-learn's own searches give them)."""

    indices: np.ndarray
    distances: np.ndarray
    metric: str = "cosine"

    @property
    def k(self):
        return self.indices.shape[1]

    def first(self, k):
        """The graph of the k nearest (k <= `self.k`)."""
        return NeighbourGraph(self.indices[:, :k], self.distances[:, :k], self.metric)


def needed_neighbours(specs, n):
    """How many neighbours the t-SNE and UMAP `LayoutSpec`s of an N-point table need (0: none)."""
    needs = [tsne_neighbours(spec.get("perplexity"), n) for spec in specs if spec.method == "tsne"]
    needs += [umap_neighbours(spec.get("neighbors"), n) - 1 for spec in specs if spec.method == "umap"]
    return max(needs, default=0)


def tsne_perplexity(perplexity, n):
    """The perplexity t-SNE runs with: openTSNE needs 3 x perplexity < N."""
    return float(min(perplexity, max(1.0, (n - 1) / 3)))


def tsne_neighbours(perplexity, n):
    return min(n - 1, int(3 * tsne_perplexity(perplexity, n)))


def umap_neighbours(neighbors, n):
    """UMAP's n_neighbors counts the point itself; umap-learn truncates it to N - 1 (with a warning)."""
    return max(2, min(neighbors, n - 1))


def neighbour_graph(matrix, k, *, metric="cosine", seed=0, progress=True, n_jobs=-1):
    """The `NeighbourGraph` of the k nearest others of every row of `matrix` (N, D), k < N."""
    n = len(matrix)
    if not 0 < k < n:
        raise ExportError(f"a neighbour graph of {n} points needs 0 < k < {n}, got {k}")
    with tqdm(total=n, desc="layout neighbours", disable=not progress, leave=False, unit="point") as bar:
        if metric == "cosine" and n < EXACT_BELOW:
            indices, distances = _exact_cosine(matrix, k, bar)
        else:
            indices, distances = _annoy(matrix, k, metric, seed, bar, n_jobs)
    return NeighbourGraph(indices, distances, metric)


def _exact_cosine(matrix, k, bar):
    from exporter.vectors import cosine_neighbours, unit_rows

    unit = unit_rows(matrix)  # once, not per chunk
    found, distances = [], []
    for start in range(0, len(unit), _CHUNK):
        rows = np.arange(start, min(start + _CHUNK, len(unit)))
        others, cosines = cosine_neighbours(unit, unit[rows], k, exclude=rows[:, None])
        found.append(others)
        distances.append(np.maximum(1 - cosines, 0))
        bar.update(len(rows))
    return np.concatenate(found), np.concatenate(distances).astype(np.float64)


def _annoy(matrix, k, metric, seed, bar, n_jobs):
    """Annoy as openTSNE runs it (50 trees), queried chunk by chunk so the bar moves."""
    from openTSNE.dependencies.annoy import AnnoyIndex

    annoy_metric = {"cosine": "angular", "euclidean": "euclidean", "manhattan": "manhattan"}.get(metric)
    if annoy_metric is None:
        raise ExportError(f"layout metric {metric!r} is not one of cosine, euclidean, manhattan: pick one of them")
    index = AnnoyIndex(matrix.shape[1], annoy_metric)
    index.set_seed(seed % np.iinfo(np.int32).max)
    for i, row in enumerate(matrix):
        index.add_item(i, row)
    index.build(50, n_jobs=n_jobs)
    indices = np.zeros((len(matrix), k), dtype=np.int64)
    distances = np.zeros((len(matrix), k))
    for i in range(len(matrix)):
        found, far = index.get_nns_by_item(i, k + 1, include_distances=True)
        found, far = np.asarray(found), np.asarray(far)
        keep = found != i
        indices[i], distances[i] = found[keep][:k], far[keep][:k]
        if i % _CHUNK == _CHUNK - 1 or i == len(matrix) - 1:
            bar.update(i + 1 - bar.n)
    if metric == "cosine":
        distances = distances**2 / 2  # Annoy's angular distance is sqrt(2 (1 - cosine))
    return indices, distances
