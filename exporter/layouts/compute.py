"""`compute_layout`: 2-D or 3-D coordinates for every point, by t-SNE (openTSNE), UMAP (umap-learn) or PCA.

The projector lays out a sample in the browser (t-SNE 10,000 points, UMAP 5,000);
this runs the CPU libraries made for the job on all N points, cosine by default
(what the projector's neighbours use), seeded, with a progress bar per stage, and
checks the result: a layout that puts every point on one spot is refused.

Example:
>>> import numpy as np
>>> points = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)
>>> compute_layout(points, "pca").shape
(300, 2)
>>> tsne = compute_layout(points, "tsne:perplexity=10", progress=False)
>>> bool(np.isfinite(tsne).all()), tsne.shape
(True, (300, 2))
"""

import os
import sys

import numpy as np
from tqdm.auto import tqdm

from exporter.errors import ExportError
from exporter.layouts.neighbours import (
    needed_neighbours, neighbour_graph, tsne_neighbours, tsne_perplexity, umap_neighbours,
)
from exporter.layouts.settings import METHODS, LayoutSpec, parse_layouts

#: openTSNE's schedule (its `TSNE` defaults): early exaggeration, then the normal phase.
_EXAGGERATION_ITERS, _ITERS, _EARLY_EXAGGERATION = 250, 500, 12
_MIN_RATE = 50
#: Fewest points UMAP lays out (its spectral start needs more than 3; below, one line says so).
UMAP_MIN_POINTS = 4
#: A t-SNE or UMAP layout whose points lie closer to their centre than this (RMS) collapsed:
#: both give coordinates of order 1-100 whatever the input's scale; an unmoved t-SNE start is ~1e-4.
_COLLAPSED = 1e-3
_NUMBA_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "projector-export", "numba")


def as_spec(layout):
    """A `LayoutSpec` from a spec, or from text such as "tsne" or "umap:neighbors=5"."""
    if isinstance(layout, LayoutSpec):
        return layout
    specs = parse_layouts(str(layout))
    if len(specs) != 1:
        raise ExportError(f"expected one layout such as 'tsne:perplexity=5', got {layout!r}")
    return specs[0]


