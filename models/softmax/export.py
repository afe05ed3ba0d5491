"""Exports a classifier's test-set probability vectors, with one anchor per class vertex and class mean.

Example:
>>> import numpy as np, pandas as pd
>>> probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], np.float32)
>>> test = pd.DataFrame({"label": [0, 1, 1], "title": ["a", "b", "c"]})
>>> table = probability_table(probs, test, ["World", "Sports"])
>>> table.metadata[["title", "kind", "correct"]].values.tolist()[:3]
[['one-hot vertex: World', 'vertex', 'yes'], ['one-hot vertex: Sports', 'vertex', 'yes'], \
['class mean: World', 'mean', 'yes']]

Anchors come first, so they stay among the 100,000 rows TensorBoard shows.
Next to the export, `class_correlation.png` shows how the output dimensions
correlate over the test set (competing classes correlate negatively).
"""

import io
import os
import warnings

import numpy as np
import pandas as pd

from exporter import EmbeddingTable, ExportWarning, export_table, write_atomic
from models.softmax import RUN

CORRELATION_PNG = "class_correlation.png"


def export_probabilities(model, news, *, logdir="logdir", run=RUN, name="probabilities", progress=True, layouts=()):
    """Predicts `news.test` with `model` and exports tensor `name` of `logdir/run`; returns the `Export`."""
    from models.softmax.model import as_inputs

    probs = model.predict(as_inputs(news.texts(news.test)), batch_size=512, verbose=1 if progress else 0)
    table = probability_table(probs, news.test, news.class_names)
    png = correlation_png(probs, news.class_names)
    with warnings.catch_warnings():
        # Probabilities are compared as they are: the hint to normalise them does not apply.
        warnings.filterwarnings("ignore", message=".*hint:", category=ExportWarning)
        result = export_table(table, logdir=logdir, run=run, name=name, layouts=layouts, color_by="true_class")
    write_atomic(os.path.join(result.run_dir, CORRELATION_PNG), png)
    return result


def probability_table(probs, test, class_names):
    """Anchors, then one row per test example: metadata title, kind, true/predicted class, confidence, correct."""
    probs = np.asarray(probs, np.float32)
    labels = test["label"].to_numpy()
    names = np.array(class_names, dtype=object)
    present = [c for c in range(len(class_names)) if (labels == c).any()]
    anchors = np.concatenate([np.eye(len(class_names), dtype=np.float32),
                              np.stack([probs[labels == c].mean(axis=0) for c in present])])
    anchor_classes = np.concatenate([np.arange(len(class_names)), present])
    vectors = np.concatenate([anchors, probs])
    true = np.concatenate([anchor_classes, labels])
    predicted = vectors.argmax(axis=1)
    kind = ["vertex"] * len(class_names) + ["mean"] * len(present) + ["test"] * len(labels)
    titles = [f"one-hot vertex: {names[c]}" for c in range(len(class_names))]
    titles += [f"class mean: {names[c]}" for c in present]
    metadata = pd.DataFrame({
        "title": titles + test["title"].tolist(),
        "kind": kind,
        "true_class": names[true],
        "predicted_class": names[predicted],
        "confidence": np.round(vectors.max(axis=1).astype(float), 3),  # shown as written: no "0.180" -> 0.18
        "correct": np.where(true == predicted, "yes", "no"),
    })
    return EmbeddingTable.build(vectors, metadata)


def correlation_png(probs, class_names):
    """PNG bytes of the class-by-class Pearson correlation of the probability columns."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.nan_to_num(np.corrcoef(np.asarray(probs, np.float64), rowvar=False))  # a constant column: 0
    size = 2.5 + 0.45 * len(class_names)
    figure, axes = plt.subplots(figsize=(size + 1.5, size))
    image = axes.imshow(corr, cmap="RdBu_r", vmin=-1, vmax=1)
    axes.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right")
    axes.set_yticks(range(len(class_names)), class_names)
    if len(class_names) <= 20:
        for (i, j), value in np.ndenumerate(corr):
            axes.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                      color="white" if abs(value) > 0.6 else "black")
    axes.set_title("Correlation of softmax outputs (test set)")
    figure.colorbar(image, ax=axes)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()
