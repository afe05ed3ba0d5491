"""`compute_layout`: 2-D or 3-D coordinates for every point, by t-SNE (openTSNE), UMAP (umap-learn) or PCA.

The projector lays out a sample in the browser (t-SNE 10,000 points, UMAP 5,000);
this runs the CPU libraries made for the job on all N points, cosine by default
(what the projector's neighbours use), seeded, with a progress bar per stage.

Example:
>>> import numpy as np
>>> points = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)
>>> compute_layout(points, "pca").shape
(300, 2)
>>> tsne = compute_layout(points, "tsne", progress=False)
>>> bool(np.isfinite(tsne).all()), tsne.shape
(True, (300, 2))
"""

import os
import sys

import numpy as np
from tqdm.auto import tqdm

from exporter.errors import ExportError

#: Method -> name shown in bookmark labels, pictures and reports.
METHODS = {"tsne": "t-SNE", "umap": "UMAP", "pca": "PCA"}
#: openTSNE's schedule (its `TSNE` defaults): early exaggeration, then the normal phase.
_EXAGGERATION_ITERS, _ITERS = 250, 500
_UMAP_NEIGHBOURS = 15
#: Below this many points UMAP's neighbours are found exactly (umap-learn's own threshold).
_EXACT_BELOW = 4096
#: Below this many points t-SNE's cosine neighbours are found exactly: measured on 64-D
#: sentence vectors (90 neighbours, 2 cores), exact search took 2.1 s for 20,000 points and
#: 6.3 s for 40,000, Annoy 3.8 s and 8.9 s; from ~70,000 points Annoy is faster.
_TSNE_EXACT_BELOW = 50_000
_NUMBA_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "projector-export", "numba")


def parse_layouts(text):
    """`"tsne,umap"` -> `("tsne", "umap")`; also an argparse `type`. Empty or "none" -> `()`."""
    names = tuple(dict.fromkeys(p.strip().lower().replace("-", "") for p in str(text).split(",") if p.strip()))
    if names in ((), ("none",)):
        return ()
    unknown = [n for n in names if n not in METHODS]
    if unknown:
        raise ExportError(f"unknown layout {', '.join(map(repr, unknown))}: pick from {', '.join(METHODS)} "
                          "(comma-separated, e.g. tsne,umap)")
    return names


def compute_layout(vectors, method, *, dims=2, metric="cosine", seed=0, init=None, progress=True, n_jobs=-1):
    """(N, dims) float32 coordinates of every row of `vectors`.

    Args:
      vectors: (N, D) float array, N >= 2.
      method: "tsne" (openTSNE, FFT-accelerated in 2-D, Barnes-Hut in 3-D),
        "umap" (umap-learn) or "pca" (top principal components).
      dims: 2 or 3.
      metric: distance between rows for t-SNE and UMAP ("cosine", "euclidean", ...).
      seed: random seed: the same inputs and seed give the same layout.
      init: optional (N, dims) starting layout (e.g. the previous epoch's), so
        points move from where they were instead of jumping; t-SNE and UMAP only.
      progress: show a tqdm bar per stage on stderr.
      n_jobs: threads for the neighbour searches (-1: all cores); t-SNE's descent runs on one.
    """
    if method not in METHODS:
        parse_layouts(method)  # raises the one-line error
    if dims not in (2, 3):
        raise ExportError(f"layout dims must be 2 or 3, got {dims!r}")
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or len(matrix) < 2:
        raise ExportError(f"a layout needs an (N, D) matrix with N >= 2, got shape {matrix.shape}")
    if init is not None:
        init = np.asarray(init, dtype=np.float64)
        if init.shape != (len(matrix), dims) or not np.isfinite(init).all() or (np.ptp(init, axis=0) == 0).any():
            init = None  # e.g. a layout of another size or dimension, or collapsed: start afresh
    if method == "pca":
        from exporter.vectors import pca_coordinates

        return pca_coordinates(matrix, dims=dims).astype(np.float32)
    os.environ.setdefault("NUMBA_CACHE_DIR", _NUMBA_CACHE)  # numba compiles once per machine, not per process
    run = _tsne if method == "tsne" else _umap
    coords = run(matrix, dims=dims, metric=metric, seed=seed, init=init, progress=progress, n_jobs=n_jobs)
    if not np.isfinite(coords).all():
        raise ExportError(f"{METHODS[method]} of {len(matrix)} points gave NaN/Inf coordinates (duplicate or zero "
                          "vectors?): check the vectors, or leave this layout out")
    return coords


