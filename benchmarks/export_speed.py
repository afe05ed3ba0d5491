"""Writing speed and memory of the exporter, and how fast TensorBoard serves what it writes.

    python -m benchmarks.export_speed [--rows 100000] [--dim 100] [--serve-dim 768] [--repeat 3]
        [--serve-runs 5] [--import-rows 400000] [--import-dim 100] [--parts abcd]

Figures of (a) and (c) are the best of --repeat runs (the machine is shared; the best
run is the least disturbed one); (b) reports every one of --serve-runs pairs.

(a) A --rows x --dim float32 matrix with word labels (words of AG News from
    /work/shared/data when present), written as vectors.tsv + metadata.tsv by the
    TensorFlow tutorial's loop, by numpy.savetxt and by ours
    (`exporter.writers.tsv.write_vectors_tsv`). Each runs in its own process; peak
    memory is that process's max RSS growth from loading the matrix to the end,
    against the target of 2x the matrix + 300 MB (Linux: VmHWM after a reset). Ours is read back and must be
    bit-exact float32.
(b) A --rows x --serve-dim matrix: seconds from the start of writing until a running
    TensorBoard's /tensor route has served it, for our export (raw float32
    `tensor_path`) and for the same data as a `tensor_path` TSV. Each gets its own
    TensorBoard (started before the writing, scanning for new runs every
    --reload-interval s, 1 by default; dirty pages flushed before each side starts);
    --serve-runs pairs, the ratio of each pair must reach the target. Each line also
    says when the run was written and when TensorBoard's scan listed it: that wait is
    TensorBoard's, the same for both formats. Both are also timed through
    `projector-export serve` (same scan interval).
(c) Whole processes: `projector-export import` of an --import-rows x --import-dim
    `.npy` with word labels (every default artifact: vectors.bytes, vectors.tsv,
    metadata, PCA bookmark, both configs) against a process running the TensorFlow
    tutorial's loop writing vectors.tsv alone (target: ours >= 3x faster).
(d) Whole processes: `projector-export --help`, and `projector-export validate` of a
    logdir holding one 3-point export (target: < 1 s each on an idle machine).

Ends with one line of JSON.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

AG_NEWS = "/work/shared/data/ag_news/train_sample_20k.csv"
TARGET_SPEEDUP = 10
TARGET_IMPORT_SPEEDUP = 3
TARGET_STARTUP_S = 1.0
PROJECTOR_EXPORT = os.path.join(os.path.dirname(sys.executable), "projector-export")
MB = 1 << 20

# Each contender writes `vectors.tsv` and `metadata.tsv` into `out` from the same inputs.
_CONTENDERS = {
    "tutorial": """
write_tutorial_files(out, words, weights)
""",
    "savetxt": """
np.savetxt(os.path.join(out, "vectors.tsv"), weights, delimiter="\\t")
with open(os.path.join(out, "metadata.tsv"), "w", encoding="utf-8") as f:
    f.write("\\n".join(words) + "\\n")
""",
    "ours": """
write_vectors_tsv(os.path.join(out, "vectors.tsv"), weights)
write_metadata_tsv(os.path.join(out, "metadata.tsv"), pd.DataFrame({"label": words}))
""",
}
_RUN_CONTENDER = """
import json, os, sys, time
import numpy as np
import pandas as pd
from exporter.writers.tsv import write_metadata_tsv, write_vectors_tsv
from tests.support.tutorial import write_tutorial_files

def status_kb(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

matrix_path, words_path, out = sys.argv[1:]
# Peak RSS from here on: reset the high-water mark (ru_maxrss would start at the parent's size).
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status_kb("VmRSS")
weights = np.load(matrix_path)
with open(words_path, encoding="utf-8") as f:
    words = f.read().split("\\n")
start = time.perf_counter()
{code}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "peak_mb": (status_kb("VmHWM") - before) / 1024}}))
"""


def word_labels(n):
    """`n` distinct words: AG News vocabulary when present, numbered when it runs out."""
    words = []
    if os.path.exists(AG_NEWS):
        seen = set()
        with open(AG_NEWS, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for word in re.findall(r"[a-z']+", " ".join(row[1:]).lower()):
                    if word not in seen:
                        seen.add(word)
                        words.append(word)
    return (words + [f"word{i}" for i in range(len(words), n)])[:n]


def run_contender(name, matrix_path, words_path, out, repeat):
    """{"seconds", "peak_mb"}: the best of `repeat` runs, each in a fresh process."""
    os.makedirs(out, exist_ok=True)
    script = _RUN_CONTENDER.format(code=_CONTENDERS[name])
    runs = [
        json.loads(
            subprocess.run([sys.executable, "-c", script, matrix_path, words_path, out],
                           capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        )
        for _ in range(repeat)
    ]
    return {key: min(run[key] for run in runs) for key in runs[0]}


def read_back(path):
    """The float32 values JavaScript's parseFloat + Float32Array get: nearest double, then float32."""
    return np.loadtxt(path, dtype=np.float64, delimiter="\t", ndmin=2).astype(np.float32)


