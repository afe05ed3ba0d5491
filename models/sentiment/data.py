"""IMDb movie reviews (Maas et al. 2011) as a shuffled DataFrame of `review` text and 0/1 `label`.

Example:
>>> from models.sentiment.data import load_imdb, SAMPLE_DIR
>>> train = load_imdb(SAMPLE_DIR, "train")
>>> list(train.columns), train.label.value_counts().to_dict()
(['review', 'label'], {1: 1000, 0: 1000})

`path` may be the official `aclImdb_v1.tar.gz`, its extracted `aclImdb/` folder
(`{train,test}/{pos,neg}/<id>_<rating>.txt`), a folder holding the gzip CSV copy
(`train.csv.gz`, `test.csv.gz`: columns id, rating, sentiment, review, url), one
such CSV, or None to download the tarball from Stanford (cached by Keras).
"""

import csv
import glob
import gzip
import os
import tarfile
import zlib

import pandas as pd

from models.errors import DatasetError

URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
SAMPLE_DIR = os.path.join(os.path.dirname(__file__), "sample")
SPLITS = ("train", "test")
_LABELS = {"neg": 0, "pos": 1}


def load_imdb(path=None, split="train", *, seed=0):
    """The `split` ("train" or "test") of IMDb at `path`, rows shuffled with `seed`."""
    if split not in SPLITS:
        raise DatasetError(f"unknown IMDb split {split!r}: use one of {', '.join(SPLITS)}")
    if path is None:
        path = download()
    frame = _read(os.fspath(path), split)
    if frame.empty:
        raise DatasetError(f"{path}: the IMDb {split} split holds no reviews: point --data at a non-empty copy")
    if frame.label.nunique() < 2:
        raise DatasetError(
            f"{path}: the IMDb {split} split holds only {frame.sentiment.iloc[0]!r} reviews: "
            "a sentiment model needs both pos and neg"
        )
    return frame[["review", "label"]].sample(frac=1.0, random_state=seed).reset_index(drop=True)


def has_test_split(path):
    """True if `path` is a form that holds both splits (folder or tarball), not a single CSV."""
    path = os.fspath(path)
    return os.path.isdir(path) or _is_tarball(path)


def download(cache_dir=None):
    """Downloads and extracts the official tarball once; returns the `aclImdb` folder."""
    import keras

    extracted = keras.utils.get_file(origin=URL, extract=True, cache_dir=cache_dir, cache_subdir="datasets")
    candidates = [extracted, os.path.join(extracted, "aclImdb")]
    return next(folder for folder in candidates if os.path.isdir(os.path.join(folder, "train")))


def _read(path, split):
    if not os.path.exists(path):
        raise DatasetError(f"{path}: no such file or folder: give the IMDb tarball, aclImdb folder or CSV copy")
    if os.path.isdir(path):
        csv_file = os.path.join(path, f"{split}.csv.gz")
        if os.path.isfile(csv_file):
            return _read_csv(csv_file)
        folder = path if os.path.isdir(os.path.join(path, split)) else os.path.join(path, "aclImdb")
        if os.path.isdir(os.path.join(folder, split)):
            return _read_folder(folder, split)
        raise DatasetError(f"{path}: found neither {split}.csv.gz nor an aclImdb {split}/pos, {split}/neg layout")
    if _is_tarball(path):
        return _read_tarball(path, split)
    return _read_csv(path)


def _is_tarball(path):
    try:
        return os.path.isfile(path) and tarfile.is_tarfile(path)
    except (OSError, EOFError, zlib.error):
        return False


def _read_csv(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as f:
            frame = pd.DataFrame(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, EOFError, zlib.error, csv.Error) as error:
        raise DatasetError(f"{path}: unreadable ({error}): give a UTF-8 CSV, gzipped or not") from None
    missing = [column for column in ("sentiment", "review") if column not in frame.columns]
    if missing and not frame.empty:
        raise DatasetError(
            f"{path}: missing column {', '.join(missing)} (has {', '.join(frame.columns)}): "
            "the IMDb CSV needs sentiment (pos/neg) and review"
        )
    if frame.empty:
        return pd.DataFrame({"review": [], "sentiment": [], "label": []})
    unknown = sorted(set(frame.sentiment) - set(_LABELS))
    if unknown:
        raise DatasetError(f"{path}: sentiment values {unknown[:3]} are not pos/neg: fix the sentiment column")
    return frame.assign(label=frame.sentiment.map(_LABELS).astype("int32"))


def _read_folder(folder, split):
    rows = []
    for sentiment in _LABELS:
        for name in sorted(glob.glob(os.path.join(folder, split, sentiment, "*.txt"))):
            with open(name, encoding="utf-8") as f:
                rows.append((f.read(), sentiment))
    return _frame(rows)


def _read_tarball(path, split):
    rows = []
    try:
        with tarfile.open(path) as archive:
            for member in archive:
                parts = member.name.split("/")
                if member.isfile() and len(parts) == 4 and parts[1] == split and parts[2] in _LABELS:
                    rows.append((archive.extractfile(member).read().decode("utf-8"), parts[2]))
    except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
        raise DatasetError(f"{path}: unreadable tarball ({error}): download {URL} again") from None
    return _frame(rows)


def _frame(rows):
    frame = pd.DataFrame(rows, columns=["review", "sentiment"])
    return frame.assign(label=frame.sentiment.map(_LABELS).astype("int32"))
