"""Headless Chromium on `projector-export serve`: 250,000 points, their labels, a bookmark placing them all.

One page load serves every test of the module (the machine has 2 shared cores):
TensorBoard alone would show 100,000 of these points.
"""

import numpy as np
import pytest

from exporter import export_embeddings, make_bookmark
from exporter import projector_rules
from tests.support.browser import open_projector
from tests.support.tensorboard_server import ServeServer

N, D = 250_000, 4
BOOKMARK = "stored grid"
pytestmark = pytest.mark.filterwarnings("ignore::exporter.errors.ExportWarning")


def labels(n):
    """1- to 4-byte UTF-8 characters in every label: the metadata file is > 4 MB."""
    return [f"{i}-é€😀ü-ñ" for i in range(n)]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """(projector page, stored bookmark coordinates) once the 250,000 points are drawn."""
    logdir = tmp_path_factory.mktemp("serve-browser")
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(N, D)).astype(np.float32)
    coords = np.column_stack([np.arange(N) % 500, np.arange(N) // 500]) + rng.uniform(0, 0.5, (N, 2))
    export_embeddings(vectors, labels(N), logdir=logdir, run="big", name="words", write_tsv=False,
                      pca_bookmark=False, bookmarks=[make_bookmark(BOOKMARK, coords, projection="umap")])
    with ServeServer(logdir) as server, open_projector(server.url, timeout=600) as projector:
        server.wait_for_tensor("big", "words", shape=(N, D))
        projector.wait_until_drawn(N)
        yield projector, coords


def test_page_shows_every_point(page):
    projector, _ = page
    assert projector.status() == (N, D)
    assert projector.finite_point_count() == N
    assert projector.errors == []


def test_every_multibyte_label_arrives_intact(page):
    projector, _ = page
    unaligned = "".join(label + "\n" for label in labels(N)).encode()
    assert len(unaligned) > 2 * projector_rules.SLICE_BYTES
    boundaries = range(projector_rules.SLICE_BYTES, len(unaligned), projector_rules.SLICE_BYTES)
    assert any(0x80 <= unaligned[b] < 0xC0 for b in boundaries)  # unaligned, some label would be cut
    shown = projector.evaluate("p => p.dataSet.points.map(point => point.metadata.label)")
    assert shown == labels(N)


def test_searching_the_last_label_finds_it(page):
    projector, _ = page
    assert projector.search(labels(N)[-1]) == [N - 1]


def test_clicking_a_bookmark_draws_every_point_at_its_stored_place(page):
    projector, coords = page
    projector.click_bookmark(BOOKMARK)
    drawn = projector.drawn_positions()
    projector.screenshot("serve_browser_bookmark")
    assert np.isfinite(drawn).all(axis=1).sum() == N
    # The projector rescales x and y independently: compare by correlation.
    for axis in (0, 1):
        assert np.corrcoef(coords[:, axis], drawn[:, axis])[0, 1] > 0.9999
