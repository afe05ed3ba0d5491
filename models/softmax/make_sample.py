"""Makes the bundled AG News sample (`models/softmax/sample/`) from the copy in ../shared/data.

Example:
    python -m models.softmax.make_sample --source /work/shared/data/ag_news

A seeded, class-balanced draw of the official format (no header, every field
quoted, gzipped with a fixed timestamp so re-running gives identical bytes).
"""

import argparse
import csv
import gzip
import io
import os

import numpy as np

from exporter import write_atomic
from models.softmax.data import SAMPLE_DIR

PER_CLASS = {"train": 1500, "test": 300}
SOURCE_FILES = {"train": "train_sample_20k.csv", "test": "test.csv"}
ATTRIBUTION = """\
# Bundled sample of AG's News Topic Classification Dataset

- `train.csv.gz`: {train} rows ({train_per} per class), drawn with seed {seed} from `train_sample_20k.csv`,
  a 20,000-row balanced sample of the official `train.csv`.
- `test.csv.gz`: {test} rows ({test_per} per class), drawn with seed {seed} from the official `test.csv`.
- `classes.txt`: the official class names (1 World, 2 Sports, 3 Business, 4 Sci/Tech).

Made by `python -m models.softmax.make_sample` from the copy in `../shared/data/ag_news` (its README gives
the exact upstream sources and checksums). Rows are unchanged, in the official format: no header, every field
quoted, class index first.

**Dataset:** AG's News Topic Classification Dataset, Xiang Zhang, Junbo Zhao, Yann LeCun. *Character-level
Convolutional Networks for Text Classification.* NIPS 2015. Built from A. Gulli's AG corpus of news articles
(http://www.di.unipi.it/~gulli/AG_corpus_of_news_articles.html).
**Source:** the official `ag_news_csv.tgz` (https://s3.amazonaws.com/fast-ai-nlp/ag_news_csv.tgz).
**License:** provided by the academic community for research purposes and other non-commercial activity
(see the dataset's readme): non-commercial research use.
"""


def make_sample(source, target=SAMPLE_DIR, seed=0):
    """Writes train.csv.gz, test.csv.gz, classes.txt and ATTRIBUTION.md into `target`."""
    rng = np.random.default_rng(seed)
    counts = {}
    for split, per_class in PER_CLASS.items():
        with open(os.path.join(source, SOURCE_FILES[split]), encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        picked = []
        for label in sorted({row[0] for row in rows}):
            members = [i for i, row in enumerate(rows) if row[0] == label]
            picked.extend(rng.choice(members, per_class, replace=False).tolist())
        counts[split] = len(picked)
        text = io.StringIO()
        csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows[i] for i in sorted(picked))
        write_atomic(os.path.join(target, f"{split}.csv.gz"), gzip.compress(text.getvalue().encode(), mtime=0))
    with open(os.path.join(source, "classes.txt"), "rb") as f:
        write_atomic(os.path.join(target, "classes.txt"), f.read())
    write_atomic(os.path.join(target, "ATTRIBUTION.md"), ATTRIBUTION.format(
        seed=seed, train_per=PER_CLASS["train"], test_per=PER_CLASS["test"], **counts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="/work/shared/data/ag_news", help="folder of the AG News copy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    make_sample(args.source, seed=args.seed)
    for name in sorted(os.listdir(SAMPLE_DIR)):
        print(f"{os.path.getsize(os.path.join(SAMPLE_DIR, name)):>9,d}  {name}")


if __name__ == "__main__":
    main()
