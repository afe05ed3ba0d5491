"""`--layouts` on an export command, the `layout` command on an export on disk, and the callback's layouts."""

import json
import os

import numpy as np
import pandas as pd
import pytest

from exporter.run import folder as run_folder
from exporter.cli import main
from tests.unit.exporter.layouts.test_compute import clustered, own_cluster_share

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


def bookmarks(export):
    with open(export.files["bookmarks"], encoding="utf-8") as f:
        return {state["label"]: state for state in json.load(f)}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A 2,000 x 32 clustered .npy with a metadata TSV (word, cluster)."""
    folder = tmp_path_factory.mktemp("inputs")
    vectors, cluster = clustered()
    np.save(folder / "vectors.npy", vectors)
    pd.DataFrame({"word": [f"w{i}" for i in range(len(vectors))], "cluster": [f"c{c}" for c in cluster]}).to_csv(
        folder / "metadata.tsv", sep="\t", index=False)
    return folder, cluster


def test_import_with_layouts_then_layout_adds_3d_umap_without_rewriting_the_vectors(tmp_path, files, capsys):
    folder, cluster = files
    logdir = str(tmp_path / "logdir")
    assert main(["import", str(folder / "vectors.npy"), "--metadata", str(folder / "metadata.tsv"),
                 "--logdir", logdir, "--run", "r", "--name", "emb", "--layouts", "tsne"]) == 0
    first = run_folder.find_export(logdir, "r", "emb")
    assert list(bookmarks(first)) == ["PCA (all 2,000 points)", "t-SNE (all 2,000 points)"]
    assert "t-SNE (all 2,000 points):" in capsys.readouterr().err

    assert main(["layout", "--logdir", logdir, "--run", "r", "--name", "emb", "--layouts", "umap,pca",
                 "--dims", "3"]) == 0
    after = run_folder.find_export(logdir, "r", "emb")
    marks = bookmarks(after)
    assert list(marks) == ["PCA (all 2,000 points)", "t-SNE (all 2,000 points)", "UMAP 3-D (all 2,000 points)",
                           "PCA 3-D (all 2,000 points)"]
    umap = marks["UMAP 3-D (all 2,000 points)"]
    assert umap["umapIs3d"] and umap["dataSetDimensions"] == [2000, 32]
    coords = np.array([[p[f"umap-{i}"] for i in range(3)] for p in umap["projections"]])
    assert own_cluster_share(coords, cluster).mean() >= 0.95
    assert after.version != first.version
    with open(after.files["layouts"], encoding="utf-8") as f:
        assert sorted(json.load(f)) == ["pca-3d", "tsne", "umap-3d"]  # the earlier t-SNE figures are kept
    assert {"picture_tsne", "picture_umap-3d", "picture_pca-3d"} <= set(after.files)


def test_layout_keeps_the_vector_file_by_hard_link(tmp_path, files):
    folder, _ = files
    logdir = str(tmp_path / "logdir")
    assert main(["import", str(folder / "vectors.npy"), "--logdir", logdir, "--run", "r", "--name", "emb"]) == 0
    before = run_folder.find_export(logdir, "r", "emb")
    inode = os.stat(before.files["vectors_bytes"]).st_ino
    assert main(["layout", logdir, "--run", "r", "--name", "emb", "--layouts", "pca"]) == 0
    assert os.stat(run_folder.find_export(logdir, "r", "emb").files["vectors_bytes"]).st_ino == inode


def test_bad_layout_arguments_are_one_line_errors(tmp_path, files, capsys):
    folder, _ = files
    logdir = str(tmp_path / "logdir")
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(folder / "vectors.npy"), "--logdir", logdir, "--layouts", "tnse"])
    assert exit_info.value.code == 2 and "unknown layout 'tnse'" in capsys.readouterr().err
    assert main(["import", str(folder / "vectors.npy"), "--metadata", str(folder / "metadata.tsv"), "--logdir",
                 logdir, "--layouts", "pca", "--color-by", "colour"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: cannot colour by 'colour': metadata columns are ['word', 'cluster']: pass one of them"]
    assert main(["layout", "--logdir", logdir, "--run", "nope", "--name", "emb"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_callback_snapshots_start_each_layout_from_the_previous_one(tmp_path):
    from exporter import ProjectorCallback
    from tests.integration.tensorboard.test_callback import WORDS, fit

    callback = ProjectorCallback(tmp_path, "fit", embeddings={"embedding": WORDS}, layouts=("tsne", "umap"))
    fit(callback, epochs=2)
    names = callback.snapshots
    assert names == ["embedding.epoch-000", "embedding.epoch-001", "embedding.epoch-002"]
    for name in names:
        marks = bookmarks(run_folder.find_export(tmp_path, "fit", name))
        assert list(marks) == [f"PCA (all {len(WORDS)} points)", f"t-SNE (all {len(WORDS)} points)",
                               f"UMAP (all {len(WORDS)} points)"]
