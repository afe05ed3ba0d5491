"""Makes the bundled GoEmotions sample from the full simplified release.

Example:
    python -m models.bert.sample.make_sample /work/shared/data/goemotions

Writes train.tsv and test.tsv (same format as the release: text, label id, comment id;
no header) with a balanced, seeded pick of single-label examples of the default emotions
(all of an emotion when it has fewer).
"""

import argparse
import os

import numpy as np

from exporter import read_text_table, write_atomic
from models.bert.data import ALL_EMOTIONS, DEFAULT_EMOTIONS, SAMPLE_DIR

PER_EMOTION = {"train": 60, "test": 30}


def make_split(source, split, per_emotion, seed=0):
    frame = read_text_table(os.path.join(source, f"{split}.tsv"), header=None, names=["text", "labels", "id"])
    wanted = {str(ALL_EMOTIONS.index(e)) for e in DEFAULT_EMOTIONS}
    frame = frame[frame["labels"].isin(wanted)]
    rng = np.random.default_rng(seed)
    picked = [rng.choice(rows, min(per_emotion, len(rows)), replace=False) for rows in frame.groupby("labels").indices.values()]
    sample = frame.iloc[rng.permutation(np.concatenate(picked))]
    write_atomic(os.path.join(SAMPLE_DIR, f"{split}.tsv"), sample.to_csv(sep="\t", header=False, index=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default="/work/shared/data/goemotions",
                        help="folder of the simplified GoEmotions release (default: %(default)s)")
    args = parser.parse_args()
    for split, count in PER_EMOTION.items():
        make_split(args.source, split, count)


if __name__ == "__main__":
    main()
