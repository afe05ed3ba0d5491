"""Export of a generated 400,000 x 300 word2vec text file: seconds and peak memory,
against gensim's `word2vec2tensor` script in the same run.

    python -m benchmarks.word2vec_import [--rows 400000] [--dim 300] [--gensim-python PATH]

gensim pins numpy/scipy versions of its own, so it is never installed into the
project's venv: give the Python of a throwaway venv holding it (default:
$GENSIM_PYTHON, else /tmp/gensim-venv/bin/python when present). Without gensim the
baseline is the plain-Python loop gensim's loader and the projector tutorial use.
Each contender runs in its own process; peak memory is that process's max RSS.
Ends with one line of JSON.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

DEFAULT_GENSIM_PYTHON = "/tmp/gensim-venv/bin/python"
_ROWS_PER_BLOCK = 5_000

# The baseline without gensim: the loop of gensim's text loader (`line.split()`,
# float() per value) and of the projector tutorial's writer ('\t'.join(str(x))).
_PLAIN_PYTHON_LOOP = """
import sys
import numpy as np
source, prefix = sys.argv[1:]
words, rows = [], []
with open(source, encoding="utf-8") as f:
    f.readline()
    for line in f:
        parts = line.rstrip().split(" ")
        words.append(parts[0])
        rows.append(np.array([float(x) for x in parts[1:]], dtype=np.float32))
with open(prefix + "_tensor.tsv", "w") as f:
    for row in rows:
        f.write("\\t".join(str(x) for x in row) + "\\n")
with open(prefix + "_metadata.tsv", "w") as f:
    f.writelines(word + "\\n" for word in words)
"""


def write_word2vec_text(path, rows, dim, seed=0):
    """word2vec text: `N D`, then `word v1 ... vD`; values uniform in (-1, 1), 6-7 decimals
    (9 characters each, like real files). Written block by block with NumPy."""
    rng = np.random.default_rng(seed)
    powers = 10 ** np.arange(6, -1, -1)
    with open(path, "wb") as f:
        f.write(f"{rows} {dim}\n".encode())
        for start in range(0, rows, _ROWS_PER_BLOCK):
            n = min(_ROWS_PER_BLOCK, rows - start)
            negative = rng.random((n, dim)) < 0.5
            mantissa = rng.integers(0, 10**7, (n, dim))
            digits = (mantissa[..., None] // powers) % 10  # 7 decimal digits
            text = np.empty((n, dim, 10), np.uint8)
            text[..., 0] = ord(" ")
            text[..., 1] = np.where(negative, ord("-"), ord("0"))
            text[..., 2] = np.where(negative, ord("0"), ord("."))
            text[..., 3] = np.where(negative, ord("."), digits[..., 0] + ord("0"))
            text[..., 4:] = digits[..., 1:] + ord("0")
            lines = text.reshape(n, dim * 10)
            words = (f"w{start + i}".encode() for i in range(n))
            f.write(b"".join(word + line.tobytes() + b"\n" for word, line in zip(words, lines)))


def measure(command):
    """(seconds, peak RSS in MiB) of `command` run to completion in its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"{command[:3]} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def gensim_python(explicit):
    candidates = [explicit, os.environ.get("GENSIM_PYTHON"), DEFAULT_GENSIM_PYTHON]
    for python in filter(None, candidates):
        if os.path.exists(python) and subprocess.run([python, "-c", "import gensim"], capture_output=True).returncode == 0:
            return python
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--gensim-python", help="Python of a venv with gensim installed")
    args = parser.parse_args(argv)
    exporter_cli = os.path.join(os.path.dirname(sys.executable), "projector-export")
    matrix_mib = args.rows * args.dim * 4 / 2**20

    with tempfile.TemporaryDirectory(prefix="word2vec-bench-") as work:
        source = os.path.join(work, "vectors.txt")
        started = time.perf_counter()
        write_word2vec_text(source, args.rows, args.dim)
        print(f"generated {args.rows} x {args.dim} word2vec text: {os.path.getsize(source) / 2**20:.0f} MiB "
              f"in {time.perf_counter() - started:.1f} s (float32 matrix: {matrix_mib:.0f} MiB)")

        # Same outputs as word2vec2tensor (vectors TSV + metadata TSV), plus the run checkpoint
        # and config TensorBoard needs; no PCA bookmark or vectors.bytes, which gensim does not make.
        ours_cmd = [exporter_cli, "checkpoint", source, "--logdir", os.path.join(work, "logdir"), "--run", "w2v",
                    "--name", "words", "--no-pca-bookmark", "--no-standalone"]
        ours_s, ours_mib = measure(ours_cmd)
        tiny = os.path.join(work, "tiny.txt")
        write_word2vec_text(tiny, 10, args.dim)
        _, baseline_mib = measure([*ours_cmd[:2], tiny, *ours_cmd[3:]])
        print(f"projector-export checkpoint: {ours_s:.1f} s, peak RSS {ours_mib:.0f} MiB "
              f"({ours_mib - baseline_mib:.0f} MiB above the {baseline_mib:.0f} MiB of the same command on a "
              f"10-row file = {(ours_mib - baseline_mib) / matrix_mib:.2f}x the matrix)")

        python = gensim_python(args.gensim_python)
        if python:
            baseline = "gensim word2vec2tensor"
            command = [python, "-m", "gensim.scripts.word2vec2tensor", "-i", source, "-o", os.path.join(work, "g")]
        else:
            baseline = "plain-Python loop (gensim not installed)"
            command = [sys.executable, "-c", _PLAIN_PYTHON_LOOP, source, os.path.join(work, "g")]
        other_s, other_mib = measure(command)
        print(f"{baseline}: {other_s:.1f} s, peak RSS {other_mib:.0f} MiB")
        print(f"speed-up: {other_s / ours_s:.2f}x")

    print(json.dumps({
        "benchmark": "word2vec_import", "rows": args.rows, "dim": args.dim, "matrix_mib": round(matrix_mib),
        "ours_seconds": round(ours_s, 2), "ours_peak_rss_mib": round(ours_mib),
        "ours_peak_above_startup_mib": round(ours_mib - baseline_mib),
        "ours_peak_above_startup_x_matrix": round((ours_mib - baseline_mib) / matrix_mib, 2),
        "baseline": baseline, "baseline_seconds": round(other_s, 2), "baseline_peak_rss_mib": round(other_mib),
        "speedup": round(other_s / ours_s, 2),
    }))


if __name__ == "__main__":
    main()
