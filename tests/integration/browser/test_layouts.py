"""Headless Chromium on TensorBoard: clicking the t-SNE bookmark draws every point where the layout put it."""

import numpy as np
import pytest

from exporter import export_embeddings
from tests.support.browser import open_projector
from tests.support.data import clustered_words

N, D, CLUSTERS = 1500, 24, 6
LABEL = f"t-SNE (all {N:,} points)"
pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


@pytest.fixture(scope="module")
def exported(tensorboard):
    rng = np.random.default_rng(4)
    vectors, metadata = clustered_words(rng, N, D, CLUSTERS)
    export_embeddings(vectors, metadata, logdir=tensorboard.logdir, run="layouts", name="words",
                      layouts=("tsne", "umap"))
    tensorboard.wait_for_tensor("layouts", "words", shape=(N, D))


def test_clicking_the_tsne_bookmark_draws_every_point_at_its_stored_place(tensorboard, exported):
    stored = next(s for s in tensorboard.bookmarks("layouts", "words") if s["label"] == LABEL)
    assert stored["selectedProjection"] != "tsne"  # the projector would restart t-SNE on a sample
    coords = np.array([[p["umap-0"], p["umap-1"]] for p in stored["projections"]])
    with open_projector(tensorboard.url) as projector:
        projector.wait_until_drawn(N)
        assert projector.bookmark_labels() == [f"PCA (all {N:,} points)", LABEL, f"UMAP (all {N:,} points)"]
        projector.click_bookmark(LABEL)
        drawn = projector.drawn_positions()
        colour = projector.evaluate("p => find(p.shadowRoot, 'vz-projector-data-panel').selectedColorOptionName")
        label_column = projector.evaluate("p => p.selectedLabelOption")
        projector.screenshot("layouts_browser_tsne_bookmark")
        assert projector.errors == []

    assert np.isfinite(drawn).all(axis=1).sum() == N  # every point drawn, none left at NaN
    assert np.abs(drawn[:, 2]).max() == 0  # 2-D, as stored
    # The projector rescales x and y independently (an affine map per axis): compare by correlation.
    for axis in (0, 1):
        assert np.corrcoef(coords[:, axis], drawn[:, axis])[0, 1] > 0.9999
    assert (colour, label_column) == ("cluster", "word")


def test_uploading_the_bookmarks_file_in_the_panel_adds_every_layout(tensorboard, exported, tmp_path):
    """What a projector.tensorflow.org user does: the panel's upload reads dataSetDimensions of every state."""
    path = tmp_path / "bookmarks.json"
    path.write_bytes(tensorboard.get("bookmarks", run="layouts", name="words"))
    with open_projector(tensorboard.url) as projector:
        projector.wait_until_drawn(N)
        upload = projector.frame.locator("vz-projector-bookmark-panel #state-file")
        upload.set_input_files(str(path))
        projector.page.wait_for_timeout(2000)
        labels = projector.bookmark_labels()
        assert projector.errors == []
    assert labels == [f"PCA (all {N:,} points)", LABEL, f"UMAP (all {N:,} points)"] * 2