def library_seed(seed):
    """`seed` as the libraries take it (0 <= seed < 2**32): any whole number works, -1 and 2**70 too."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ExportError(f"seed must be a whole number, got {seed!r}: pass e.g. seed=0 (--seed 0)")
    return int(seed) % 2**32


def compute_layout(vectors, layout="tsne", *, dims=2, metric="cosine", seed=0, init=None, progress=True, n_jobs=-1,
                   graph=None):
    """(N, dims) float32 coordinates of every row of `vectors`.

    Args:
      vectors: (N, D) float array, N >= 2, finite, not all one point.
      layout: a `LayoutSpec` or its text: "tsne" (openTSNE, FFT-accelerated in 2-D,
        Barnes-Hut in 3-D), "umap" (umap-learn), "pca" (top principal components),
        with settings, e.g. "tsne:perplexity=5" (see `exporter.layouts.settings`).
      dims: 2 or 3, unless the spec sets its own.
      metric: distance between rows for t-SNE and UMAP ("cosine", "euclidean", ...).
      seed: random seed: the same inputs and seed give the same layout.
      init: optional (N, dims) starting layout (e.g. the previous epoch's), so
        points move from where they were instead of jumping; t-SNE and UMAP only.
      progress: show a tqdm bar per stage on stderr.
      n_jobs: threads for the neighbour searches (-1: all cores); t-SNE's descent runs on one.
      graph: a `NeighbourGraph` of these rows with enough neighbours, shared with other layouts.
    """
    spec = as_spec(layout).with_dims(dims)
    matrix = check_matrix(vectors, spec)
    seed, dims = library_seed(seed), spec.get("dims")
    if init is not None:
        init = np.asarray(init, dtype=np.float64)
        if init.shape != (len(matrix), dims) or not np.isfinite(init).all() or (np.ptp(init, axis=0) == 0).any():
            init = None  # e.g. a layout of another size or dimension, or collapsed: start afresh
    if spec.method == "pca":
        from exporter.vectors import pca_coordinates

        coords = pca_coordinates(matrix, dims=dims).astype(np.float32)
        coords = np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))  # D < dims: the other axes are 0
    else:
        os.environ.setdefault("NUMBA_CACHE_DIR", _NUMBA_CACHE)  # numba compiles once per machine, not per process
        distinct, first, copies = distinct_rows(matrix)
        if spec.method == "umap" and len(distinct) < UMAP_MIN_POINTS:
            raise ExportError(f"UMAP needs at least {UMAP_MIN_POINTS} distinct points, the export has "
                              f"{len(distinct)}: use pca or tsne for so few")
        k = needed_neighbours([spec], len(distinct))
        if graph is None or graph.k < k or graph.metric != metric or len(graph.indices) != len(distinct):
            graph = neighbour_graph(distinct, k, metric=metric, seed=seed, progress=progress, n_jobs=n_jobs)
        run = _tsne if spec.method == "tsne" else _umap
        coords = run(distinct, spec, graph=graph, seed=seed, init=None if init is None else init[first],
                     progress=progress)[copies]
    check_spread(coords, spec, matrix)
    return coords


def check_matrix(vectors, spec):
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    name = METHODS[spec.method]
    if matrix.ndim != 2 or len(matrix) < 2:
        raise ExportError(f"a layout needs an (N, D) matrix with N >= 2, got shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ExportError(f"{name}: the vectors hold NaN or Inf: drop those rows (--drop-nonfinite) or fix them")
    same = (matrix == matrix[0]).all() if spec.method == "pca" else _one_direction(matrix)
    if same:
        raise ExportError(f"{name} of {len(matrix):,} points: they are all the same vector"
                          f"{'' if spec.method == 'pca' else ' (in direction, which cosine compares)'}, so any "
                          "layout puts them on one spot: check the vectors, or leave this layout out")
    return matrix


def distinct_rows(matrix):
    """(distinct rows in first-seen order, their first row numbers, each row's distinct row number).

    t-SNE and UMAP lay out the distinct rows and put copies where their original went:
    copies start at one spot and, pulled alike, stay together, where Barnes-Hut's tree
    cannot split them and UMAP's neighbour weights divide by zero distances (measured:
    5,000 points of 200 distinct rows took 115 s for t-SNE, UMAP no result in 120 s).
    """
    rows = np.ascontiguousarray(matrix).view(np.dtype((np.void, matrix.dtype.itemsize * matrix.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    if len(first) == len(matrix):
        return matrix, np.arange(len(matrix)), np.arange(len(matrix))
    seen = np.argsort(first)  # unique (sorted) number -> first-seen order
    rank = np.empty_like(seen)
    rank[seen] = np.arange(len(seen))
    return matrix[first[seen]], first[seen], rank[inverse.ravel()]


def _one_direction(matrix):
    from exporter.vectors import unit_rows

    first = unit_rows(matrix[:1])[0]
    for start in range(0, len(matrix), 65536):  # bounded memory
        if (unit_rows(matrix[start:start + 65536]) @ first < 1 - 1e-6).any():
            return False
    return True


def check_spread(coords, spec, matrix):
    """Refuses NaN/Inf coordinates and a collapsed layout (every point on one spot) with one line."""
    name = METHODS[spec.method]
    if not np.isfinite(coords).all():
        raise ExportError(f"{name} of {len(coords)} points gave NaN/Inf coordinates: check the vectors, "
                          "or leave this layout out")
    spread = float(np.sqrt(((coords - coords.mean(axis=0)) ** 2).sum(axis=1).mean()))
    if spec.method == "pca":
        original = float(np.sqrt(((matrix - matrix.mean(axis=0)) ** 2).sum(axis=1).mean()))
        collapsed = spread <= 1e-6 * original
    else:
        collapsed = spread < _COLLAPSED
    if collapsed:
        raise ExportError(f"{spec.describe()} of {len(coords):,} points collapsed (spread {spread:.2g}): every "
                          "point would be drawn on one spot: try other settings or another method")


def _tsne(matrix, spec, *, graph, seed, init, progress):
    from openTSNE import TSNEEmbedding, affinity, initialization

    n, dims = len(matrix), spec.get("dims")
    perplexity = tsne_perplexity(spec.get("perplexity"), n)
    index = _precomputed_index(graph.first(tsne_neighbours(spec.get("perplexity"), n)))
    affinities = affinity.PerplexityBasedNN(perplexity=perplexity, knn_index=index, n_jobs=1, random_state=seed)
    if init is not None:
        start = initialization.rescale(init)
    elif matrix.shape[1] < dims:  # PCA has fewer components than the layout: e.g. 1-D vectors
        start = initialization.random(n, n_components=dims, random_state=seed)
    else:
        start = initialization.pca(matrix, n_components=dims, random_state=seed)
    # One thread for the gradient descent: measured on 2 busy cores (20,000 x 64), 100 FFT iterations
    # took 4.0 s on one thread and 8.5 s on two; on idle cores two were only 1.2x faster (most of it
    # is numpy's single-threaded FFT; benchmarks.tsne_settings).
    embedding = TSNEEmbedding(
        start, affinities, random_state=seed, n_jobs=1,
        # openTSNE's own choice: FFT interpolation from 10,000 points (2-D only), Barnes-Hut below.
        negative_gradient_method="fft" if dims == 2 and n >= 10_000 else "bh",
    )
    # openTSNE's "auto" rate is N / exaggeration (Belkina et al. 2019): on small inputs that is tiny
    # and the early exaggeration shrinks the layout to a point (measured: 8 and 12 random points
    # ended at a spread of 1e-36, 26 sentences all at 0). A floor of 50, scikit-learn's, keeps them apart.
    rate = spec.get("learning-rate")
    # A warm start is already arranged: skip the early exaggeration that would pull it apart.
    schedule = [("t-SNE early exaggeration", _EXAGGERATION_ITERS if init is None else 0, _EARLY_EXAGGERATION, 0.5),
                ("t-SNE optimisation", _ITERS, spec.get("exaggeration"), 0.8)]
    for desc, iters, exaggeration, momentum in schedule:
        if iters:
            with _stage(desc, iters, progress) as bar:
                embedding = embedding.optimize(
                    iters, exaggeration=exaggeration, momentum=momentum,
                    learning_rate=rate or max(n / exaggeration, _MIN_RATE),
                    callbacks=lambda *_: bar.update(25) and False, callbacks_every_iters=25,
                )
    return np.asarray(embedding, dtype=np.float32)


def _precomputed_index(graph):
    """openTSNE's `KNNIndex` over a `NeighbourGraph` found beforehand (and shared)."""
    from openTSNE.nearest_neighbors import KNNIndex

    class PrecomputedIndex(KNNIndex):
        VALID_METRICS = [graph.metric]

        def build(self):
            return graph.indices, graph.distances

        def query(self, query, k):
            raise NotImplementedError("adding points to a layout is not offered")

    return PrecomputedIndex(np.empty((len(graph.indices), 0)), graph.k, metric=graph.metric)


def _umap(matrix, spec, *, graph, seed, init, progress):
    import warnings

    umap = _import_umap()
    n, dims = len(matrix), spec.get("dims")
    neighbours = umap_neighbours(spec.get("neighbors"), n)
    near = graph.first(neighbours - 1)
    rows = np.arange(n)[:, None]  # umap-learn's format lists each point itself first, at distance 0
    indices = np.hstack([rows, near.indices])
    distances = np.hstack([np.zeros((n, 1)), near.distances]).astype(np.float32)
    # A warm start is already arranged: fewer, gentler epochs keep points near where they were.
    warm = {} if init is None else {"n_epochs": 50, "learning_rate": 0.2}
    reducer = umap.UMAP(
        n_components=dims, n_neighbors=neighbours, min_dist=spec.get("min-dist"), metric=graph.metric,
        random_state=seed, init=_umap_start(n, dims, seed) if init is None else init,
        precomputed_knn=(indices, distances), **warm,
        tqdm_kwds={"desc": "UMAP epochs", "disable": not progress, "leave": False},
    )
    with warnings.catch_warnings():
        # A seed makes UMAP's optimiser single-threaded (reproducible); say nothing about it.
        warnings.filterwarnings("ignore", message=".*(n_jobs|random_state|precomputed_knn|spectral|graph).*")
        return np.asarray(reducer.fit_transform(matrix), dtype=np.float32)


def _umap_start(n, dims, seed):
    # umap-learn's spectral start needs N > dims + 1 points; below that, its random start.
    return "spectral" if n > dims + 2 else np.random.default_rng(seed).uniform(-10, 10, (n, dims))


def _import_umap():
    """umap-learn, without importing TensorFlow for its parametric UMAP (unused here).

    `import umap` imports `umap.parametric_umap`, which imports TensorFlow when it is
    installed: measured 8.8 s instead of 2.1 s. Blocking that one submodule while umap
    imports makes umap take its own "TensorFlow not installed" path (a placeholder
    class); the block is lifted at once, so a later `import umap.parametric_umap` works.
    """
    if "umap" in sys.modules or "tensorflow" in sys.modules:
        import umap

        return umap
    sys.modules["umap.parametric_umap"] = None
    try:
        import umap  # its ImportWarning "Tensorflow not installed" is hidden by Python's default filters
    finally:
        if sys.modules.get("umap.parametric_umap", True) is None:
            del sys.modules["umap.parametric_umap"]
    return umap


def _stage(desc, total, progress):
    return tqdm(total=total, desc=desc, disable=not progress, leave=False, unit="it")
