"""The probability table (anchors + test rows, aligned metadata) and the correlation PNG, without training."""

import io

import numpy as np
import pandas as pd
from matplotlib import image

from models.softmax.export import correlation_png, probability_table

CLASSES = ["World", "Sports", "Business"]


def softmax_rows(n, k, seed=0):
    logits = np.random.default_rng(seed).normal(size=(n, k)) * 3
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)


def test_anchors_first_then_test_rows_with_aligned_metadata():
    probs = softmax_rows(30, 3)
    test = pd.DataFrame({"label": np.arange(30) % 3, "title": [f"headline {i}" for i in range(30)]})
    table = probability_table(probs, test, CLASSES)
    meta = table.metadata
    assert list(meta.columns) == ["title", "kind", "true_class", "predicted_class", "confidence", "correct"]
    assert table.vectors.shape == (36, 3)
    np.testing.assert_array_equal(table.vectors[:3], np.eye(3))
    assert meta["title"][:6].tolist() == [
        "one-hot vertex: World", "one-hot vertex: Sports", "one-hot vertex: Business",
        "class mean: World", "class mean: Sports", "class mean: Business",
    ]
    assert meta["kind"].tolist() == ["vertex"] * 3 + ["mean"] * 3 + ["test"] * 30
    for c in range(3):
        np.testing.assert_allclose(table.vectors[3 + c], probs[test["label"] == c].mean(axis=0), rtol=1e-6)
    np.testing.assert_array_equal(table.vectors[6:], probs)
    rows = meta.iloc[6:].reset_index(drop=True)
    assert rows["title"].tolist() == test["title"].tolist()
    assert rows["true_class"].tolist() == [CLASSES[c] for c in test["label"]]
    assert rows["predicted_class"].tolist() == [CLASSES[c] for c in probs.argmax(axis=1)]
    assert rows["confidence"].tolist() == np.round(probs.max(axis=1).astype(float), 3).tolist()
    assert rows["correct"].tolist() == ["yes" if t == p else "no" for t, p in
                                        zip(test["label"], probs.argmax(axis=1))]


def test_a_class_absent_from_the_test_rows_keeps_its_vertex_but_has_no_mean():
    probs = softmax_rows(4, 3, seed=1)
    test = pd.DataFrame({"label": [0, 2, 0, 2], "title": list("abcd")})
    table = probability_table(probs, test, CLASSES)
    assert table.metadata["title"][:5].tolist() == [
        "one-hot vertex: World", "one-hot vertex: Sports", "one-hot vertex: Business",
        "class mean: World", "class mean: Business",
    ]
    assert table.vectors.shape == (9, 3)


def test_correlation_png_is_a_square_heatmap_image():
    png = correlation_png(softmax_rows(200, 14), [f"class {i}" for i in range(14)])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = image.imread(io.BytesIO(png))
    assert pixels.shape[0] > 300 and pixels.shape[1] > 300
    # A constant output column (a class never predicted) gives no NaN crash.
    constant = np.column_stack([np.full(50, 0.5), np.full(50, 0.5), np.zeros(50)])
    assert correlation_png(constant, CLASSES).startswith(b"\x89PNG")
