"""`projector-train softmax` end to end: a real TensorBoard (and browser) shows the run with aligned labels."""

import json
import os
import subprocess
import sys
import urllib.request

import numpy as np
import pytest

from models.softmax.data import load_news
from tests.unit.models.softmax.test_data import write_folder

RUN, TENSOR = "softmax", "probabilities"
CLASSES = ["World", "Sports", "Business", "Sci/Tech"]
TRAIN_ROWS, TEST_ROWS = 2000, 120


def projector_train(*args, **kwargs):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    command = [os.path.join(os.path.dirname(sys.executable), "projector-train"), "softmax", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, **kwargs)


def rows_of(frame):
    return [[str(label + 1), title, content] for label, title, content in frame.itertuples(index=False)]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A small slice of the bundled sample, in the official format."""
    news = load_news()
    folder = tmp_path_factory.mktemp("tiny_ag_news")
    write_folder(folder, rows_of(news.train.iloc[:TRAIN_ROWS]), rows_of(news.test.iloc[:TEST_ROWS]), CLASSES)
    return str(folder), news.test.iloc[:TEST_ROWS].reset_index(drop=True)


@pytest.fixture(scope="module")
def trained(tensorboard, tiny):
    folder, test = tiny
    done = projector_train("--data", folder, "--epochs", "4", "--max-tokens", "5000", "--logdir", tensorboard.logdir)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "test accuracy" in done.stdout
    tensorboard.wait_for_tensor(RUN, TENSOR, shape=(TEST_ROWS + 8, 4))
    return tensorboard, test


def test_tensorboard_serves_anchors_and_test_rows_aligned_with_metadata(trained):
    tb, test = trained
    vectors = tb.tensor(RUN, TENSOR)
    header, rows = tb.metadata(RUN, TENSOR)
    assert header == ["title", "kind", "true_class", "predicted_class", "confidence", "correct"]
    assert len(rows) == len(vectors) == TEST_ROWS + 8
    column = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    np.testing.assert_array_equal(vectors[:4], np.eye(4))
    assert column["title"][:4] == [f"one-hot vertex: {c}" for c in CLASSES]
    assert column["title"][4:8] == [f"class mean: {c}" for c in CLASSES]
    assert column["title"][8:] == test["title"].tolist()
    assert column["true_class"][8:] == [CLASSES[c] for c in test["label"]]
    points = vectors[8:]
    np.testing.assert_allclose(points.sum(axis=1), 1, atol=1e-5)
    assert column["predicted_class"][8:] == [CLASSES[c] for c in points.argmax(axis=1)]
    assert [float(c) for c in column["confidence"][8:]] == np.round(points.max(axis=1).astype(float), 3).tolist()
    for c, name in enumerate(CLASSES):
        np.testing.assert_allclose(vectors[4 + c], points[test["label"] == c].mean(axis=0), atol=1e-6)
        assert column["true_class"][4 + c] == name
    accuracy = np.mean([answer == "yes" for answer in column["correct"][8:]])
    assert accuracy > 0.5  # 4 classes: chance is 0.25


def test_saved_model_reproduces_the_exported_probabilities(trained):
    import keras

    from models.softmax.data import NewsDataset
    from models.softmax.model import as_inputs

    tb, test = trained
    model = keras.saving.load_model(os.path.join(tb.logdir, RUN, "news_classifier.keras"))
    probs = model.predict(as_inputs(NewsDataset.texts(test)), verbose=0)
    np.testing.assert_allclose(probs, tb.tensor(RUN, TENSOR)[8:], atol=1e-5)


def test_scalars_and_correlation_png_are_written(trained):
    tb, _ = trained
    with open(os.path.join(tb.logdir, RUN, "class_correlation.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    tags = lambda: json.load(urllib.request.urlopen(f"{tb.url}/data/plugin/scalars/tags", timeout=60))  # noqa: E731
    tb.wait_until(lambda: f"{RUN}/scalars/train" in tags(), timeout=60, what="the training scalars")
    assert "epoch_loss" in tags()[f"{RUN}/scalars/train"]
    assert "epoch_accuracy" in tags()[f"{RUN}/scalars/validation"]
    # The projector looks for checkpoints one folder up: the scalar runs must not offer the export.
    assert tb.runs() == [RUN]


def test_browser_shows_every_point_with_its_title(trained):
    from tests.support.browser import open_projector

    tb, test = trained
    with open_projector(tb.url) as projector:  # the only run of this logdir: shown first
        projector.wait_until_drawn(points=TEST_ROWS + 8)
        assert projector.status() == (TEST_ROWS + 8, 4)
        read = "p => p.dataSet.points.map(pt => [pt.metadata.title, pt.metadata.kind, Array.from(pt.vector)])"
        for _ in range(240):  # the metadata arrives after the vectors
            shown = projector.evaluate(read)
            if shown[-1][0] is not None:
                break
            projector.page.wait_for_timeout(250)
        projector.screenshot("softmax_probabilities")
        assert projector.errors == []
    assert [title for title, _, _ in shown[8:]] == test["title"].tolist()
    assert [kind for _, kind, _ in shown[:8]] == ["vertex"] * 4 + ["mean"] * 4
    np.testing.assert_array_equal([vector for _, _, vector in shown[:4]], np.eye(4))


@pytest.mark.parametrize("case", ["single class", "unknown class", "missing column", "empty"])
def test_bad_data_is_one_error_line_and_writes_nothing(tmp_path, case):
    from tests.unit.models.softmax.test_data import bad_folder

    logdir = tmp_path / "logdir"
    done = projector_train("--data", bad_folder(tmp_path, case), "--logdir", str(logdir))
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "train.csv" in errors[0], done.stderr[-2000:]
    assert not logdir.exists() or not any(logdir.iterdir())
