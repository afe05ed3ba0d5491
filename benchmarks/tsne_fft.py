"""openTSNE on FFTW vs on numpy's FFT, same 20,000 points, same settings and seed; and scikit-learn's TSNE.

    python -m benchmarks.tsne_fft [--sample 20000] [--repeats 2]

The shipped t-SNE (`compute_layout(points, "tsne")`) runs in a fresh process per
build of the same openTSNE version: its PyPI wheel (numpy's FFT) and a source build
against FFTW (Debian's `libfftw3-dev`, what `make` installs). Both builds are cached
under ~/.cache/projector-export/benchmarks (pip --target), never in the project's
venv, and put first on the child's path; each child reports the FFT it ran on
(`exporter.layouts.fft.fft_backend`). The order alternates between repeats, so a
change of machine load falls on both. Then scikit-learn's `TSNE` with 2 threads on
the same points, in this process. The points are the comparison sample of
`benchmarks.layouts` (LSA sentence vectors; synthetic when the data is absent).
Ends with one line of JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from importlib.metadata import version

import numpy as np

from benchmarks.layouts import CACHE, comparison_sample, real_embeddings, sklearn_tsne, synthetic, timed
from exporter.layouts import layout_quality

#: build -> how pip gets it: the wheel, or the source (FFTW when its headers are found; never pip's wheel cache,
#: which may hold a build made before libfftw3-dev was installed).
BUILDS = {"numpy": ["--only-binary", "openTSNE"], "fftw": ["--no-binary", "openTSNE", "--no-cache-dir"]}
_RUN = """
import json, sys, time
import numpy as np
from exporter.layouts import compute_layout, layout_quality
from exporter.layouts.fft import fft_backend
import openTSNE
points = np.load(sys.argv[1])
start = time.perf_counter()
coords = compute_layout(points, "tsne", progress=False)
seconds = time.perf_counter() - start
print(json.dumps({"fft": fft_backend(), "s": seconds, "from": openTSNE.__file__,
                  "knn_preservation": layout_quality(points, coords)["knn_preservation"]}))
"""


def opentsne_build(build):
    """The folder holding openTSNE (this version) as `build` installs it, made once."""
    target = os.path.join(CACHE, f"opentsne-{version('openTSNE')}-{build}")
    if not os.path.isdir(os.path.join(target, "openTSNE")):
        print(f"installing openTSNE {version('openTSNE')} ({build}) into {target}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target, *BUILDS[build],
                        f"openTSNE=={version('openTSNE')}"], check=True)
    return target


def run_build(target, points_file):
    """{fft, s, knn_preservation, from} of the shipped t-SNE in a fresh process on openTSNE from `target`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([target, os.getcwd()])}
    done = subprocess.run([sys.executable, "-c", _RUN, points_file], env=env, capture_output=True, text=True,
                          check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["from"].startswith(target), result["from"]  # the cached build, not the venv's
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=20_000, help="points (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each build (default: %(default)s)")
    args = parser.parse_args(argv)
    targets = {build: opentsne_build(build) for build in BUILDS}
    load_before = os.getloadavg()[0]
    vectors, _, source = real_embeddings(100_000) or synthetic(100_000)
    points = comparison_sample(vectors, args.sample)
    print(f"{len(points):,} x {points.shape[1]}: {source}; load average {load_before:.1f}", flush=True)
    runs = {build: [] for build in BUILDS}
    with tempfile.TemporaryDirectory() as folder:
        points_file = os.path.join(folder, "points.npy")
        np.save(points_file, points)
        for repeat in range(args.repeats):
            for build in (list(BUILDS) if repeat % 2 == 0 else list(BUILDS)[::-1]):
                runs[build].append(run_build(targets[build], points_file))
                run = runs[build][-1]
                print(f"openTSNE {build} build (FFT: {run['fft']}): {run['s']:.1f} s, "
                      f"10-NN kept {run['knn_preservation']:.2%}; load {os.getloadavg()[0]:.1f}", flush=True)
    coords, sklearn_s = timed(sklearn_tsne, points)
    sklearn_kept = layout_quality(points, coords)["knn_preservation"]
    print(f"scikit-learn TSNE, 2 threads: {sklearn_s:.1f} s, 10-NN kept {sklearn_kept:.2%}", flush=True)
    median = {build: statistics.median(run["s"] for run in runs[build]) for build in BUILDS}
    for build in BUILDS:
        seconds = [run["s"] for run in runs[build]]
        print(f"{build}: {min(seconds):.1f}-{max(seconds):.1f} s over {len(seconds)} runs, "
              f"{sklearn_s / median[build]:.1f}x scikit-learn's speed", flush=True)
    print(f"FFTW build vs wheel: {median['numpy'] / median['fftw']:.2f}x (medians)", flush=True)
    print(json.dumps({
        "points": len(points), "data": source, "opentsne": version("openTSNE"),
        "builds": {build: {"fft": runs[build][0]["fft"], "s": [round(run["s"], 1) for run in runs[build]],
                           "knn_preservation": [run["knn_preservation"] for run in runs[build]],
                           "speedup_vs_sklearn": round(sklearn_s / median[build], 2)} for build in BUILDS},
        "fftw_speedup": round(median["numpy"] / median["fftw"], 2), "sklearn_s": round(sklearn_s, 1),
        "sklearn_knn_preservation": sklearn_kept, "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2), "cores": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
