"""Sentence-embedding speed: ours vs sentence-transformers on the same model files and cores, in one run.

Example:
    python -m benchmarks.extraction                 # 20,000 texts: about 10-20 minutes on 2 quiet cores
    python -m benchmarks.extraction --texts 2000    # a quick look

1. Texts: GoEmotions comments and IMDb reviews from ../shared/data, mixed (IMDB_SHARE of them reviews) and
   shuffled with a fixed seed, so lengths run from a few word pieces to past the 256 the model reads.
2. Ours: `SentenceEncoder.embed` (packaged all-MiniLM-L6-v2, max length 256, batch 64), length-aware batching.
3. The peer: `SentenceTransformer.encode` on the same model folder, same max length and batch size, in a
   subprocess of the benchmark's own venv (~/.cache/projector-export-bench, made on first use: torch 2.13.0 CPU
   and sentence-transformers; never the project's .venv). Each side runs alone, with both cores.
4. `matmul_share`: FLOPs the encoder needs for the real token counts (no padding) per second achieved, over the
   float32 matmul throughput of the same cores measured in the same run (the best of several measurements).
5. Before/after of our path: input-order batches vs length-aware batches on the first `--before-texts` texts
   (input order is slow enough that all 20,000 would take most of an hour).
6. Beam's overhead: `benchmarks.beam_overhead.measure(texts, workers=2)` when that module exists.
Ends with one line of JSON. The machine is shared: the load average is printed with every figure.
"""

import argparse
import csv
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

SHARED = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"))
IMDB_SHARE = 0.1
BATCH_SIZE = 64
MAX_LENGTH = 256
PEER_HOME = os.path.join(os.path.expanduser("~"), ".cache", "projector-export-bench")
PEER_VENV = os.path.join(PEER_HOME, "st-venv")
TORCH = "torch==2.13.0"  # the CPU wheel; a plain `torch` would pull a multi-GB CUDA build

PEER_CODE = r"""
import json, sys, time
import numpy as np, torch
from sentence_transformers import SentenceTransformer, __version__
model_dir, texts_path, out_path, batch_size, max_length = sys.argv[1:6]
torch.set_num_threads(2)
texts = json.load(open(texts_path, encoding="utf-8"))
start = time.perf_counter()
model = SentenceTransformer(model_dir, device="cpu")
model.max_seq_length = int(max_length)
load_s = time.perf_counter() - start
encode = lambda t: model.encode(t, batch_size=int(batch_size), convert_to_numpy=True, normalize_embeddings=True)
encode(texts[:256])  # warm-up, as ours gets
start, cpu = time.perf_counter(), time.process_time()
vectors = encode(texts)
seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
a = torch.randn(2048, 2048)
best = 0.0
for _ in range(5):
    t = time.perf_counter(); [a @ a for _ in range(4)]; best = max(best, 4 * 2 * 2048**3 / (time.perf_counter() - t))
np.save(out_path, vectors.astype(np.float32))
print(json.dumps({"seconds": seconds, "cpu_s": cpu_s, "load_s": load_s, "matmul_flops": best,
                  "versions": {"sentence_transformers": __version__, "torch": torch.__version__}}))
"""


def mixed_texts(n, data=SHARED, seed=0):
    """n texts: (1 - IMDB_SHARE) GoEmotions train comments, IMDB_SHARE IMDb train reviews, shuffled."""
    rng = random.Random(seed)
    with open(os.path.join(data, "goemotions", "train.tsv"), newline="", encoding="utf-8") as f:
        comments = [row[0] for row in csv.reader(f, delimiter="\t")]
    with gzip.open(os.path.join(data, "imdb", "train.csv.gz"), "rt", encoding="utf-8", newline="") as f:
        reviews = [row["review"] for row in csv.DictReader(f)]
    rng.shuffle(comments)
    rng.shuffle(reviews)
    k = round(n * IMDB_SHARE)
    texts = comments[: n - k] + reviews[:k]
    rng.shuffle(texts)
    return texts


def needed_flops(backbone, lengths):
    """Multiply-adds x 2 of the encoder over texts of `lengths` word pieces (no padding): projections,
    feed-forward and attention of every layer."""
    d, ffn, layers = backbone.hidden_dim, backbone.intermediate_dim, backbone.num_layers
    n = np.asarray(lengths, np.float64)
    per_layer = 2 * n * (4 * d * d + 2 * d * ffn) + 4 * n * n * d
    return float(layers * per_layer.sum())