def benchmark_writing(rows, dim, workdir, repeat):
    matrix = np.random.default_rng(0).normal(size=(rows, dim)).astype(np.float32)
    matrix_path, words_path = os.path.join(workdir, "matrix.npy"), os.path.join(workdir, "words.txt")
    np.save(matrix_path, matrix)
    with open(words_path, "w", encoding="utf-8") as f:
        f.write("\n".join(word_labels(rows)))
    figures = {
        name: run_contender(name, matrix_path, words_path, os.path.join(workdir, name), repeat) for name in _CONTENDERS
    }
    served = read_back(os.path.join(workdir, "ours", "vectors.tsv"))
    bit_exact = served.shape == matrix.shape and bool((served.view(np.uint32) == matrix.view(np.uint32)).all())
    target_mb = 2 * matrix.nbytes / MB + 300
    return {
        "rows": rows,
        "dim": dim,
        "tutorial_s": figures["tutorial"]["seconds"],
        "savetxt_s": figures["savetxt"]["seconds"],
        "ours_s": figures["ours"]["seconds"],
        "speedup_vs_tutorial": figures["tutorial"]["seconds"] / figures["ours"]["seconds"],
        "speedup_vs_savetxt": figures["savetxt"]["seconds"] / figures["ours"]["seconds"],
        "round_trip_bit_exact": bit_exact,
        "tutorial_peak_mb": figures["tutorial"]["peak_mb"],
        "savetxt_peak_mb": figures["savetxt"]["peak_mb"],
        "ours_peak_mb": figures["ours"]["peak_mb"],
        "peak_target_mb": target_mb,
    }


def seconds_until_served(logdir, write, run, name, expected, reload_interval, serve=False):
    """Starts TensorBoard (`projector-export serve` if `serve`) on the empty `logdir`, then times
    `write()` + polling until /tensor serves `expected`.

    Dirty pages of earlier runs are flushed first (`os.sync()`), so that neither side
    waits for the other's writeback. Returns seconds (written, listed in /runs, served)."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tests.support.tensorboard_server import ServeServer, TensorBoardServer

    os.makedirs(logdir)  # serve wants the folder to exist
    with (ServeServer if serve else TensorBoardServer)(logdir, startup_timeout=300, reload_interval=reload_interval,
                                                       poll_interval=0.02) as server:
        os.sync()
        start = time.perf_counter()
        write()
        written = time.perf_counter() - start
        server.wait_for_run(run, timeout=1800)
        listed = time.perf_counter() - start
        server.wait_for_tensor(run, name, timeout=1800)
        served = server.tensor(run, name, num_rows=100_000)
        seconds = time.perf_counter() - start
    if served.view(np.uint32).tobytes() != expected[:100_000].view(np.uint32).tobytes():
        raise AssertionError(f"TensorBoard served other values for {run}/{name}")
    return written, listed, seconds


def write_tensor_path_run(run_dir, matrix):
    """A run whose config points at `vectors.tsv` (`tensor_path`): what the tutorial's users end up with."""
    from exporter.run.folder import read_tensorboard_config
    from exporter.run import tensorboard_config
    from exporter.run.event_file import ensure_event_file
    from exporter.writers.tsv import write_vectors_tsv

    write_vectors_tsv(os.path.join(run_dir, "vectors.tsv"), matrix)
    config = read_tensorboard_config(run_dir)
    tensorboard_config.put_embedding(config, "vectors", shape=matrix.shape, tensor_path="vectors.tsv")
    tensorboard_config.write_config(run_dir, config)
    ensure_event_file(run_dir)


