"""Issue 21, "degenerate data in layouts" and "t-SNE of 26 points is all zeros": a real layout or one
line, in bounded time; every layout checked for collapse; the figures measured on what is stored."""

import json
import time

import numpy as np
import pytest

from exporter import ExportError, export_embeddings
from exporter.layouts import compute_layout, layout_quality
from exporter.layouts.compute import check_spread
from exporter.layouts.settings import LayoutSpec

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


def spread(coords):
    return float(np.sqrt(((coords - coords.mean(axis=0)) ** 2).sum(axis=1).mean()))


@pytest.mark.parametrize("n", [2, 3, 5, 8, 12, 26])
def test_small_inputs_get_a_real_tsne_layout(n):
    # openTSNE's learning rate N / 12 shrank 8, 12 and 26 points to one spot (spread 1e-36, or 0).
    rng = np.random.default_rng(n)
    for vectors in (rng.normal(size=(n, 16)), rng.normal(size=(n, 384))):
        coords = compute_layout(vectors, "tsne", progress=False)
        assert spread(coords) > 1, (n, spread(coords))
        assert len(np.unique(coords.round(3), axis=0)) == n  # every point at its own place


def test_26_sentences_figures_are_measured_on_the_coordinates_stored(tmp_path):
    rng = np.random.default_rng(26)
    vectors = rng.normal(size=(3, 384))[rng.integers(0, 3, 26)] + rng.normal(scale=0.3, size=(26, 384))
    result = export_embeddings(vectors, [f"sentence {i}" for i in range(26)], logdir=tmp_path, normalize=True,
                               layouts=["tsne"])
    with open(result.files["bookmarks"], encoding="utf-8") as f:
        state = next(s for s in json.load(f) if s["label"] == "t-SNE (all 26 points)")
    stored = np.array([[p["umap-0"], p["umap-1"]] for p in state["projections"]])
    assert spread(stored) > 1
    with open(result.files["layouts"], encoding="utf-8") as f:
        figure = json.load(f)["tsne"]["knn_preservation"]
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert figure == layout_quality(unit, stored)["knn_preservation"]


def test_a_collapsed_layout_is_refused_in_one_line():
    points = np.random.default_rng(0).normal(size=(50, 8))
    for method, coords in (("tsne", np.zeros((50, 2))), ("umap", np.full((50, 2), 3.0) + 1e-6 * points[:, :2]),
                           ("pca", np.zeros((50, 2)))):
        with pytest.raises(ExportError, match="collapsed .*every point would be drawn on one spot"):
            check_spread(coords, LayoutSpec(method), points)
    check_spread(points[:, :2], LayoutSpec("tsne"), points)  # a real spread passes


@pytest.mark.parametrize("n", [2, 3])
def test_umap_of_two_or_three_points_is_one_line(n):
    with pytest.raises(ExportError, match=f"UMAP needs at least 4 distinct points, the export has {n}: use pca or tsne"):
        compute_layout(np.random.default_rng(0).normal(size=(n, 8)), "umap", progress=False)


def test_tsne_and_umap_of_one_dimensional_vectors_give_layouts():
    vectors = np.random.default_rng(0).normal(size=(300, 1))
    for method in ("tsne", "umap", "pca"):
        coords = compute_layout(vectors, method, progress=False)
        assert coords.shape == (300, 2) and np.isfinite(coords).all()


@pytest.mark.parametrize("method", ["tsne", "umap", "pca"])
def test_200000_identical_rows_are_one_line_at_once(method):
    began = time.perf_counter()
    with pytest.raises(ExportError, match="they are all the same vector"):
        compute_layout(np.ones((200_000, 16), np.float32), method, progress=False)
    assert time.perf_counter() - began < 30


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_many_repeated_rows_are_laid_out_in_bounded_time(method):
    # 5,000 rows of 200 distinct vectors: t-SNE took 115 s and UMAP gave nothing in 120 s.
    rng = np.random.default_rng(0)
    which = rng.integers(0, 200, 5000)
    vectors = rng.normal(size=(200, 8))[which]
    coords = compute_layout(vectors, method, progress=False)
    assert spread(coords) > 0.1
    for copy in (np.flatnonzero(which == which[0]), np.flatnonzero(which == which[1])):
        assert (coords[copy] == coords[copy[0]]).all()  # copies drawn where their original is


@pytest.mark.parametrize("seed", [-1, 2**70])
def test_any_whole_seed_gives_a_layout(seed, tmp_path):
    vectors = np.random.default_rng(0).normal(size=(60, 8))
    for method in ("tsne", "umap"):
        assert np.isfinite(compute_layout(vectors, method, seed=seed, progress=False)).all()
    with pytest.raises(ExportError, match="seed must be a whole number"):
        compute_layout(vectors, "tsne", seed=1.5, progress=False)
