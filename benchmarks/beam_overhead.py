"""Beam's overhead: `text --runner local --workers N` vs the in-process `text`, same texts, same cores, one run.

Example:
    python -m benchmarks.beam_overhead --texts 2000      # about 1-2 minutes per side on 2 quiet cores
    python -m benchmarks.extraction                      # calls measure(texts, workers=2) on its 20,000 texts

Both sides are the command a user runs (a subprocess: Python and TensorFlow start-up,
model load, reading, embedding, the export with its commit), on the same texts, given the
whole machine: the in-process command with TensorFlow's threads over all cores, the pipeline
with N SDK worker processes (FnApiRunner, multi_processing) sharing them. `beam_overhead`
is the pipeline's wall time over the in-process one (goal <= 1.3); `cpu_s_per_text` is
the pipeline's CPU seconds (every process: driver and workers) per text, start-up
included, from which a PROJECTION (not a measurement) of 1M and 100M texts on 8, 64 and
512 cores is printed: CPU-seconds x texts / cores, assuming perfect scaling and this
machine's per-core speed. Ends with one line of JSON; the load average goes with every figure.
"""

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "models", "bert", "sample", "train.tsv")
SHARDS = 4
PROJECTED_TEXTS = (1_000_000, 100_000_000)
PROJECTED_CORES = (8, 64, 512)


def measure(texts, *, workers=2):
    """{beam_overhead, cpu_s_per_text, ...} of `text --runner local --workers workers` vs in-process on `texts`."""
    folder = tempfile.mkdtemp(prefix="beam-overhead-")
    try:
        _write_csv(os.path.join(folder, "all.csv"), texts)
        for part in range(SHARDS):
            _write_csv(os.path.join(folder, f"part-{part}.csv"), texts[part::SHARDS])
        common = ["--text-column", "text", "--logdir", os.path.join(folder, "logdir"), "--no-tsv", "--no-pca-bookmark"]
        alone = _timed(["--data", os.path.join(folder, "all.csv"), *common, "--run", "inprocess"])
        beam = _timed(["--data", os.path.join(folder, "part-*.csv"), *common, "--run", "beam", "--runner", "local",
                       "--workers", str(workers)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "beam_overhead": round(beam["seconds"] / alone["seconds"], 3),
        "cpu_s_per_text": round(beam["cpu_s"] / len(texts), 5),
        "in_process_cpu_s_per_text": round(alone["cpu_s"] / len(texts), 5),
        "beam_texts": len(texts), "beam_workers": workers, "cores": os.cpu_count(),
        "beam_s": round(beam["seconds"], 1), "in_process_s": round(alone["seconds"], 1),
        "beam_load": beam["load"], "in_process_load": alone["load"],
    }
    print(f"beam: {len(texts)} texts, in-process {alone['seconds']:.1f} s (load {alone['load']}) vs "
          f"--runner local --workers {workers} {beam['seconds']:.1f} s (load {beam['load']}): "
          f"overhead x{figures['beam_overhead']}, {figures['cpu_s_per_text'] * 1000:.1f} ms of CPU per text "
          f"(in-process {figures['in_process_cpu_s_per_text'] * 1000:.1f} ms)")
    print_projection(figures["cpu_s_per_text"])
    return figures


def print_projection(cpu_s_per_text):
    print("PROJECTION, not a measurement: texts x CPU-s per text / cores, perfect scaling, this machine's cores")
    for n in PROJECTED_TEXTS:
        cells = [f"{cores} cores {_duration(n * cpu_s_per_text / cores)}" for cores in PROJECTED_CORES]
        print(f"  {n:>11,} texts: " + ", ".join(cells))


def _duration(seconds):
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _timed(args):
    """Wall and CPU seconds (the command and every process it waited for) of `projector-export text ARGS`."""
    command = [sys.executable, "-c", "from exporter.cli import console_main; console_main()", "text", *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)}
    before, load = resource.getrusage(resource.RUSAGE_CHILDREN), round(os.getloadavg()[0], 1)
    start = time.perf_counter()
    job = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if job.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {job.stderr.strip()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu_s": cpu, "load": load}


def _write_csv(path, texts):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)


def sample_texts(n):
    """`n` texts: the shared data's mix when it is there (benchmarks.extraction), else the bundled sample, repeated."""
    try:
        from benchmarks.extraction import SHARED, mixed_texts

        if os.path.isdir(os.path.join(SHARED, "goemotions")):
            return mixed_texts(n)
    except ImportError:
        pass
    with open(SAMPLE, encoding="utf-8") as f:
        bundled = [line.split("\t")[0] for line in f]
    return [f"{bundled[i % len(bundled)]} ({i})" for i in range(n)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.beam_overhead", description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000, help="texts to embed (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="Beam worker processes (default: %(default)s)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    figures = measure(sample_texts(args.texts), workers=args.workers)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
