"""Quality and speed of the trained models on the full data in /work/shared/data.

Example:
    python -m benchmarks.quality            # prints figures, ends with one line of JSON

IMDb: the sentiment model (Embedding + pooling, default hyperparameters) trained
on 20,000 train reviews (5,000 held out for validation), test accuracy on all
25,000 test reviews, seconds per epoch, and the nearest neighbours of
"beautiful" read back from the exported vectors. AG News: `measure()` of
`benchmarks.quality_softmax` when that module exists, merged into the JSON.
"""

import argparse
import importlib.util
import json
import os
import statistics
import tempfile

import numpy as np
import pandas as pd

from exporter import cosine_neighbours

SHARED_IMDB = "/work/shared/data/imdb"
NEIGHBOURS_OF = "beautiful"


def measure_sentiment(data=SHARED_IMDB, epochs=8):
    from models.sentiment.export import export_words
    from models.sentiment.train import train

    with tempfile.TemporaryDirectory() as logdir:
        trained = train(data, logdir=logdir, epochs=epochs, progress=False)
        result = export_words(trained, logdir=logdir)
        neighbours = nearest_words(result.files["vectors_bytes"], result.files["metadata"], NEIGHBOURS_OF)
    seconds = trained.seconds_per_epoch
    return {
        "imdb_test_accuracy": round(float(trained.test_accuracy), 4),
        "imdb_epochs_run": len(seconds),
        "imdb_best_val_accuracy": round(float(max(trained.history["val_accuracy"])), 4),
        "imdb_seconds_first_epoch": round(seconds[0], 2),
        "imdb_seconds_per_epoch_20k": round(statistics.median(seconds[1:] or seconds), 2),
        "imdb_vocabulary": len(trained.vocabulary),
        f"neighbours_{NEIGHBOURS_OF}": neighbours,
    }


def nearest_words(vectors_bytes, metadata_tsv, word, k=10):
    """The `k` words with the highest cosine similarity to `word`, from the exported files."""
    words = pd.read_csv(metadata_tsv, sep="\t", quoting=3, keep_default_na=False, dtype=str)["word"].tolist()
    vectors = np.fromfile(vectors_bytes, dtype="<f4").reshape(len(words), -1)
    row = words.index(word)
    rows, cosines = cosine_neighbours(vectors, vectors[row], k, exclude=[row])
    return [[words[i], round(float(cosine), 3)] for i, cosine in zip(rows, cosines)]


def measure_softmax():
    """The softmax classifier's figures (keys prefixed "ag_news_"), if its benchmark module exists."""
    if importlib.util.find_spec("benchmarks.quality_softmax") is None:
        return {}
    from benchmarks.quality_softmax import measure

    return {f"ag_news_{key}": value for key, value in measure().items()}


def main():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imdb", default=SHARED_IMDB, help="IMDb copy to use (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=8, help="most sentiment epochs (default: %(default)s)")
    args = parser.parse_args()
    figures = measure_sentiment(args.imdb, args.epochs)
    print(f"IMDb test accuracy: {figures['imdb_test_accuracy']:.4f} (target >= 0.86)")
    print(f"seconds per epoch on 20,000 reviews: {figures['imdb_seconds_per_epoch_20k']} "
          f"(first epoch, with tracing: {figures['imdb_seconds_first_epoch']})")
    print(f"nearest neighbours of {NEIGHBOURS_OF!r}:")
    for word, similarity in figures[f"neighbours_{NEIGHBOURS_OF}"]:
        print(f"  {word:<16} {similarity:.3f}")
    softmax = measure_softmax()
    for key, value in softmax.items():
        print(f"{key}: {value}")
    print(json.dumps({**figures, **softmax}))


if __name__ == "__main__":
    main()
