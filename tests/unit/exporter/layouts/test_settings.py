"""Layout settings (`--layouts tsne:perplexity=5,...`, `layouts=[...]`): each key reaches its library,
one bookmark, picture and figures per item, named by its non-default settings; one shared neighbour graph."""

import json
import os

import numpy as np
import pytest

from exporter import ExportError, export_embeddings, validate_logdir
from exporter.run import folder as run_folder
from exporter.cli import main
from exporter.layouts import LayoutSpec, compute_layout, make_layouts, parse_layouts
from exporter.table import EmbeddingTable
from tests.unit.exporter.layouts.test_compute import clustered

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


@pytest.fixture(scope="module")
def points():
    vectors, cluster = clustered()
    return vectors[::4], cluster[::4]  # 500 points, 8 clusters


def test_the_text_and_typed_forms_are_one_spec_and_bad_items_are_one_line_listing_the_valid_keys():
    assert parse_layouts("tsne:perplexity=5,umap:neighbours=5:min_dist=0.3,pca:dims=3") == (
        LayoutSpec("tsne", perplexity=5), LayoutSpec("umap", neighbors=5, min_dist=0.3), LayoutSpec("pca", dims=3))
    assert parse_layouts(["tsne:perplexity=30", "tsne"]) == ("tsne",)  # the default setting is no setting
    cases = {"tsne:perplexty=5": "t-SNE has no setting 'perplexty': its settings are perplexity, exaggeration, "
                                 "learning-rate, dims",
             "umap:neighbors=1": "UMAP neighbors must be a whole number > 1, got '1'",
             "umap:min-dist=2": "UMAP min-dist must be a number >= 0 and <= 1",
             "tsne:perplexity=nan": "t-SNE perplexity must be a number > 0",
             "pca:dims=4": "PCA dims must be 2 or 3, got '4': its settings are dims",
             "tsne:perplexity": "'perplexity' is not KEY=VALUE"}
    for text, message in cases.items():
        with pytest.raises(ExportError, match=message.replace("(", r"\(")) as error:
            parse_layouts(text)
        assert "\n" not in str(error.value) and "(e.g. " in str(error.value)


def test_the_cli_refuses_a_bad_key_in_one_line(tmp_path, capsys):
    np.save(tmp_path / "v.npy", np.eye(6, 4))
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(tmp_path / "v.npy"), "--logdir", str(tmp_path / "l"), "--layouts", "umap:neigbors=5"])
    err = capsys.readouterr().err.strip().splitlines()
    assert exit_info.value.code == 2 and "UMAP has no setting 'neigbors': its settings are neighbors, min-dist, dims" in err[-1]
    assert not (tmp_path / "l").exists()


def spy(monkeypatch, target, name):
    """Records the keyword arguments of every call to `target.name`, which still runs."""
    calls, real = [], getattr(target, name)

    def record(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, record)
    return calls


def test_each_tsne_key_reaches_opentsne_and_changes_the_layout(points, monkeypatch):
    from openTSNE import TSNEEmbedding, affinity

    vectors, _ = points
    optimize = spy(monkeypatch, TSNEEmbedding, "optimize")
    affinities = spy(monkeypatch, affinity, "PerplexityBasedNN")
    base = compute_layout(vectors, "tsne", progress=False)
    for text in ("tsne:perplexity=5", "tsne:exaggeration=4", "tsne:learning-rate=20"):
        optimize.clear(), affinities.clear()
        coords = compute_layout(vectors, text, progress=False)
        assert not np.allclose(coords, base), text
        normal_phase = optimize[-1]
        if "perplexity" in text:
            assert affinities[0]["perplexity"] == 5 and affinities[0]["knn_index"].k == 15
        if "exaggeration" in text:
            assert normal_phase["exaggeration"] == 4
        if "learning-rate" in text:
            assert {call["learning_rate"] for call in optimize} == {20}
    assert compute_layout(vectors, "tsne:dims=3", progress=False).shape == (len(vectors), 3)


