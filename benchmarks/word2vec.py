"""word2vec on the artificial languages at full size: does it find the alphabet, and how long does it take?

Example:
    python -m benchmarks.word2vec    # about 2-3 minutes on 2 cores; ends with one line of JSON

1. Ground truth, per seed, at full size (5,000 sentences of 7 words, 26 words,
   10 epochs): the share of words whose 2 nearest neighbours (cosine) both lie
   within two letters, and a permutation p-value against chance, per seed and
   pooled over the seeds (26 words make one seed's share noisy). Targets:
   proximity >= 0.90 for every seed; random no better than chance (pooled p > 0.05).
2. Training time without exports, and with `ProjectorCallback` (a snapshot and a
   PCA picture per epoch): the cost of one snapshot.
3. The bundled demo (`run_demo`, both languages) wall time. Target <= 90 s.
The languages are generated (seeded), so no data folder is read.
"""

import json
import os
import tempfile
import time

import numpy as np

SEEDS = (0, 1, 2, 3, 4)
FULL = {"num_sentences": 5000, "epochs": 10}
TARGET_SHARE = 0.90
TARGET_DEMO_SECONDS = 90


def trained_vectors(language, seed):
    """(word vectors, seconds) of one training without exports."""
    from models.word2vec.train import train, word_vectors

    start = time.perf_counter()
    vectors = word_vectors(train(language, seed=seed, verbose=0, **FULL))
    return vectors, time.perf_counter() - start


def with_snapshots(logdir):
    """Seconds of one full-size training exporting a snapshot and a picture per epoch."""
    from models.word2vec.train import train

    start = time.perf_counter()
    train("proximity", logdir=logdir, verbose=0, **FULL)
    return time.perf_counter() - start


def demo_seconds(logdir):
    from models.word2vec.cli import run_demo

    start = time.perf_counter()
    run_demo(logdir)
    return time.perf_counter() - start


def main():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from models.word2vec.ground_truth import chance_level, neighbours_within, p_value

    figures = {"benchmark": "word2vec", **FULL, "sentence_length": 7, "num_words": 26, "seeds": list(SEEDS),
               "chance_level": round(chance_level(26), 4)}
    train_seconds = []
    for language in ("proximity", "random"):
        shares, p_values, trained = [], [], []
        for seed in SEEDS:
            vectors, seconds = trained_vectors(language, seed)
            share, p = neighbours_within(vectors), p_value(vectors)
            shares.append(share)
            p_values.append(p)
            trained.append(vectors)
            train_seconds.append(seconds)
            print(f"{language:9s} seed {seed}: both 2 nearest neighbours within 2 letters for {share:6.1%} "
                  f"of words (chance {figures['chance_level']:.1%}), permutation p = {p:.4f}, {seconds:.1f} s")
        figures[f"{language}_share_within"] = [round(s, 4) for s in shares]
        figures[f"{language}_p_values"] = [round(p, 4) for p in p_values]
        figures[f"{language}_share_mean"] = round(float(np.mean(shares)), 4)
        figures[f"{language}_pooled_p_value"] = round(p_value(trained), 4)
        print(f"{language:9s} all seeds: mean {np.mean(shares):.1%}, pooled permutation p = "
              f"{figures[f'{language}_pooled_p_value']:.4f}")
    figures["train_seconds_mean"] = round(float(np.mean(train_seconds)), 2)
    with tempfile.TemporaryDirectory() as logdir:
        exported = with_snapshots(logdir)
    snapshots = FULL["epochs"] + 1
    figures["train_with_snapshots_seconds"] = round(exported, 2)
    figures["seconds_per_snapshot"] = round((exported - figures["train_seconds_mean"]) / snapshots, 3)
    print(f"training: {figures['train_seconds_mean']:.1f} s without exports, {exported:.1f} s with "
          f"{snapshots} snapshots (~{figures['seconds_per_snapshot']:.2f} s each)")
    with tempfile.TemporaryDirectory() as logdir:
        figures["demo_seconds"] = round(demo_seconds(logdir), 1)
    print(f"run_demo (both languages): {figures['demo_seconds']:.1f} s (target <= {TARGET_DEMO_SECONDS} s)")
    figures["proximity_target_met"] = min(figures["proximity_share_within"]) >= TARGET_SHARE
    figures["random_no_better_than_chance"] = figures["random_pooled_p_value"] > 0.05
    figures["demo_target_met"] = figures["demo_seconds"] <= TARGET_DEMO_SECONDS
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
