"""AG News and DBpedia (Zhang et al., 2015): `class,title,content` CSVs with their `classes.txt`.

Example:
>>> from models.softmax.data import load_news
>>> news = load_news()  # the bundled AG News sample; load_news("download") fetches the full set
>>> news.class_names
['World', 'Sports', 'Business', 'Sci/Tech']
>>> list(news.train.columns)
['label', 'title', 'content']

A folder holds `classes.txt` (one class name per line; class index i in the CSVs
is line i, counting from 1), `test.csv` and `train.csv` (or one `train*.csv`,
e.g. `train_sample_20k.csv`), each optionally gzipped. The CSVs have no header,
every field quoted, as in the official `ag_news_csv.tgz` / `dbpedia_csv.tgz`.
"""

import csv
import dataclasses
import glob
import os

import numpy as np
import pandas as pd

from models.errors import DatasetError

#: The official archives of Zhang, Zhao & LeCun (2015), as mirrored by fast.ai.
URLS = {
    "ag_news": "https://s3.amazonaws.com/fast-ai-nlp/ag_news_csv.tgz",
    "dbpedia": "https://s3.amazonaws.com/fast-ai-nlp/dbpedia_csv.tgz",
}
SAMPLE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample")
COLUMNS = ("label", "title", "content")


@dataclasses.dataclass(frozen=True)
class NewsDataset:
    """Train and test rows (`label` counts from 0, `title`, `content`) and the class names."""

    train: pd.DataFrame
    test: pd.DataFrame
    class_names: list

    @staticmethod
    def texts(frame):
        """The model's input: title and content as one string per row."""
        # The official files write a newline inside content as a backslash.
        return (frame["title"] + ". " + frame["content"].str.replace("\\", " ", regex=False)).to_numpy(object)


def load_news(path=None, *, dataset="ag_news", seed=0):
    """Loads a dataset folder; the train rows are shuffled with `seed`.

    Args:
      path: a folder as described above; None for the bundled AG News sample;
        "download" for the official archive of `dataset` (cached by Keras).
      dataset: "ag_news" or "dbpedia", used only to pick the download.
    """
    if path is None:
        path = SAMPLE_DIR
    elif path == "download":
        path = download(dataset)
    if not os.path.isdir(path):
        raise DatasetError(f"{path}: not a folder: give the folder that holds classes.txt, train.csv and test.csv")
    class_names = read_class_names(os.path.join(path, "classes.txt"))
    train_file = _find_split(path, "train")
    train = read_split(train_file, len(class_names))
    test = read_split(_find_split(path, "test"), len(class_names))
    if train["label"].nunique() < 2:
        raise DatasetError(
            f"{train_file}: every row holds the same class ({class_names[train['label'].iloc[0]]}): "
            "a classifier needs rows of at least 2 classes"
        )
    order = np.random.default_rng(seed).permutation(len(train))
    return NewsDataset(train.iloc[order].reset_index(drop=True), test, class_names)


def download(dataset="ag_news"):
    """Fetches and unpacks the official archive of `dataset` once; returns its folder."""
    import keras

    if dataset not in URLS:
        raise DatasetError(f"unknown dataset {dataset!r}: use one of {', '.join(URLS)}")
    folder = keras.utils.get_file(f"{dataset}_csv.tgz", URLS[dataset], extract=True)
    # Keras returns the archive or its extraction folder, depending on its version.
    found = glob.glob(os.path.join(os.path.dirname(folder) if os.path.isfile(folder) else folder,
                                   "**", "classes.txt"), recursive=True)
    if not found:
        raise DatasetError(f"{folder}: the {dataset} archive holds no classes.txt: delete it and retry")
    return os.path.dirname(found[0])


def read_class_names(path):
    """The lines of `classes.txt`, blank lines skipped."""
    try:
        with open(path, encoding="utf-8") as f:
            names = [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        raise DatasetError(f"{path}: missing: the dataset folder needs classes.txt, one class name per line") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path}: unreadable ({error}): give a UTF-8 text file, one class name per line") from None
    if len(names) < 2:
        raise DatasetError(f"{path}: {len(names)} class name(s): a classifier needs at least 2, one per line")
    return names


def read_split(path, num_classes):
    """One `class,title,content` CSV as a frame with 0-based integer labels."""
    try:
        frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{path}: the file is empty: it needs class,title,content rows") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, EOFError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DatasetError(f"{path}: unreadable ({reason}): give a UTF-8 CSV of class,title,content rows") from None
    if frame.shape[1] != len(COLUMNS):
        raise DatasetError(
            f"{path}: rows have {frame.shape[1]} column(s), expected 3 (class,title,content) without a header"
        )
    frame.columns = list(COLUMNS)
    if not frame["label"].iloc[0].strip().isdigit():  # a header row, as in the Kaggle copies
        frame = frame.iloc[1:].reset_index(drop=True)
    if frame.empty:
        raise DatasetError(f"{path}: no data rows: it needs class,title,content rows")
    index = pd.to_numeric(frame["label"].str.strip(), errors="coerce")
    unknown = ~index.between(1, num_classes)
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise DatasetError(
            f"{path}: row {row + 1} has class {frame['label'].iloc[row]!r}, but classes.txt names "
            f"classes 1..{num_classes}: fix the row or add the class to classes.txt"
        )
    frame["label"] = index.astype(int) - 1
    return frame


def _find_split(folder, split):
    candidates = [os.path.join(folder, f"{split}.csv{ext}") for ext in ("", ".gz")]
    found = [p for p in candidates if os.path.exists(p)] or sorted(glob.glob(os.path.join(folder, f"{split}*.csv*")))
    if len(found) != 1:
        what = "none" if not found else ", ".join(os.path.basename(p) for p in found)
        raise DatasetError(f"{folder}: expected one {split}.csv (or {split}*.csv[.gz]), found {what}")
    return found[0]
