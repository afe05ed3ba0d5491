"""BERT: sentence-embedding speed and memory, and GoEmotions quality before vs after fine-tuning.

Example:
    python -m benchmarks.bert    # about 10-15 minutes on 2 cores; ends with one line of JSON

1. Extraction: all-MiniLM-L6-v2 sentences/s at 64 word pieces (batch 64), and the
   process's peak memory for two N (each in a fresh process): flat in N means the
   streaming holds. Target >= 80 sentences/s.
2. Quality: fine-tunes on a seeded subset of the train split (at most TRAIN_PER_EMOTION
   per emotion, said in the output) and evaluates on the FULL test split of the 7
   emotions: accuracy, macro-F1, and the neighbourhood agreement of the exported
   `flatten` embeddings (share of each point's 10 nearest neighbours, by cosine,
   with its own emotion) before and after. Target: after >= before + 0.15.
3. The bundled demo (`run_demo`) wall time. Target <= 180 s.
Reads ../shared/data/goemotions when present, else the bundled sample (the figures say so).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

from exporter import cosine_neighbours

SHARED_GOEMOTIONS = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "goemotions")
)
EXTRACTION_SIZES = (512, 2048)
TOKENS = 64
TRAIN_PER_EMOTION = 600
EPOCHS = 2
NEIGHBOURS = 10


def extraction(n, data):
    """{sentences_per_s, peak_rss_mb, rss_after_load_mb} embedding n texts of TOKENS word pieces."""
    from exporter import SentenceEncoder
    from models.bert.data import load_goemotions

    encoder = SentenceEncoder.load(max_length=TOKENS)
    texts = long_texts(load_goemotions(data, "train")["text"].tolist(), encoder, n)
    encoder.embed(texts[:64], progress=False)  # trace once
    loaded = _peak_rss_mb()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # every text is truncated on purpose
        start, cpu_start = time.perf_counter(), time.process_time()
        encoder.embed(texts, batch_size=64, progress=False)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return {"n": n, "sentences_per_s": n / seconds, "peak_rss_mb": _peak_rss_mb(), "rss_after_load_mb": loaded,
            # What 2 cores to ourselves would give: other users' work on the machine slows the wall clock.
            "sentences_per_cpu_s_x2": 2 * n / cpu_seconds, "load_average": os.getloadavg()[0]}


def long_texts(comments, encoder, n):
    """n texts of at least TOKENS word pieces, each a run of consecutive comments."""
    texts, current = [], ""
    for comment in comments * (1 + n * 10 // max(len(comments), 1)):
        current = f"{current} {comment}".strip()
        if len(encoder.tokenizer([current])[0]) >= TOKENS:
            texts.append(current)
            current = ""
            if len(texts) == n:
                return texts
    raise ValueError("not enough text for the extraction benchmark")


def neighbourhood_agreement(vectors, labels, k=NEIGHBOURS):
    """Mean share of each point's k nearest neighbours (cosine, itself excluded) with its own label."""
    labels = np.asarray(labels)
    nearest, _ = cosine_neighbours(vectors, vectors, k, exclude=[[row] for row in range(len(vectors))])
    return float((labels[nearest] == labels[:, None]).mean())


def quality(data):
    import keras

    from models.bert.data import load_goemotions
    from models.bert.cli import train_and_export

    keras.utils.set_random_seed(0)
    train = load_goemotions(data, "train")
    subset = train.groupby("emotion", group_keys=False).head(TRAIN_PER_EMOTION).sample(frac=1, random_state=0)
    test = load_goemotions(data, "test")
    with tempfile.TemporaryDirectory() as logdir:
        start = time.perf_counter()
        outcome = train_and_export((subset, test), logdir=logdir, epochs=EPOCHS, verbose=2)
        seconds = time.perf_counter() - start
    before = neighbourhood_agreement(outcome.extras["before"], test["emotion"])
    after = neighbourhood_agreement(outcome.extras["after"], test["emotion"])
    return {
        "train_examples": len(subset), "train_split_examples": len(train), "test_examples": len(test),
        "epochs": EPOCHS, "accuracy": outcome.metrics["accuracy"], "macro_f1": outcome.metrics["macro_f1"],
        "agreement_before": before, "agreement_after": after, "agreement_gain": after - before,
        "majority_share": float(test["emotion"].value_counts(normalize=True).iloc[0]),
        "fine_tune_and_export_s": seconds,
    }


def demo_seconds():
    from models.bert.cli import run_demo

    with tempfile.TemporaryDirectory() as logdir:
        start = time.perf_counter()
        run_demo(logdir)
        return time.perf_counter() - start


def _peak_rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024


def _in_fresh_process(function, *args):
    code = f"import json; from benchmarks.bert import *; print(json.dumps({function}(*{args!r})))"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    data = SHARED_GOEMOTIONS if os.path.isdir(SHARED_GOEMOTIONS) else None
    if data is None:
        from models.bert.data import SAMPLE_DIR

        data = SAMPLE_DIR
    print(f"data: {data}")
    runs = [_in_fresh_process("extraction", n, data) for n in EXTRACTION_SIZES]
    for r in runs:
        print(f"extraction N={r['n']}: {r['sentences_per_s']:.1f} sentences/s at {TOKENS} word pieces, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB (after load {r['rss_after_load_mb']:.0f} MB); "
              f"{r['sentences_per_cpu_s_x2']:.1f} per 2 CPU-seconds, machine load average {r['load_average']:.1f}")
    figures = quality(data)
    print(f"fine-tuned on {figures['train_examples']} of {figures['train_split_examples']} train examples "
          f"(seeded, at most {TRAIN_PER_EMOTION} per emotion), {EPOCHS} epochs; "
          f"evaluated on all {figures['test_examples']} test examples of the 7 emotions")
    print(f"accuracy {figures['accuracy']:.3f} (majority class {figures['majority_share']:.3f}), "
          f"macro-F1 {figures['macro_f1']:.3f}")
    print(f"neighbourhood agreement (k={NEIGHBOURS}): before {figures['agreement_before']:.3f}, "
          f"after {figures['agreement_after']:.3f} (gain {figures['agreement_gain']:+.3f}, target +0.15)")
    demo = demo_seconds()
    print(f"run_demo: {demo:.0f} s (target <= 180 s)")
    speed = min(r["sentences_per_s"] for r in runs)
    print(json.dumps({
        "benchmark": "bert", "data": data, "tokens": TOKENS,
        "sentences_per_s": round(speed, 1), "speed_target_met": speed >= 80,
        "sentences_per_2_cpu_s": round(min(r["sentences_per_cpu_s_x2"] for r in runs), 1),
        "load_average": round(max(r["load_average"] for r in runs), 1),
        "peak_rss_mb": {str(r["n"]): round(r["peak_rss_mb"]) for r in runs},
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
        "agreement_target_met": figures["agreement_gain"] >= 0.15,
        "demo_s": round(demo, 1),
    }))


if __name__ == "__main__":
    main()
