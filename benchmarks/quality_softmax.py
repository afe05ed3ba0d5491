"""AG News test accuracy of the softmax classifier trained on the 20k sample, and its timings.

Example:
    python -m benchmarks.quality_softmax    # ends with one line of JSON

Reads ../shared/data/ag_news (the official test.csv and a 20,000-row train
sample) when present, else the bundled sample (figures then say so). Target:
test accuracy >= 0.88 on the 20k sample.
"""

import json
import os
import sys
import tempfile
import time

SHARED_AG_NEWS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "ag_news"))
TARGET_ACCURACY = 0.88


def measure(data=None, epochs=None):
    """Trains on `data` (default: ../shared/data/ag_news), exports, and returns the figures as a dict."""

    from models.softmax.cli import DEMO_EPOCHS
    from models.timing import EpochTimer
    from models.softmax.data import load_news
    from models.softmax.export import export_probabilities
    from models.softmax.train import train_classifier

    data = data or (SHARED_AG_NEWS if os.path.isdir(SHARED_AG_NEWS) else None)
    epochs = epochs or DEMO_EPOCHS
    news = load_news(data)
    timer = EpochTimer()

    with tempfile.TemporaryDirectory() as logdir:
        start = time.perf_counter()
        model, history = train_classifier(news, run_dir=os.path.join(logdir, "softmax"), epochs=epochs,
                                          progress=False, callbacks=[timer])
        train_seconds = time.perf_counter() - start
        start = time.perf_counter()
        result = export_probabilities(model, news, logdir=logdir, run="softmax", progress=False)
        export_seconds = time.perf_counter() - start
    return {
        "dataset": "ag_news 20k sample" if data == SHARED_AG_NEWS else f"ag_news from {data or 'bundled sample'}",
        "train_rows": len(news.train),
        "test_rows": len(news.test),
        "epochs": epochs,
        "test_accuracy": round(float(history["val_accuracy"][-1]), 4),
        "target_accuracy": TARGET_ACCURACY,
        "seconds_per_epoch": round(sum(timer.seconds[1:] or timer.seconds) / max(1, len(timer.seconds) - 1), 2),
        "first_epoch_seconds": round(timer.seconds[0], 2),
        "train_seconds": round(train_seconds, 2),
        "export_seconds": round(export_seconds, 2),
        "exported_shape": list(result.shape),
    }


def main():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    figures = measure(sys.argv[1] if len(sys.argv) > 1 else None)
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
