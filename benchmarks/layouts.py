"""Full-data layouts: t-SNE (openTSNE) and UMAP (umap-learn) of 100,000 x 64 points, next to scikit-learn's TSNE.

Example:
    python -m benchmarks.layouts              # prints figures, ends with one line of JSON
    python -m benchmarks.layouts --rows 20000 --sample 5000   # a quicker look
    python -m benchmarks.layouts --rows 1000000 --synthetic --sample 0   # scale: no comparison

Data: LSA sentence embeddings of real texts in /work/shared/data (IMDb, GoEmotions,
AG News: TF-IDF of words reduced to 64 dimensions by scikit-learn's
TruncatedSVD, cached under ~/.cache/projector-export/benchmarks), labelled by their
dataset; a synthetic 64-D Gaussian mixture when the data is absent.

Measured in one run, machine load and openTSNE's FFT (`tsne_fft`) stated: t-SNE and UMAP of all rows, their 10-NN
preservation, the peak resident memory; the same two with one shared neighbour graph
(`make_layouts`) vs each on its own (`shared_neighbours_speedup`); three t-SNE
perplexities (5, 30, 50) sharing one graph vs three separate runs, with the
preservation of each; the preservation of every setting of docs/layouts.md on a
sample (`--settings`); scikit-learn's `TSNE` vs ours on the same
random sample, time and 10-NN preservation; then numba's one-time compilation in a
fresh process with an empty cache (cold) and with the kept cache (warm).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from exporter.layouts import compute_layout, layout_quality, make_layouts
from exporter.layouts.fft import fft_backend
from exporter.table import EmbeddingTable

SHARED = "/work/shared/data"
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "projector-export", "benchmarks")
DIM = 64
# A fresh process laying out 2,000 points: numba compiles (cold) or loads its cache (warm).
_START = """
import time, numpy as np
start = time.perf_counter()
from exporter.layouts import compute_layout
points = np.random.default_rng(0).normal(size=(2000, 16)).astype(np.float32)
compute_layout(points, "umap", progress=False); compute_layout(points, "tsne", progress=False)
print(time.perf_counter() - start)
"""


def real_embeddings(rows, seed=0):
    """(vectors, labels, description): LSA embeddings of `rows` real texts, or None when the data is absent."""
    import pandas as pd

    paths = {"imdb": [f"{SHARED}/imdb/train.csv.gz", f"{SHARED}/imdb/test.csv.gz"],
             "goemotions": [f"{SHARED}/goemotions/{s}.tsv" for s in ("train", "dev", "test")],
             "ag_news": [f"{SHARED}/ag_news/train_sample_20k.csv", f"{SHARED}/ag_news/test.csv"]}
    if not all(os.path.isfile(p) for files in paths.values() for p in files):
        return None
    cached = os.path.join(CACHE, f"lsa-{rows}x{DIM}-seed{seed}.npz")
    if os.path.isfile(cached):
        saved = np.load(cached, allow_pickle=False)
        return saved["vectors"], saved["labels"], "LSA of IMDb + GoEmotions + AG News texts (cached)"
    texts, labels = [], []
    for source, files in paths.items():
        for path in files:
            if source == "imdb":
                found = pd.read_csv(path)["review"].astype(str).tolist()
            elif source == "goemotions":
                found = pd.read_csv(path, sep="\t", header=None, quoting=3)[0].astype(str).tolist()
            else:  # class, title, description
                frame = pd.read_csv(path, header=None, dtype=str).dropna()
                found = (frame.iloc[:, -2] + ". " + frame.iloc[:, -1]).tolist()
            texts += found
            labels += [source] * len(found)
    labels = np.array(labels)
    pick = np.sort(np.random.default_rng(seed).choice(len(texts), min(rows, len(texts)), replace=False))
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    tfidf = TfidfVectorizer(min_df=3, max_features=200_000, sublinear_tf=True, dtype=np.float32)
    matrix = tfidf.fit_transform([texts[i] for i in pick])
    vectors = TruncatedSVD(DIM, random_state=seed).fit_transform(matrix).astype(np.float32)
    print(f"LSA embeddings: {vectors.shape[0]} x {DIM} in {time.perf_counter() - start:.0f} s", flush=True)
    os.makedirs(CACHE, exist_ok=True)
    np.savez(cached, vectors=vectors, labels=labels[pick])
    return vectors, labels[pick], "LSA of IMDb + GoEmotions + AG News texts"


def synthetic(rows, seed=0):
    """A 64-D mixture of 20 Gaussian clusters of different sizes and spreads, labelled by cluster."""
    rng = np.random.default_rng(seed)
    cluster = rng.choice(20, rows, p=rng.dirichlet(np.ones(20)))
    centres = rng.normal(size=(20, DIM)) * 2
    spread = rng.uniform(0.5, 1.5, 20)[cluster, None]
    vectors = (centres[cluster] + spread * rng.normal(size=(rows, DIM))).astype(np.float32)
    return vectors, np.array([f"c{c}" for c in cluster]), "synthetic Gaussian mixture"


def start_up_seconds(cache_dir):
    """Seconds a fresh process takes to lay out 2,000 points with UMAP and t-SNE, numba cache at `cache_dir`."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-c", _START], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def comparison_sample(vectors, size):
    """The seeded random `size` rows both t-SNEs lay out (the same in every benchmark)."""
    pick = np.sort(np.random.default_rng(1).choice(len(vectors), min(size, len(vectors)), replace=False))
    return vectors[pick]


