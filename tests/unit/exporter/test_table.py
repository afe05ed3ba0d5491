"""API inputs of other types (issue 21): exported correctly (numbers and bytes as text) or one `ExportError`.

Never an AttributeError, KeyError or TypeError from inside the exporter.
"""

import numpy as np
import pytest

from exporter import ExportError, export_embeddings, make_bookmark

VECTORS = np.random.default_rng(0).random((5, 4))


def _labels(logdir):
    return next(logdir.rglob("metadata.tsv")).read_text().splitlines()


@pytest.mark.parametrize("labels, shown", [
    ([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"]),
    ([b"cat", b"dog", "caf\u00e9".encode(), b"cow", b"owl"], ["cat", "dog", "caf\u00e9", "cow", "owl"]),
    (np.array([b"a", b"b", b"c", b"d", b"e"]), ["a", "b", "c", "d", "e"]),
    (["a", None, float("nan"), 4, b"x"], ["a", "<empty>", "<empty>", "4", "x"]),
    ((f"w{i}" for i in range(5)), ["w0", "w1", "w2", "w3", "w4"]),
])
def test_labels_of_other_types_are_exported_as_text(tmp_path, labels, shown):
    export_embeddings(VECTORS, labels, logdir=tmp_path, normalize=True)
    assert _labels(tmp_path) == shown


def test_a_tensorflow_tensor_of_labels_is_exported_as_text(tmp_path):
    tf = pytest.importorskip("tensorflow")
    export_embeddings(tf.constant(VECTORS), tf.constant(["a", "b", "c", "d", "\u00e9"]), logdir=tmp_path,
                      normalize=True)
    assert _labels(tmp_path) == ["a", "b", "c", "d", "\u00e9"]


def test_undecodable_byte_labels_are_refused_or_replaced(tmp_path):
    labels = [b"a", b"b", b"\xff\xfe", b"d", b"e"]
    with pytest.raises(ExportError, match="not UTF-8.*unicode_errors='replace'"):
        export_embeddings(VECTORS, labels, logdir=tmp_path)
    export_embeddings(VECTORS, labels, logdir=tmp_path, unicode_errors="replace", normalize=True)
    assert _labels(tmp_path)[2] == "\ufffd\ufffd"


@pytest.mark.parametrize("vectors, metadata, kwargs, message", [
    (VECTORS, [["a", "x"], ["b"], ["c"], ["d"], ["e"]], {}, "row 0 is a list"),
    (VECTORS, np.zeros((5, 2)), {}, "row 0 is an? ndarray"),
    (VECTORS, {"a": [{"x": 1}] * 5}, {}, "row 0 is a dict"),
    (VECTORS, {"a": list("abcde"), "b": [1]}, {}, "different lengths"),
    (VECTORS, {"a": 1}, {}, "column 'a' is an int"),
    (VECTORS, 7, {}, "is an int"),
    (VECTORS, "abcde", {}, "is a str"),
    (VECTORS, set("abcde"), {}, "has no order"),
    ({"cat": [1, 2], "dog": [3, 4]}, None, {}, "vectors is a dict.*np.stack"),
    (VECTORS + 1j, None, {}, "complex numbers"),
    ([[1, 2], 3], None, {}, "different lengths"),
    ([[1, object()], [1, 2]], None, {}, "every value must be a number"),
    ("abc", None, {}, "vectors is a str"),
    (None, None, {}, "vectors is None"),
    (VECTORS, None, {"logdir": None}, "logdir is None"),
    (VECTORS, None, {"run": 3}, "run is 3"),
    (VECTORS, None, {"max_points": "3"}, "max_points must be a whole number"),
    (VECTORS, None, {"seed": "x"}, "seed must be a whole number"),
    (VECTORS, None, {"base_url": 3}, "base_url must be a string"),
    (VECTORS, None, {"bookmarks": "abc"}, "bookmarks must be a list"),
    (VECTORS, None, {"bookmarks": {"label": "a"}}, "bookmarks must be a list"),
    (VECTORS, None, {"bookmarks": 5}, "bookmarks must be a list"),
    (VECTORS, None, {"bookmarks": [1, 2]}, "bookmark 0 .* is not a projector state"),
    (VECTORS, None, {"bookmarks": [{"x": 1}]}, "bookmark 0 .* is not a projector state"),
    (VECTORS, None, {"bookmarks": [{"label": "a", "projections": None}]}, "not a projector state"),
    (VECTORS, None, {"bookmarks": [{"label": "a", "projections": [1, 2, 3, 4, 5]}]}, "not a projector state"),
    (VECTORS, None, {"bookmarks": [{**make_bookmark("a", np.zeros((5, 2))), "x": object()}]}, "cannot be written as JSON"),
])
def test_inputs_of_other_types_are_one_export_error(tmp_path, vectors, metadata, kwargs, message):
    kwargs = {"logdir": tmp_path, **kwargs}
    with pytest.raises(ExportError, match=message):
        export_embeddings(vectors, metadata, **kwargs)
    assert not list(tmp_path.rglob("vectors.bytes"))  # nothing published