def tf_matmul_flops():
    """Best float32 FLOP/s of a 2048 x 2048 matmul on this process's TensorFlow threads."""
    import tensorflow as tf

    a = tf.random.normal((2048, 2048))
    (a @ a).numpy()
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(4):
            (a @ a).numpy()
        best = max(best, 4 * 2 * 2048**3 / (time.perf_counter() - start))
    return best


def timed(function, *args, **kwargs):
    start, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
    result = function(*args, **kwargs)
    return result, {"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu,
                    "load_before": load, "load_after": os.getloadavg()[0]}


def peer_python():
    """The cached venv's python with sentence-transformers, made on first use; (None, why) when it cannot be."""
    python = os.path.join(PEER_VENV, "bin", "python")
    check = [python, "-c", "import sentence_transformers, torch"]
    if os.path.exists(python) and subprocess.run(check, capture_output=True).returncode == 0:
        return python, None
    os.makedirs(PEER_HOME, exist_ok=True)
    constraints = os.path.join(PEER_HOME, "constraints.txt")
    with open(constraints, "w") as f:
        f.write(TORCH + "\n")
    print(f"installing {TORCH} and sentence-transformers into {PEER_VENV} (once)", flush=True)
    steps = [[sys.executable, "-m", "venv", PEER_VENV], [python, "-m", "pip", "install", "-q", TORCH],
             [python, "-m", "pip", "install", "-q", "-c", constraints, "sentence-transformers"]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            return None, f"`{' '.join(step[-3:])}` failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
    return python, None


def run_peer(python, model_dir, texts):
    with tempfile.TemporaryDirectory() as folder:
        texts_path, out_path = os.path.join(folder, "texts.json"), os.path.join(folder, "vectors.npy")
        with open(texts_path, "w", encoding="utf-8") as f:
            json.dump(texts, f)
        load = os.getloadavg()[0]
        done = subprocess.run([python, "-c", PEER_CODE, model_dir, texts_path, out_path, str(BATCH_SIZE),
                               str(MAX_LENGTH)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"sentence-transformers run failed: {done.stderr.strip()[-2000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures.update(load_before=load, load_after=os.getloadavg()[0])
        return np.load(out_path), figures


def ours(texts, before_texts):
    """(vectors, {figures}) of our encoder: load, warm-up, the timed run, and input order vs by length."""
    from exporter.sources.sentence_encoder import SentenceEncoder, packaged_minilm_dir

    encoder, load = timed(SentenceEncoder.load, max_length=MAX_LENGTH)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # long reviews are truncated at 256 on purpose, on both sides
        encoder.embed(texts[:256], batch_size=BATCH_SIZE, progress=False)  # warm-up (traces), as the peer gets
        vectors, run = timed(encoder.embed, texts, batch_size=BATCH_SIZE, progress=False)
        subset = texts[:before_texts]
        _, before = timed(encoder.embed, subset, batch_size=BATCH_SIZE, progress=False, by_length=False)
        _, after = timed(encoder.embed, subset, batch_size=BATCH_SIZE, progress=False)
    lengths = np.minimum(encoder.word_pieces(texts)[2] + 2, encoder.max_length)
    return encoder, vectors, {"load_s": load["seconds"], "run": run, "before": before, "after": after,
                              "before_texts": len(subset),
                              "word_pieces": lengths, "model_dir": packaged_minilm_dir()}


def beam_figures(texts):
    try:
        from benchmarks import beam_overhead
    except ImportError:
        print("beam overhead: skipped (benchmarks/beam_overhead.py is not there)")
        return {}
    figures = beam_overhead.measure(texts, workers=2)
    print(f"beam overhead: {figures}")
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.extraction", description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20000, help="texts to embed (default: %(default)s)")
    parser.add_argument("--before-texts", type=int, default=2000,
                        help="texts for input order vs length-aware batching (default: %(default)s)")
    parser.add_argument("--data", default=SHARED, help="the shared data folder (default: %(default)s)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not os.path.isdir(os.path.join(args.data, "goemotions")):
        sys.exit(f"--data {args.data}: no goemotions/ and imdb/ there: pass the shared data folder")
    texts = mixed_texts(args.texts, args.data)
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    matmul = [tf_matmul_flops()]
    encoder, vectors, mine = ours(texts, min(args.before_texts, len(texts)))
    matmul.append(tf_matmul_flops())
    lengths = mine["word_pieces"]
    flops = needed_flops(encoder.backbone, lengths)
    print(f"{len(texts)} texts ({IMDB_SHARE:.0%} IMDb reviews), word pieces per text (cut at {MAX_LENGTH}): "
          f"median {np.median(lengths):.0f}, 90th percentile {np.percentile(lengths, 90):.0f}, "
          f"total {lengths.sum():,}; {flops / 1e12:.1f} TFLOP needed")
    python, why = peer_python()
    peer_vectors, peer = (None, None)
    if python is None:
        print(f"sentence-transformers: skipped, it cannot be installed here ({why})")
    else:
        peer_vectors, peer = run_peer(python, mine["model_dir"], texts)
        matmul += [tf_matmul_flops(), peer["matmul_flops"]]
    reference = max(matmul)
    figures = summary(len(texts), flops, reference, mine, peer, vectors, peer_vectors)
    figures.update(matmul_gflops_measured=[round(m / 1e9, 1) for m in matmul], **beam_figures(texts))
    report(figures, mine, peer)
    print(json.dumps(figures))


def summary(n, flops, reference, mine, peer, vectors, peer_vectors):
    """The JSON figures: rates, matmul shares, before/after, the loads each was measured at."""
    run, before, after = mine["run"], mine["before"], mine["after"]
    figures = {
        "benchmark": "extraction", "texts": n, "imdb_share": IMDB_SHARE, "batch_size": BATCH_SIZE,
        "max_length": MAX_LENGTH, "word_pieces": int(mine["word_pieces"].sum()),
        "tflop_needed": round(flops / 1e12, 2), "matmul_gflops": round(reference / 1e9, 1),
        "ours_per_s": round(n / run["seconds"], 1), "ours_cpu_s": round(run["cpu_s"], 1),
        "ours_load": [round(run["load_before"], 1), round(run["load_after"], 1)],
        "ours_model_load_s": round(mine["load_s"], 1),
        "matmul_share": round(flops / run["seconds"] / reference, 3),
        "before_after_texts": mine["before_texts"],
        "input_order_per_s": round(mine["before_texts"] / before["seconds"], 1),
        "length_aware_per_s": round(mine["before_texts"] / after["seconds"], 1),
        "length_aware_speedup": round(before["seconds"] / after["seconds"], 2),
        "before_after_load": [round(before["load_before"], 1), round(after["load_after"], 1)],
        "sentence_transformers_per_s": None, "speedup_vs_sentence_transformers": None, "min_cosine": None,
        "matmul_share_sentence_transformers": None,
    }
    if peer is not None:
        cosines = (unit(vectors) * unit(peer_vectors)).sum(axis=1)
        figures.update(
            sentence_transformers_per_s=round(n / peer["seconds"], 1),
            speedup_vs_sentence_transformers=round(peer["seconds"] / run["seconds"], 3),
            min_cosine=round(float(cosines.min()), 6),
            matmul_share_sentence_transformers=round(flops / peer["seconds"] / reference, 3),
            sentence_transformers_cpu_s=round(peer["cpu_s"], 1),
            sentence_transformers_load=[round(peer["load_before"], 1), round(peer["load_after"], 1)],
            peer_versions=peer["versions"],
        )
    return figures


def unit(rows):
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def report(figures, mine, peer):
    f = figures
    print(f"ours: {f['ours_per_s']} texts/s ({f['ours_cpu_s']} CPU-s), load {f['ours_load']}, "
          f"matmul share {f['matmul_share']} of {f['matmul_gflops']} GFLOP/s")
    if peer is None:
        print("sentence-transformers: not measured")
    else:
        print(f"sentence-transformers {f['peer_versions']}: {f['sentence_transformers_per_s']} texts/s "
              f"({f['sentence_transformers_cpu_s']} CPU-s), load {f['sentence_transformers_load']}, "
              f"matmul share {f['matmul_share_sentence_transformers']}")
        print(f"speedup vs sentence-transformers: {f['speedup_vs_sentence_transformers']} (goal >= 1.0); "
              f"min cosine {f['min_cosine']} (goal >= 0.9999)")
    print(f"our path on the first {f['before_after_texts']} texts: input order {f['input_order_per_s']} texts/s, "
          f"length-aware {f['length_aware_per_s']} texts/s ({f['length_aware_speedup']}x), load {f['before_after_load']}")


if __name__ == "__main__":
    main()