def sklearn_tsne(points):
    """scikit-learn's `TSNE` with the same metric and initialisation as ours, on both cores."""
    from sklearn.manifold import TSNE

    return TSNE(metric="cosine", init="pca", random_state=0, n_jobs=2).fit_transform(points)


def compare_with_sklearn(vectors, size):
    """scikit-learn's `TSNE` vs ours on the same random `size` points: seconds and 10-NN preservation."""
    sample = comparison_sample(vectors, size)
    ours, ours_s = timed(compute_layout, sample, "tsne")
    theirs, theirs_s = timed(sklearn_tsne, sample)
    ours_q, theirs_q = (layout_quality(sample, c)["knn_preservation"] for c in (ours, theirs))
    speedup = theirs_s / ours_s
    print(f"t-SNE of the same {len(sample):,} points: openTSNE (ours) {ours_s:.1f} s, 10-NN kept {ours_q:.1%} | "
          f"scikit-learn {theirs_s:.1f} s, 10-NN kept {theirs_q:.1%} | {speedup:.1f}x faster", flush=True)
    return {"sklearn_sample": len(sample), "sklearn_tsne_s": round(theirs_s, 1), "ours_sample_tsne_s": round(ours_s, 1),
            "speedup_vs_sklearn": round(speedup, 2), "sklearn_knn_preservation": theirs_q,
            "ours_sample_knn_preservation": ours_q}


def compare_shared(vectors, labels, alone_s, items):
    """`items` laid out by `make_layouts` (one neighbour graph) vs the `alone_s` seconds each took alone."""
    table = EmbeddingTable.build(vectors, {"source": labels})
    done, shared_s = timed(make_layouts, table, items, report=False)
    speedup = sum(alone_s) / shared_s
    kept = {str(layout.spec): layout.quality["knn_preservation"] for layout in done}
    print(f"{', '.join(items)}: {sum(alone_s):.1f} s each on its own, {shared_s:.1f} s sharing one neighbour "
          f"graph: {speedup:.2f}x; 10-NN kept {kept}", flush=True)
    return shared_s, speedup, kept


#: The settings docs/layouts.md shows, measured on one sample.
SETTINGS = ["tsne:perplexity=5", "tsne", "tsne:perplexity=50", "tsne:exaggeration=4", "tsne:learning-rate=50",
            "umap:neighbors=5", "umap", "umap:neighbors=50", "umap:min-dist=0", "umap:min-dist=0.5", "pca"]