def test_each_umap_key_reaches_umap_learn_and_changes_the_layout(points, monkeypatch):
    from exporter.layouts.compute import _import_umap

    umap = _import_umap()
    vectors, _ = points
    made = spy(monkeypatch, umap, "UMAP")
    base = compute_layout(vectors, "umap", progress=False)
    for text, key, value in (("umap:neighbors=5", "n_neighbors", 5), ("umap:min-dist=0.8", "min_dist", 0.8)):
        made.clear()
        coords = compute_layout(vectors, text, progress=False)
        assert made[0][key] == value and not np.allclose(coords, base), text
    assert made[0]["precomputed_knn"][0].shape == (len(vectors), 15)
    assert compute_layout(vectors, "umap:dims=3", progress=False).shape == (len(vectors), 3)
    assert compute_layout(vectors, "pca:dims=3", progress=False).shape == (len(vectors), 3)


def test_one_bookmark_picture_and_figures_per_item_named_by_its_settings(tmp_path, points, capsys):
    vectors, cluster = points
    metadata = {"word": [f"w{i}" for i in range(len(vectors))], "cluster": [f"c{c}" for c in cluster]}
    result = export_embeddings(vectors, metadata, logdir=tmp_path, run="r", name="e", layouts=[
        "tsne:perplexity=5", LayoutSpec("tsne", perplexity=50), "tsne", "umap:neighbors=5:min-dist=0.3"])
    with open(result.files["bookmarks"], encoding="utf-8") as f:
        labels = [state["label"] for state in json.load(f)]
    assert labels == ["PCA (all 500 points)", "t-SNE perplexity 5 (all 500 points)",
                      "t-SNE perplexity 50 (all 500 points)", "t-SNE (all 500 points)",
                      "UMAP neighbors 5 min dist 0.3 (all 500 points)"]
    keys = ["tsne-perplexity-5", "tsne-perplexity-50", "tsne", "umap-neighbors-5-min-dist-0.3"]
    with open(result.files["layouts"], encoding="utf-8") as f:
        figures = json.load(f)
    assert list(figures) == keys
    assert figures["tsne-perplexity-5"]["settings"] == {"perplexity": 5.0, "exaggeration": 1.0,
                                                       "learning-rate": None, "dims": 2}
    assert figures["umap-neighbors-5-min-dist-0.3"]["layout"] == "umap:neighbors=5:min-dist=0.3"
    assert len({figures[key]["knn_preservation"] for key in keys}) > 1  # measured per item
    for key in keys:
        assert os.path.isfile(result.files[f"picture_{key}"]) and figures[key]["picture"] == f"layout-{key}.png"
    assert run_folder.find_export(tmp_path, "r", "e") == result
    assert "t-SNE perplexity 5 (all 500 points):" in capsys.readouterr().err
    assert validate_logdir(tmp_path).findings == []


def test_layout_command_adds_items_and_replaces_only_the_same_settings(tmp_path, points):
    vectors, _ = points
    export_embeddings(vectors, logdir=tmp_path, run="r", name="e", layouts=["tsne:perplexity=5"])
    assert main(["layout", "--logdir", str(tmp_path), "--run", "r", "--name", "e",
                 "--layouts", "tsne:perplexity=5,pca:dims=3"]) == 0
    export = run_folder.find_export(tmp_path, "r", "e")
    with open(export.files["bookmarks"], encoding="utf-8") as f:
        assert [s["label"] for s in json.load(f)] == ["PCA (all 500 points)", "t-SNE perplexity 5 (all 500 points)",
                                                      "PCA 3-D (all 500 points)"]
    with open(export.files["layouts"], encoding="utf-8") as f:
        assert list(json.load(f)) == ["tsne-perplexity-5", "pca-3d"]


def test_the_neighbour_graph_is_found_once_for_every_tsne_and_umap(points, monkeypatch):
    import exporter.layouts as layouts
    from exporter.layouts import compute

    vectors, _ = points
    shared = spy(monkeypatch, layouts, "neighbour_graph")
    own = spy(monkeypatch, compute, "neighbour_graph")
    table = EmbeddingTable.build(vectors)
    done = make_layouts(table, "tsne:perplexity=5,tsne:perplexity=20,umap,umap:neighbors=40", progress=False,
                        report=False)
    assert len(shared) == 1 and own == []  # 3 x 20 = 60 neighbours, enough for all four
    alone = compute_layout(vectors, "tsne:perplexity=20", progress=False)
    np.testing.assert_array_equal(done[1].coordinates, alone)  # sharing changes nothing
