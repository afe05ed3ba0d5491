"""exporter.vectors.cosine_neighbours against the loop it replaced, on the same points in one run.

Each point's k nearest other points by cosine, all N of them: the shared function
(blocks of 1,024 queries, argpartition, only the k found sorted) against what the
callback, the word2vec ground truth and `neighbors` each wrote before (unit rows,
one similarity row per query, a full stable argsort). Both must return the same
rows; the figure is their time ratio, best of --repeat.

    python -m benchmarks.vectors --rows 5000 --dim 64 --repeat 3
"""

import argparse
import json
import os
import time

import numpy as np

from exporter import cosine_neighbours


def full_argsort(vectors, k):
    """The replaced code: per query, the whole similarity row sorted (itself skipped)."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    found = np.empty((len(unit), k), np.int64)
    for row in range(len(unit)):
        similarity = unit @ unit[row]
        found[row] = [i for i in np.argsort(-similarity, kind="stable")[: k + 1] if i != row][:k]
    return found


def shared(vectors, k):
    return cosine_neighbours(vectors, vectors, k, exclude=[[row] for row in range(len(vectors))])[0]


def best_seconds(function, repeat, *args):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), times, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000, help="points (default: %(default)s)")
    parser.add_argument("--dim", type=int, default=64, help="dimensions (default: %(default)s)")
    parser.add_argument("-k", type=int, default=10, help="neighbours per point (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best counts (default: %(default)s)")
    args = parser.parse_args()
    vectors = np.random.default_rng(0).normal(size=(args.rows, args.dim)).astype(np.float32)
    load = os.getloadavg()[0]
    old_s, old_runs, old = best_seconds(full_argsort, args.repeat, vectors, args.k)
    new_s, new_runs, new = best_seconds(shared, args.repeat, vectors, args.k)
    same = float((old == new).all(axis=1).mean())
    print(f"{args.rows} x {args.dim}, k={args.k}, load {load:.1f}: full argsort per query {old_s:.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in old_runs)}), cosine_neighbours {new_s:.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in new_runs)}): {old_s / new_s:.1f}x; same rows for {same:.2%} of points")
    print(json.dumps({"rows": args.rows, "dim": args.dim, "k": args.k, "load_average": load,
                      "full_argsort_s": old_s, "cosine_neighbours_s": new_s, "speedup": old_s / new_s,
                      "same_rows_share": same, "full_argsort_runs_s": old_runs, "cosine_neighbours_runs_s": new_runs}))


if __name__ == "__main__":
    main()
