"""Full-data layouts: faithful on clustered data, seeded, warm-startable, exported as bookmarks + pictures."""

import json
import os

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from exporter import ExportError, export_embeddings, validate_logdir
from exporter.run.folder import LAYOUTS_JSON as FIGURES_FILE
from exporter.layouts import compute_layout, make_layouts, parse_layouts
from exporter.table import EmbeddingTable

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")
CLUSTERS, PER_CLUSTER, D = 8, 250, 32


def clustered(seed=0, per_cluster=PER_CLUSTER):
    """8 well-separated Gaussian clusters of `per_cluster` points in 32-D, and each point's cluster."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(CLUSTERS, D)) * 3
    cluster = np.repeat(np.arange(CLUSTERS), per_cluster)
    return (centres[cluster] + rng.normal(size=(len(cluster), D))).astype(np.float32), cluster


def own_cluster_share(coords, cluster, k=10):
    """Per point: the share of its k nearest neighbours in the layout that are in its own cluster."""
    _, found = cKDTree(coords).query(coords, k + 1)
    return (cluster[found[:, 1:]] == cluster[:, None]).mean(axis=1)


@pytest.fixture(scope="module")
def data():
    # 1,000 points: what is checked here holds as well as at 2,000, in half the time (t-SNE scales with N).
    return clustered(per_cluster=125)


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_layout_keeps_each_points_neighbours_in_its_own_cluster(data, method):
    vectors, cluster = data
    coords = compute_layout(vectors, method, progress=False)
    share = own_cluster_share(coords, cluster)
    assert coords.shape == (len(vectors), 2) and np.isfinite(coords).all()
    assert share.min() >= 0.95, (share.min(), share.mean())  # every point, not only on average
    # The same seed gives the same layout.
    np.testing.assert_array_equal(coords, compute_layout(vectors, method, progress=False))


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_a_zero_vector_is_laid_out_with_the_rest(data, method):
    # openTSNE's own exact cosine index divided it by its zero norm: NaN, then scikit-learn raised.
    vectors = data[0][:500].copy()
    vectors[3] = 0
    coords = compute_layout(vectors, method, progress=False)
    assert coords.shape == (500, 2) and np.isfinite(coords).all()


def test_exact_cosine_neighbours_for_tsne_match_a_brute_force_search(data):
    from exporter.layouts.neighbours import neighbour_graph

    vectors = data[0][:300]
    graph = neighbour_graph(vectors, 5, progress=False)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosines = unit @ unit.T
    np.fill_diagonal(cosines, -np.inf)
    np.testing.assert_array_equal(graph.indices, np.argsort(-cosines, axis=1, kind="stable")[:, :5])
    np.testing.assert_allclose(graph.distances, 1 - np.take_along_axis(cosines, graph.indices, axis=1), atol=1e-6)


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_warm_start_keeps_points_near_the_previous_layout(data, method):
    vectors, _ = data
    before = compute_layout(vectors, method, progress=False, seed=1)
    moved = vectors + np.random.default_rng(3).normal(scale=0.05, size=vectors.shape).astype(np.float32)
    warm = compute_layout(moved, method, progress=False, init=before, seed=2)
    cold = compute_layout(moved, method, progress=False, seed=2)

    def drift(after):  # mean distance to the previous place, each axis standardised (as the projector scales)
        a, b = ((x - x.mean(axis=0)) / x.std(axis=0) for x in (before, after))
        return np.sqrt(((a - b) ** 2).sum(axis=1).mean())

    assert drift(warm) < 0.75 * drift(cold), (drift(warm), drift(cold))


def test_3d_layouts_and_quality_figures(data):
    vectors, cluster = data
    table = EmbeddingTable.build(vectors, {"word": [f"w{i}" for i in range(len(vectors))],
                                           "cluster": [f"c{c}" for c in cluster]})
    layouts = make_layouts(table, "tsne,umap,pca", dims=3, progress=False, report=False)
    assert [layout.method for layout in layouts] == ["tsne", "umap", "pca"]
    for layout in layouts:
        assert layout.coordinates.shape == (len(vectors), 3)
        q = layout.quality
        assert q["label_column"] == "cluster" and q["points_measured"] == len(vectors)
        assert q["label_agreement_original"] == 1.0
    tsne, umap, pca = (layout.quality for layout in layouts)
    assert tsne["label_agreement_layout"] >= 0.95 and umap["label_agreement_layout"] >= 0.95
    assert tsne["knn_preservation"] > pca["knn_preservation"]


def test_export_writes_a_bookmark_picture_and_figures_per_layout(tmp_path, data, capsys):
    vectors, cluster = data
    metadata = pd.DataFrame({"word": [f"w{i}" for i in range(len(vectors))], "size": np.arange(len(vectors)),
                             "cluster": [f"c{c}" for c in cluster]})
    result = export_embeddings(vectors, metadata, logdir=tmp_path, run="r", name="emb", layouts=("tsne", "umap"))
    folder = os.path.dirname(result.files["bookmarks"])
    assert {"layouts", "picture_tsne", "picture_umap"} <= set(result.files)
    n = len(vectors)
    with open(os.path.join(folder, "bookmarks.json"), encoding="utf-8") as f:
        states = json.load(f)
    assert [s["label"] for s in states] == [f"PCA (all {n:,} points)", f"t-SNE (all {n:,} points)",
                                            f"UMAP (all {n:,} points)"]
    for state in states:
        assert state["dataSetDimensions"] == [n, D]
        assert state["selectedProjection"] in ("pca", "umap")  # never "tsne": the browser would recompute
        assert state["selectedColorOptionName"] == "cluster" and state["selectedLabelOption"] == "word"
        assert len(state["projections"]) == n
    tsne_coords = np.array([[p["umap-0"], p["umap-1"]] for p in states[1]["projections"]])
    assert own_cluster_share(tsne_coords, cluster).mean() >= 0.95
    with open(os.path.join(folder, FIGURES_FILE), encoding="utf-8") as f:
        figures = json.load(f)
    assert sorted(figures) == ["tsne", "umap"]
    assert figures["tsne"]["label_column"] == "cluster" and 0 < figures["tsne"]["knn_preservation"] <= 1
    for method in ("tsne", "umap"):
        with open(os.path.join(folder, f"layout-{method}.png"), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "t-SNE (all 1,000 points):" in capsys.readouterr().err  # the figures are printed too
    assert validate_logdir(tmp_path).findings == []

    # Re-exporting without layouts leaves no stale picture or figures behind.
    again = export_embeddings(vectors, metadata, logdir=tmp_path, run="r", name="emb")
    assert not {"layout-tsne.png", "layout-umap.png", FIGURES_FILE} & set(os.listdir(os.path.dirname(again.files["bookmarks"])))


def test_bad_layout_names_and_colour_columns_are_one_line_errors(tmp_path):
    with pytest.raises(ExportError, match="unknown layout 'tnse': pick from tsne, umap, pca"):
        parse_layouts("tnse,umap")
    assert parse_layouts(" t-SNE , umap,umap") == ("tsne", "umap") and parse_layouts("none") == ()
    with pytest.raises(ExportError, match="cannot colour by 'colour'"):
        export_embeddings(np.eye(4, 3), ["a", "b", "c", "d"], logdir=tmp_path, layouts=["pca"], color_by="colour")
    assert not os.listdir(tmp_path)