def compare_settings(vectors, labels, size):
    """{setting: (seconds, 10-NN kept, label agreement)} of every `SETTINGS` item on `size` sampled points."""
    pick = comparison_sample(np.arange(len(vectors)), size)
    table = EmbeddingTable.build(vectors[pick], {"source": labels[pick]})
    rows = {}
    for layout in make_layouts(table, SETTINGS, report=False):
        q = layout.quality
        rows[str(layout.spec)] = (round(layout.seconds, 1), q["knn_preservation"], q["label_agreement_layout"])
        print(f"{str(layout.spec):28s} {layout.seconds:6.1f} s  10-NN kept {q['knn_preservation']:.1%}  "
              f"source agreement {q['label_agreement_layout']:.1%} (original {q['label_agreement_original']:.1%})",
              flush=True)
    return rows


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="points laid out (default: %(default)s)")
    parser.add_argument("--sample", type=int, default=20_000,
                        help="points of the scikit-learn comparison, 0 for none (default: %(default)s)")
    parser.add_argument("--settings", type=int, default=5_000,
                        help="points every setting of docs/layouts.md is measured on, 0 for none (default: %(default)s)")
    parser.add_argument("--synthetic", action="store_true", help="use the synthetic mixture even if data is present")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()

    data = None if args.synthetic else real_embeddings(args.rows)
    vectors, labels, source = data or synthetic(args.rows)
    print(f"{len(vectors):,} x {vectors.shape[1]} float32: {source}; openTSNE's FFT: {fft_backend()}; "
          f"load average {load_before[0]:.1f}", flush=True)

    figures = {}
    for method in ("tsne", "umap"):
        coords, seconds = timed(compute_layout, vectors, method)
        quality = layout_quality(vectors, coords, labels)
        figures[method] = (seconds, quality)
        print(f"{method}: {len(vectors):,} points in {seconds:.1f} s; 10-NN kept {quality['knn_preservation']:.1%}, "
              f"label agreement {quality['label_agreement_layout']:.1%} "
              f"(original space {quality['label_agreement_original']:.1%})", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shared_s, shared_speedup, _ = compare_shared(vectors, labels, [figures[m][0] for m in ("tsne", "umap")],
                                                 ["tsne", "umap"])
    perplexities = ["tsne:perplexity=5", "tsne", "tsne:perplexity=50"]
    alone = [figures["tsne"][0] if item == "tsne" else timed(compute_layout, vectors, item)[1] for item in perplexities]
    three_s, three_speedup, three_kept = compare_shared(vectors, labels, alone, perplexities)

    settings = compare_settings(vectors, labels, args.settings) if args.settings else {}
    comparison = compare_with_sklearn(vectors, args.sample) if args.sample else {"speedup_vs_sklearn": None}
    with tempfile.TemporaryDirectory() as empty:
        cold = start_up_seconds(empty)
    warm = start_up_seconds(os.environ.get("NUMBA_CACHE_DIR") or
                            os.path.join(os.path.expanduser("~"), ".cache", "projector-export", "numba"))
    print(f"start-up, 2,000 points, fresh process: {cold:.1f} s with an empty numba cache, {warm:.1f} s with "
          "the kept cache", flush=True)
    load_after = os.getloadavg()
    print(json.dumps({
        "rows": len(vectors), "dim": int(vectors.shape[1]), "data": source, "tsne_fft": fft_backend(),
        "tsne_s": round(figures["tsne"][0], 1), "umap_s": round(figures["umap"][0], 1),
        "tsne_knn_preservation": figures["tsne"][1]["knn_preservation"],
        "umap_knn_preservation": figures["umap"][1]["knn_preservation"],
        "peak_mb": round(peak_mb), "shared_tsne_umap_s": round(shared_s, 1),
        "shared_neighbours_speedup": round(shared_speedup, 2), "three_perplexities_alone_s": round(sum(alone), 1),
        "three_perplexities_shared_s": round(three_s, 1), "three_perplexities_speedup": round(three_speedup, 2),
        "perplexity_knn_preservation": three_kept, "settings": settings, "cold_start_s": round(cold, 1), "warm_start_s": round(warm, 1),
        **comparison,
        "load_before": round(load_before[0], 2), "load_after": round(load_after[0], 2), "cores": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