def benchmark_serving(rows, dim, workdir, runs, reload_interval):
    from exporter import export_embeddings

    matrix = np.random.default_rng(1).normal(size=(rows, dim)).astype(np.float32)

    def export_ours(logdir):
        export_embeddings(matrix, None, logdir=logdir, run="run", name="vectors",
                          write_tsv=False, standalone_config=False, pca_bookmark=False)

    def write_tensor_path_tsv(logdir):
        write_tensor_path_run(os.path.join(logdir, "run"), matrix)

    pairs = []
    for i in range(runs):
        ours = seconds_until_served(os.path.join(workdir, f"ours{i}"), lambda: export_ours(os.path.join(
            workdir, f"ours{i}")), "run", "vectors", matrix, reload_interval)
        tsv = seconds_until_served(os.path.join(workdir, f"tsv{i}"), lambda: write_tensor_path_tsv(os.path.join(
            workdir, f"tsv{i}")), "run", "vectors", matrix, reload_interval)
        served = seconds_until_served(os.path.join(workdir, f"serve{i}"), lambda: export_ours(os.path.join(
            workdir, f"serve{i}")), "run", "vectors", matrix, reload_interval, serve=True)
        tsv_served = seconds_until_served(os.path.join(workdir, f"serve-tsv{i}"), lambda: write_tensor_path_tsv(
            os.path.join(workdir, f"serve-tsv{i}")), "run", "vectors", matrix, reload_interval, serve=True)
        pairs.append({"ours_written_s": ours[0], "ours_listed_s": ours[1], "ours_served_s": ours[2],
                      "tsv_written_s": tsv[0], "tsv_listed_s": tsv[1], "tsv_served_s": tsv[2],
                      "serve_ours_s": served[2], "serve_tsv_s": tsv_served[2], "ratio": tsv[2] / ours[2]})
        print(f"(b) run {i + 1}: tensorboard: ours served after {ours[2]:.2f} s (written {ours[0]:.2f}, run listed "
              f"{ours[1]:.2f}), tensor_path TSV after {tsv[2]:.2f} s (written {tsv[0]:.2f}, listed {tsv[1]:.2f}) "
              f"-> {tsv[2] / ours[2]:.1f}x | projector-export serve: ours {served[2]:.2f} s (written {served[0]:.2f}, "
              f"listed {served[1]:.2f}), TSV {tsv_served[2]:.2f} s -> {tsv_served[2] / served[2]:.1f}x", flush=True)
    ratios = [p["ratio"] for p in pairs]
    return {
        "rows": rows,
        "dim": dim,
        "reload_interval_s": reload_interval,
        "ours_written_s": [round(p["ours_written_s"], 3) for p in pairs],
        "ours_listed_s": [round(p["ours_listed_s"], 3) for p in pairs],
        "ours_served_s": [round(p["ours_served_s"], 3) for p in pairs],
        "tsv_served_s": [round(p["tsv_served_s"], 3) for p in pairs],
        "ratios": [round(r, 2) for r in ratios],
        "serve_ours_s": [round(p["serve_ours_s"], 3) for p in pairs],
        "serve_tsv_s": [round(p["serve_tsv_s"], 3) for p in pairs],
        "serve_ratios": [round(p["serve_tsv_s"] / p["serve_ours_s"], 2) for p in pairs],
        "min_ratio": min(ratios),
        "max_ratio": max(ratios),
    }


_TUTORIAL_PROCESS = """
import io, os, sys
import numpy as np
weights = np.load(sys.argv[1])
out_v = io.open(sys.argv[2], "w", encoding="utf-8")
for vec in weights:
    out_v.write("\\t".join([str(x) for x in vec]) + "\\n")
out_v.close()
"""


