"""Headless Chromium on TensorBoard's projector page draws every exported point with its own label."""

import numpy as np
import pytest

from exporter import export_embeddings
from tests.support.browser import open_projector
from tests.support.data import as_shown, indexed_labels, random_vectors

N, D = 1500, 24
pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


@pytest.fixture(scope="module")
def exported(tensorboard):
    """One export, as the only run of the module's TensorBoard: (vectors, labels)."""
    vectors, labels = random_vectors(N, D, special_values=False), indexed_labels(N)
    export_embeddings(vectors, labels, logdir=tensorboard.logdir, run="browser", name="words")
    tensorboard.wait_for_tensor("browser", "words", shape=(N, D))
    return vectors, labels


def test_page_shows_points_and_dimension_with_every_label_in_place(tensorboard, exported):
    _, labels = exported
    with open_projector(tensorboard.url) as projector:
        projector.wait_until_drawn(N)
        projector.screenshot("export_browser_points")
        assert projector.status() == (N, D)
        assert projector.finite_point_count() == N
        shown = projector.evaluate("p => p.dataSet.points.map(point => point.metadata.label)")
        assert shown == [as_shown(label) for label in labels]
        assert projector.errors == []


def test_clicking_the_pca_bookmark_draws_every_point_at_its_stored_place(tensorboard, exported):
    label = f"PCA (all {N:,} points)"
    stored = tensorboard.bookmarks("browser", "words")[0]
    assert stored["label"] == label
    coords = np.array([[p["pca-0"], p["pca-1"]] for p in stored["projections"]])
    with open_projector(tensorboard.url) as projector:
        projector.wait_until_drawn(N)
        initial = projector.drawn_positions()
        assert np.abs(initial[:, 2]).max() > 0  # the projector's own first view is 3-D PCA
        projector.click_bookmark(label)
        drawn = projector.drawn_positions()
        projector.screenshot("export_browser_pca_bookmark")

    assert np.isfinite(drawn).all(axis=1).sum() == N
    assert np.abs(drawn[:, 2]).max() == 0  # the bookmark is 2-D
    # The projector rescales x and y independently, so compare by correlation.
    for axis in (0, 1):
        assert np.corrcoef(coords[:, axis], drawn[:, axis])[0, 1] > 0.9999
