"""openTSNE settings against scikit-learn's TSNE on the same 20,000 points: time and 10-NN preservation.

    python -m benchmarks.tsne_settings [--sample 20000]

Why the shipped t-SNE is what it is (docs/layouts.md, "Measured"): each row is one
openTSNE setting (neighbour index, schedule, FFT grid, threads, kernel tails), timed
from the neighbour search to the last iteration, then scikit-learn's `TSNE` with 2
threads on the same points. The points are the LSA sentence vectors of
`benchmarks.layouts` (synthetic when the shared data is absent). Ends with one line of JSON.
"""

import argparse
import json
import os

import numpy as np

from benchmarks.layouts import comparison_sample, real_embeddings, sklearn_tsne, synthetic, timed
from exporter.layouts import compute_layout, layout_quality
from exporter.layouts.fft import fft_backend

#: name -> (exact neighbours, early-exaggeration iterations, iterations, descent threads, TSNEEmbedding options)
SETTINGS = {
    "shipped: exact neighbours, 250 + 500 iterations, one thread": (True, 250, 500, 1, {}),
    "two threads": (True, 250, 500, 2, {}),
    "250 + 750 iterations": (True, 250, 750, 1, {}),
    "125 + 375 iterations": (True, 125, 375, 1, {}),
    "ints_in_interval 1.5": (True, 250, 500, 1, {"ints_in_interval": 1.5}),
    "ints_in_interval 2": (True, 250, 500, 1, {"ints_in_interval": 2}),
    "2 interpolation points": (True, 250, 500, 1, {"n_interpolation_points": 2}),
    "dof 0.8 (heavier tails)": (True, 250, 500, 1, {"dof": 0.8}),
    "Annoy neighbours": (False, 250, 500, 1, {}),
}


def open_tsne(points, exact, exaggeration_iters, iters, threads, options):
    from openTSNE import TSNEEmbedding, affinity, initialization, nearest_neighbors

    from exporter.layouts.compute import _precomputed_index
    from exporter.layouts.neighbours import neighbour_graph

    index = (_precomputed_index(neighbour_graph(points, 90, progress=False)) if exact else
             nearest_neighbors.Annoy(points, 90, metric="cosine", n_jobs=-1, random_state=0))
    affinities = affinity.PerplexityBasedNN(perplexity=30, knn_index=index, n_jobs=-1, random_state=0)
    embedding = TSNEEmbedding(initialization.pca(points, random_state=0), affinities, random_state=0,
                              n_jobs=threads, negative_gradient_method="fft", **options)
    embedding = embedding.optimize(exaggeration_iters, exaggeration=12, momentum=0.5)
    return np.asarray(embedding.optimize(iters, exaggeration=1, momentum=0.8))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=20_000, help="points (default: %(default)s)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    vectors, _, source = real_embeddings(100_000) or synthetic(100_000)
    points = comparison_sample(vectors, args.sample)
    print(f"{len(points):,} x {points.shape[1]}: {source}; openTSNE's FFT: {fft_backend()}; "
          f"load average {load_before:.1f}", flush=True)
    rows = {}
    shipped, seconds = timed(compute_layout, points, "tsne", progress=False)
    rows["compute_layout (the shipped path)"] = (seconds, layout_quality(points, shipped)["knn_preservation"])
    for name, setting in SETTINGS.items():
        coords, seconds = timed(open_tsne, points, *setting)
        rows[name] = (seconds, layout_quality(points, coords)["knn_preservation"])
        print(f"{name:60s} {seconds:6.1f} s   10-NN kept {rows[name][1]:.2%}", flush=True)
    coords, seconds = timed(sklearn_tsne, points)
    sklearn = (seconds, layout_quality(points, coords)["knn_preservation"])
    print(f"{'scikit-learn TSNE, 2 threads':60s} {sklearn[0]:6.1f} s   10-NN kept {sklearn[1]:.2%}", flush=True)
    for name, (seconds, kept) in rows.items():
        print(f"{name:60s} {sklearn[0] / seconds:4.1f}x scikit-learn's speed, "
              f"{'equal or better' if kept >= sklearn[1] else 'fewer'} neighbours kept", flush=True)
    print(json.dumps({"points": len(points), "data": source, "tsne_fft": fft_backend(), "load_before": round(load_before, 2),
                      "load_after": round(os.getloadavg()[0], 2), "sklearn_s": round(sklearn[0], 1),
                      "sklearn_knn_preservation": sklearn[1],
                      "settings": {name: {"s": round(s, 1), "knn_preservation": k, "speedup": round(sklearn[0] / s, 2)}
                                   for name, (s, k) in rows.items()}}))


if __name__ == "__main__":
    main()
