"""Headless Chromium on TensorBoard: the aligned "after" export's t-SNE bookmark draws every point, in the
frame of the "before" export, and colouring by `neighbours_kept` is offered."""

import numpy as np
import pytest

from exporter import export_embeddings
from tests.support.browser import open_projector
from tests.support.data import clustered_words

N, D, CLUSTERS = 800, 24, 5
LABEL = f"t-SNE (all {N:,} points)"
pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


@pytest.fixture(scope="module")
def exported(tensorboard):
    rng = np.random.default_rng(7)
    before, metadata = clustered_words(rng, N, D, CLUSTERS)
    after = before + rng.normal(scale=0.3, size=before.shape).astype(np.float32)
    export_embeddings(before, metadata, logdir=tensorboard.logdir, run="aligned", name="before", layouts=["tsne"])
    export_embeddings(after, metadata, logdir=tensorboard.logdir, run="aligned", name="after", layouts=["tsne"],
                      align_to="before")
    tensorboard.wait_for_tensor("aligned", "after", shape=(N, D))


def test_the_aligned_after_bookmark_draws_every_point(tensorboard, exported):
    stored = {name: next(s for s in tensorboard.bookmarks("aligned", name) if s["label"] == LABEL)
              for name in ("before", "after")}
    coords = {name: np.array([[p["umap-0"], p["umap-1"]] for p in state["projections"]])
              for name, state in stored.items()}
    with open_projector(tensorboard.url) as projector:
        projector.wait_until_drawn()  # the first tensor, then ours
        projector.select("aligned", "after")
        projector.page.wait_for_timeout(2000)
        projector.wait_until_drawn(N)
        projector.click_bookmark(LABEL)
        drawn = projector.drawn_positions()
        options = projector.evaluate(
            "p => find(p.shadowRoot, 'vz-projector-data-panel').colorOptions.map(o => o.name)")
        projector.screenshot("aligned_layouts_after_tsne_bookmark")
        assert projector.errors == []
    assert np.isfinite(drawn).all(axis=1).sum() == N  # every point drawn
    for axis in (0, 1):  # drawn as stored (the projector rescales each axis)
        assert np.corrcoef(coords["after"][:, axis], drawn[:, axis])[0, 1] > 0.9999
    # In the frame of "before": each point near its earlier place.
    extent = np.linalg.norm(np.ptp(coords["before"], axis=0))
    assert np.median(np.linalg.norm(coords["after"] - coords["before"], axis=1)) < 0.15 * extent
    assert "neighbours_kept" in options