def _whole_process_seconds(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    return time.perf_counter() - start


def benchmark_import(rows, dim, workdir, repeat):
    """(c): whole-process `projector-export import` against the tutorial loop writing vectors.tsv alone."""
    matrix = np.random.default_rng(2).normal(size=(rows, dim)).astype(np.float32)
    matrix_path, words_path = os.path.join(workdir, "import.npy"), os.path.join(workdir, "import-words.txt")
    np.save(matrix_path, matrix)
    with open(words_path, "w", encoding="utf-8") as f:
        f.write("\n".join(word_labels(rows)) + "\n")
    ours, tutorial = [], []
    for i in range(repeat):
        ours.append(_whole_process_seconds([PROJECTOR_EXPORT, "import", matrix_path, "--metadata", words_path,
                                            "--logdir", os.path.join(workdir, f"import-logdir{i}"), "--run", "run",
                                            "--name", "words"]))
        tutorial.append(_whole_process_seconds([sys.executable, "-c", _TUTORIAL_PROCESS, matrix_path,
                                                os.path.join(workdir, f"tutorial-vectors{i}.tsv")]))
        print(f"(c) run {i + 1}: projector-export import {ours[-1]:.2f} s, tutorial loop {tutorial[-1]:.2f} s",
              flush=True)
    return {"rows": rows, "dim": dim, "ours_s": min(ours), "ours_runs_s": [round(x, 2) for x in ours],
            "tutorial_s": min(tutorial), "tutorial_runs_s": [round(x, 2) for x in tutorial],
            "speedup": min(tutorial) / min(ours)}


def benchmark_startup(workdir, repeat):
    """(d): whole-process seconds of `--help` and of `validate` on a 3-point export."""
    from exporter import export_embeddings

    logdir = os.path.join(workdir, "tiny")
    export_embeddings(np.eye(3, 4), ["a", "b", "c"], logdir=logdir, run="run", name="tiny")
    help_s = [_whole_process_seconds([PROJECTOR_EXPORT, "--help"]) for _ in range(repeat)]
    validate_s = [_whole_process_seconds([PROJECTOR_EXPORT, "validate", "--logdir", logdir]) for _ in range(repeat)]
    return {"help_s": min(help_s), "help_runs_s": [round(x, 3) for x in help_s],
            "validate_s": min(validate_s), "validate_runs_s": [round(x, 3) for x in validate_s]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=100, help="dimensions for (a), writing")
    parser.add_argument("--serve-dim", type=int, default=768, help="dimensions for (b), serving")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender in (a), (c), (d); the best counts")
    parser.add_argument("--serve-runs", type=int, default=5, help="pairs of TensorBoards in (b); each must reach the target")
    parser.add_argument("--import-rows", type=int, default=400_000, help="rows for (c)")
    parser.add_argument("--import-dim", type=int, default=100, help="dimensions for (c)")
    parser.add_argument("--reload-interval", type=float, default=1.0,
                        help="TensorBoard's --reload_interval in (b): seconds between its scans for new runs")
    parser.add_argument("--parts", default="abcd", help="which parts to run (default: abcd)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    print(f"load: {os.getloadavg()} on {os.cpu_count()} cores", flush=True)

    figures, met = {}, []
    with tempfile.TemporaryDirectory(prefix="export-speed-") as workdir:
        if "a" in args.parts:
            a = benchmark_writing(args.rows, args.dim, workdir, args.repeat)
            print(f"(a) {a['rows']} x {a['dim']} float32 + word labels -> vectors.tsv + metadata.tsv")
            for name in ("tutorial", "savetxt", "ours"):
                print(f"    {name:9s} {a[name + '_s']:7.2f} s   peak {a[name + '_peak_mb']:7.0f} MB")
            print(f"    ours: {a['speedup_vs_tutorial']:.1f}x the tutorial loop (target >= {TARGET_SPEEDUP}x), "
                  f"{a['speedup_vs_savetxt']:.1f}x numpy.savetxt, bit-exact float32 round trip: "
                  f"{a['round_trip_bit_exact']}, peak {a['ours_peak_mb']:.0f} MB (target <= {a['peak_target_mb']:.0f} MB)",
                  flush=True)
            figures |= {f"a_{k}": v for k, v in a.items()}
            met.append(a["speedup_vs_tutorial"] >= TARGET_SPEEDUP and a["round_trip_bit_exact"]
                       and a["ours_peak_mb"] <= a["peak_target_mb"])
        if "b" in args.parts:
            b = benchmark_serving(args.rows, args.serve_dim, workdir, args.serve_runs, args.reload_interval)
            print(f"(b) {b['rows']} x {b['dim']}: written until TensorBoard's /tensor served it, tensor_path TSV "
                  f"over ours: {b['min_ratio']:.1f}x to {b['max_ratio']:.1f}x in {len(b['ratios'])} runs (target >= "
                  f"{TARGET_SPEEDUP}x in every run; TensorBoard scans every {args.reload_interval:g} s); through "
                  f"projector-export serve: {min(b['serve_ratios']):.1f}x to {max(b['serve_ratios']):.1f}x", flush=True)
            figures |= {f"b_{k}": v for k, v in b.items()}
            met.append(b["min_ratio"] >= TARGET_SPEEDUP)
        if "c" in args.parts:
            c = benchmark_import(args.import_rows, args.import_dim, workdir, args.repeat)
            print(f"(c) whole process, {c['rows']} x {c['dim']} .npy: projector-export import (all default "
                  f"artifacts) {c['ours_s']:.2f} s, tutorial loop (vectors.tsv only) {c['tutorial_s']:.2f} s -> "
                  f"{c['speedup']:.1f}x (target >= {TARGET_IMPORT_SPEEDUP}x)", flush=True)
            figures |= {f"c_{k}": v for k, v in c.items()}
            met.append(c["speedup"] >= TARGET_IMPORT_SPEEDUP)
        if "d" in args.parts:
            d = benchmark_startup(workdir, args.repeat)
            print(f"(d) whole process: projector-export --help {d['help_s']:.2f} s, validate of a 3-point logdir "
                  f"{d['validate_s']:.2f} s (target < {TARGET_STARTUP_S} s on an idle machine)", flush=True)
            figures |= {f"d_{k}": v for k, v in d.items()}
            met.append(d["help_s"] < TARGET_STARTUP_S and d["validate_s"] < TARGET_STARTUP_S)
    figures["load_after"] = list(os.getloadavg())
    figures["targets_met"] = bool(met and all(met))
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
