"""Rebuilds the bundled IMDb sample from the full gzip CSV copy (same columns, same format).

Example:
    python -m models.sentiment.make_sample /work/shared/data/imdb

Draws a seeded, class-balanced subset of each split and writes
`models/sentiment/sample/{train,test}.csv.gz` (gzip mtime 0: same input, same bytes).
"""

import argparse
import gzip
import io
import os

import pandas as pd

from exporter import write_atomic
from models.sentiment.data import SAMPLE_DIR

SIZES = {"train": 1000, "test": 200}  # reviews per class


def make_sample(source, destination=SAMPLE_DIR, seed=0):
    for split, per_class in SIZES.items():
        frame = pd.read_csv(os.path.join(source, f"{split}.csv.gz"), dtype=str, keep_default_na=False)
        picked = frame.groupby("sentiment", sort=False).sample(per_class, random_state=seed)
        picked = picked.sort_values(["sentiment", "id"], ascending=[False, True], key=_numeric_id)
        text = picked.to_csv(index=False, lineterminator="\r\n")
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as f:
            f.write(text.encode("utf-8"))
        write_atomic(os.path.join(destination, f"{split}.csv.gz"), buffer.getvalue())
        print(f"{split}: {len(picked)} reviews, {len(buffer.getvalue()):,} bytes")


def _numeric_id(column):
    return column.astype(int) if column.name == "id" else column


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default="/work/shared/data/imdb", help="folder with {train,test}.csv.gz")
    make_sample(parser.parse_args().source)