def _tsne(matrix, *, dims, metric, seed, init, progress, n_jobs):
    from openTSNE import TSNEEmbedding, affinity, initialization, nearest_neighbors

    n = len(matrix)
    if n < 10_000:
        n_jobs = 1  # measured: threads cost ~30x more than they save on small inputs when cores are busy
    perplexity = float(min(30, max(1, (n - 1) / 3)))  # openTSNE needs 3 * perplexity < N
    with _stage("t-SNE neighbours", 1, progress) as bar:
        # The index is chosen here, not by openTSNE: its own choice imports pynndescent, whose numba
        # compilation costs ~1-2 min in a fresh process although Annoy (bundled) is what it then uses.
        if metric == "cosine" and n < _TSNE_EXACT_BELOW:
            index_type = _exact_cosine_index()
        else:
            index_type = nearest_neighbors.Sklearn if n < 1000 else nearest_neighbors.Annoy
        index = index_type(matrix, min(n - 1, int(3 * perplexity)), metric=metric, n_jobs=n_jobs,
                           random_state=seed)
        affinities = affinity.PerplexityBasedNN(perplexity=perplexity, knn_index=index, n_jobs=n_jobs,
                                                random_state=seed)
        bar.update()
    if init is None:
        start = initialization.pca(matrix, n_components=dims, random_state=seed)
    else:
        start = initialization.rescale(init)
    # One thread for the gradient descent: measured on 2 busy cores (20,000 x 64), 100 FFT iterations
    # took 4.0 s on one thread and 8.5 s on two; on idle cores two were only 1.2x faster (most of it
    # is numpy's single-threaded FFT; benchmarks.tsne_settings). The neighbour search gains from threads.
    embedding = TSNEEmbedding(
        start, affinities, random_state=seed, n_jobs=1,
        # openTSNE's own choice: FFT interpolation from 10,000 points (2-D only), Barnes-Hut below.
        negative_gradient_method="fft" if dims == 2 and n >= 10_000 else "bh",
    )
    # A warm start is already arranged: skip most of the early exaggeration that would pull it apart.
    schedule = [("t-SNE early exaggeration", _EXAGGERATION_ITERS if init is None else 0, 12, 0.5),
                ("t-SNE optimisation", _ITERS, 1, 0.8)]
    for desc, iters, exaggeration, momentum in schedule:
        if iters:
            with _stage(desc, iters, progress) as bar:
                embedding = embedding.optimize(
                    iters, exaggeration=exaggeration, momentum=momentum,
                    callbacks=lambda *_: bar.update(25) and False, callbacks_every_iters=25,
                )
    return np.asarray(embedding, dtype=np.float32)


def _exact_cosine_index():
    """openTSNE's `KNNIndex` over exact cosine neighbours (`exporter.vectors.cosine_neighbours`).

    Exact neighbours keep more of each point's 10 nearest than Annoy's (20,000 sentence
    vectors: 30.6% vs 29.5%, scikit-learn's TSNE 30.2%), and unlike openTSNE's own exact
    index (NaN for a zero vector, then a crash) a zero vector is simply far from all.
    Distances are 1 - cosine, as openTSNE's own exact and NNDescent indexes give them.
    """
    from openTSNE.nearest_neighbors import KNNIndex

    from exporter.vectors import cosine_neighbours

    class ExactCosineIndex(KNNIndex):
        VALID_METRICS = ["cosine"]

        def build(self):
            rows = np.arange(len(self.data))
            return self.query(self.data, self.k, exclude=rows[:, None])

        def query(self, query, k, exclude=None):
            found, cosines = cosine_neighbours(self.data, query, k, exclude=exclude)
            return found, np.maximum(1 - cosines, 0).astype(np.float64)

    return ExactCosineIndex


def _umap(matrix, *, dims, metric, seed, init, progress, n_jobs):
    import warnings

    umap = _import_umap()
    from umap.umap_ import nearest_neighbors

    neighbours = min(_UMAP_NEIGHBOURS, len(matrix) - 1)
    with _stage("UMAP neighbours", 1, progress) as bar:
        if metric == "cosine" and len(matrix) < _EXACT_BELOW:
            # Exact and instant here; spares pynndescent's numba compilation (~1 min cold).
            indices, distances = _cosine_knn_with_self(matrix, neighbours)
        else:
            indices, distances, _ = nearest_neighbors(
                matrix, neighbours, metric, {}, False, np.random.RandomState(seed), n_jobs=n_jobs,
            )
        bar.update()
    # A warm start is already arranged: fewer, gentler epochs keep points near where they were.
    warm = {} if init is None else {"n_epochs": 50, "learning_rate": 0.2}
    reducer = umap.UMAP(
        n_components=dims, n_neighbors=neighbours, metric=metric, random_state=seed,
        init="spectral" if init is None else init, precomputed_knn=(indices, distances), **warm,
        tqdm_kwds={"desc": "UMAP epochs", "disable": not progress, "leave": False},
    )
    with warnings.catch_warnings():
        # A seed makes UMAP's optimiser single-threaded (reproducible); say nothing about it.
        warnings.filterwarnings("ignore", message=".*(n_jobs|random_state|precomputed_knn).*")
        return np.asarray(reducer.fit_transform(matrix), dtype=np.float32)


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


def _cosine_knn_with_self(matrix, k):
    """UMAP's kNN format: row i lists i itself first (distance 0), then its k - 1 nearest by cosine."""
    from exporter.vectors import cosine_neighbours

    rows = np.arange(len(matrix))
    others, cosines = cosine_neighbours(matrix, matrix, k - 1, exclude=rows[:, None])
    distances = np.column_stack([np.zeros(len(rows)), np.maximum(1 - cosines, 0)])
    return np.column_stack([rows, others]), distances.astype(np.float32)


def _stage(desc, total, progress):
    return tqdm(total=total, desc=desc, disable=not progress, leave=False, unit="it")
