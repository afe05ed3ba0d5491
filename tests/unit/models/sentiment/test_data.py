"""The IMDb loader's formats and the sentiment command's bad-input errors (one line, logdir untouched)."""

import gzip
import os
import subprocess
import sys
import tarfile

import pandas as pd
import pytest

from exporter.errors import ExportError
from models.sentiment.data import SAMPLE_DIR, load_imdb

SAMPLE_TRAIN = os.path.join(SAMPLE_DIR, "train.csv.gz")


@pytest.fixture(scope="module")
def sample():
    return pd.read_csv(SAMPLE_TRAIN, dtype=str, keep_default_na=False)


def write_acl_layout(frame, root, split="train"):
    """Writes `frame` in the official one-file-per-review layout under `root/aclImdb`."""
    for row in frame.itertuples():
        folder = os.path.join(root, "aclImdb", split, row.sentiment)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{row.id}_{row.rating}.txt"), "w", encoding="utf-8") as f:
            f.write(row.review)


def test_bundled_sample_is_balanced_shuffled_and_small():
    train, test = load_imdb(SAMPLE_DIR, "train"), load_imdb(SAMPLE_DIR, "test")
    assert len(train) == 2000 and len(test) == 400
    assert train.label.value_counts().to_dict() == {1: 1000, 0: 1000}
    # The file is sorted pos first; shuffled, the first hundred rows mix both classes.
    assert 20 < train.label[:100].sum() < 80
    assert load_imdb(SAMPLE_DIR, "train", seed=0).review.tolist() == train.review.tolist()
    assert load_imdb(SAMPLE_DIR, "train", seed=1).review.tolist() != train.review.tolist()
    sizes = [os.path.getsize(os.path.join(SAMPLE_DIR, name)) for name in os.listdir(SAMPLE_DIR)]
    assert sum(sizes) <= 1.5e6


def test_folder_tarball_and_csv_give_the_same_reviews(tmp_path, sample):
    subset = sample.groupby("sentiment").head(20)
    write_acl_layout(subset, tmp_path)
    tarball = tmp_path / "aclImdb_v1.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(tmp_path / "aclImdb", arcname="aclImdb")
    plain_csv = tmp_path / "reviews.csv"
    subset.to_csv(plain_csv, index=False)

    expected = sorted(zip(subset.review, (subset.sentiment == "pos").astype(int)))
    for path in (tmp_path / "aclImdb", tmp_path, tarball, plain_csv):
        frame = load_imdb(path, "train")
        assert sorted(zip(frame.review, frame.label)) == expected, path


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "holds no reviews"),
        (b"\x1f\x8b\x08garbage", "unreadable"),
        ("id,rating,text\n1,9,great\n".encode(), "missing column sentiment, review"),
        ("id,sentiment,review\n1,pos,great\n2,pos,fine\n".encode(), "only 'pos' reviews"),
        ("id,sentiment,review\n1,good,great\n".encode(), "not pos/neg"),
    ],
    ids=["empty", "unreadable", "missing-column", "single-class", "bad-labels"],
)
def test_bad_dataset_files_raise_one_clear_line(tmp_path, content, message):
    path = tmp_path / "train.csv.gz"
    path.write_bytes(gzip.compress(content) if content and not content.startswith(b"\x1f\x8b") else content)
    with pytest.raises(ExportError, match=message) as raised:
        load_imdb(path, "train")
    assert "\n" not in str(raised.value)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(ExportError, match="no such file"):
        load_imdb(tmp_path / "nope.csv.gz")
    with pytest.raises(ExportError, match="found neither train.csv.gz nor an aclImdb"):
        load_imdb(tmp_path)


def run_cli(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    command = [sys.executable, "-m", "models.cli", "sentiment", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def test_cli_bad_input_exits_2_with_one_error_line_and_writes_nothing(tmp_path, sample):
    single_class = tmp_path / "pos.csv"
    sample[sample.sentiment == "pos"].to_csv(single_class, index=False)
    logdir = tmp_path / "logdir"
    done = run_cli("--data", str(single_class), "--logdir", str(logdir), "--epochs", "1")
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {single_class}: the IMDb train split holds only 'pos' reviews: "
                      "a sentiment model needs both pos and neg"]
    assert not logdir.exists() or not any(logdir.iterdir())


def test_cli_vocabulary_smaller_than_requested(tmp_path, sample):
    small = tmp_path / "small.csv"
    sample.groupby("sentiment").head(10).to_csv(small, index=False)
    logdir = tmp_path / "logdir"
    logdir.mkdir()
    (logdir / "keep.txt").write_text("earlier work")
    done = run_cli("--data", str(small), "--logdir", str(logdir), "--vocab-size", "50000", "--epochs", "1")
    assert done.returncode == 2, done.stderr
    assert "distinct tokens" in done.stderr and "lower --vocab-size to at most" in done.stderr
    assert sorted(os.listdir(logdir)) == ["keep.txt"]
