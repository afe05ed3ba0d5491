"""Cost of naming number-like metadata cells at export: `EmbeddingTable.number_like_cells` next to writing the
same metadata.tsv, on 1,000,000 labels (words, integer ids, and a mix with `007`-style ids), in one run.

    python -m benchmarks.number_like [--rows 1000000] [--repeat 3]

Prints each repeat, the median seconds and the check / write ratio; ends with one line of JSON.
"""

import argparse
import json
import os
import statistics
import tempfile
import time

import numpy as np


def labels(kind, rows):
    rng = np.random.default_rng(0)
    if kind == "words":
        return [f"w{i}" for i in range(rows)]
    if kind == "ids":
        return [str(i) for i in range(rows)]
    return [f"{i:07d}" if i % 10 == 0 else f"{rng.random():.3f}" if i % 10 == 1 else f"w{i}" for i in range(rows)]


def main(argv=None):
    from exporter.table import EmbeddingTable
    from exporter.writers.tsv import write_metadata_tsv

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores", flush=True)
    figures = {"benchmark": "number_like", "rows": args.rows, "load_1min_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("words", "ids", "mixed"):
            table = EmbeddingTable.build(np.zeros((args.rows, 2), np.float32), labels(kind, args.rows))
            check, write = [], []
            for _ in range(args.repeat):
                start = time.perf_counter()
                found = len(table.number_like_cells())
                check.append(time.perf_counter() - start)
                start = time.perf_counter()
                write_metadata_tsv(os.path.join(folder, "metadata.tsv"), table.metadata)
                write.append(time.perf_counter() - start)
            ratio = statistics.median(check) / statistics.median(write)
            print(f"{kind:6s} check {statistics.median(check):.3f} s (spread {min(check):.3f}-{max(check):.3f}), "
                  f"metadata.tsv write {statistics.median(write):.3f} s (spread {min(write):.3f}-{max(write):.3f}): "
                  f"check/write {ratio:.2f}x, {found} number-like cells", flush=True)
            figures[kind] = {"check_s": check, "write_s": write, "ratio": ratio, "number_like": found}
    figures["load_1min_after"] = os.getloadavg()[0]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
