"""Aligned layouts (`align_to=` / `--align-to`): an export of slightly moved points is laid out in the frame
of the earlier export, so unchanged points stay put; `neighbours_kept` says what moved."""

import json

import numpy as np
import pandas as pd
import pytest

from exporter import ExportError, export_embeddings, validate_logdir
from exporter.run import folder as run_folder
from exporter.cli import main
from tests.unit.exporter.layouts.test_compute import clustered

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")
LAYOUTS = ["tsne", "umap:neighbors=10", "pca"]


def layouts_of(logdir, name):
    export = run_folder.find_export(logdir, "r", name)
    with open(export.files["bookmarks"], encoding="utf-8") as f:
        states = json.load(f)
    return {s["label"].split(" (")[0]: np.array([[v for k, v in sorted(p.items())] for p in s["projections"]])
            for s in states}


def median_shift(before, after):
    """Median distance of each point from its earlier place, as a share of the earlier layout's extent."""
    extent = np.linalg.norm(np.ptp(before, axis=0))
    return float(np.median(np.linalg.norm(after - before, axis=1)) / extent)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`before`, then `after` (the same 1,000 points moved slightly) aligned and `unaligned`.

    The move: noise, and the two widest directions stretched just enough to swap their order, as
    fine-tuning does: the layouts' own starting points (PCA) then turn, unless aligned.
    """
    logdir = str(tmp_path_factory.mktemp("align"))
    vectors, cluster = clustered()
    vectors, cluster = vectors[::2], cluster[::2]
    centred = vectors - vectors.mean(axis=0)
    axes = np.linalg.svd(centred, full_matrices=False)[2][:2]
    widths = (centred @ axes.T).std(axis=0)
    middle = np.sqrt(widths.prod())
    stretch = centred @ axes.T * (np.array([0.97, 1.03]) * middle / widths - 1)
    moved = (vectors + stretch @ axes + np.random.default_rng(1).normal(scale=0.1, size=vectors.shape)).astype(np.float32)
    metadata = pd.DataFrame({"word": [f"w{i}" for i in range(len(vectors))], "cluster": [f"c{c}" for c in cluster]})
    export_embeddings(vectors, metadata, logdir=logdir, run="r", name="before", layouts=LAYOUTS)
    export_embeddings(moved, metadata, logdir=logdir, run="r", name="after", layouts=LAYOUTS, align_to="before",
                      seed=1)
    export_embeddings(moved, metadata, logdir=logdir, run="r", name="unaligned", layouts=LAYOUTS, seed=1)
    return logdir


@pytest.mark.parametrize("label", ["t-SNE", "UMAP neighbors 10", "PCA"])
def test_slightly_moved_points_stay_within_15_percent_of_their_earlier_place_only_when_aligned(runs, label):
    before = layouts_of(runs, "before")[label]
    aligned = median_shift(before, layouts_of(runs, "after")[label])
    unaligned = median_shift(before, layouts_of(runs, "unaligned")[label])
    assert aligned <= 0.15 < unaligned, (aligned, unaligned)


def test_the_aligned_export_has_neighbours_kept_and_validates(runs):
    metadata = run_folder.read_export(runs, "r", "after").metadata
    kept = metadata["neighbours_kept"].astype(float)
    assert list(metadata.columns) == ["word", "cluster", "neighbours_kept"]
    assert kept.between(0, 1).all() and 0 < kept.mean() < 1
    assert "neighbours_kept" not in run_folder.read_export(runs, "r", "unaligned").metadata
    assert validate_logdir(runs).findings == []


def test_unchanged_points_keep_every_neighbour_and_their_place_matched_by_key(tmp_path):
    vectors, cluster = clustered()
    vectors = vectors[::4]
    words = [f"w{i}" for i in range(len(vectors))]
    export_embeddings(vectors, {"word": words, "n": range(len(words))}, logdir=tmp_path, run="r", name="before",
                      layouts=["tsne", "pca"])
    order = np.random.default_rng(0).permutation(len(vectors))  # the same rows, shuffled
    assert main(["layout", "--logdir", str(tmp_path), "--run", "r", "--name", "before", "--layouts", "pca"]) == 0
    export_embeddings(vectors[order], {"word": np.array(words)[order], "n": order}, logdir=tmp_path, run="r", name="after",
                      layouts=["tsne", "pca"], align_to="before", align_on="word")
    kept = run_folder.read_export(tmp_path, "r", "after").metadata["neighbours_kept"].astype(float)
    assert (kept == 1.0).all()
    before, after = layouts_of(tmp_path, "before"), layouts_of(tmp_path, "after")
    np.testing.assert_allclose(after["PCA"], before["PCA"][order], atol=1e-4 * np.ptp(before["PCA"]))
    assert median_shift(before["t-SNE"][order], after["t-SNE"]) < 0.05


def test_layout_command_aligns_and_adds_the_column(runs):
    assert main(["layout", "--logdir", runs, "--run", "r", "--name", "unaligned", "--layouts", "pca",
                 "--align-to", "before"]) == 0
    assert "neighbours_kept" in run_folder.read_export(runs, "r", "unaligned").metadata
    assert median_shift(layouts_of(runs, "before")["PCA"], layouts_of(runs, "unaligned")["PCA"]) <= 0.15


def test_aligning_other_rows_is_one_line(tmp_path):
    rng = np.random.default_rng(0)
    export_embeddings(rng.normal(size=(30, 8)), [f"w{i}" for i in range(30)], logdir=tmp_path, run="r", name="a")
    cases = [({"align_to": "a"}, "it has 30 points, this export 31"),
             ({"align_to": "a", "align_on": "word"}, "cannot align on 'word': this export has no such column"),
             ({"align_to": "nope"}, "has no tensor 'nope'"),
             ({"align_on": "label"}, "pass align_to=")]
    for options, message in cases:
        with pytest.raises(ExportError, match=message):
            export_embeddings(rng.normal(size=(31, 8)), [f"w{i}" for i in range(31)], logdir=tmp_path, run="r",
                              name="b", layouts=["tsne"], **options)
    with pytest.raises(ExportError, match="has no UMAP layout of 2 dims to align"):
        export_embeddings(rng.normal(size=(30, 8)), [f"w{i}" for i in range(30)], logdir=tmp_path, run="r",
                          name="b", layouts=["umap"], align_to="a")
    assert [e.name for e in run_folder.list_exports(tmp_path, "r")] == ["a"]
