"""GoEmotions as single-label examples of chosen emotions, shuffled with a seed.

Example:
>>> from models.bert.data import load_goemotions, SAMPLE_DIR
>>> frame = load_goemotions(SAMPLE_DIR, "test")
>>> list(frame.columns), sorted(frame["emotion"].unique())[:3]
(['text', 'emotion'], ['amusement', 'curiosity', 'embarrassment'])

`path` is a folder of the simplified release (`train.tsv`, `dev.tsv`, `test.tsv`,
`emotions.txt`), a raw rater-level CSV (`goemotions_1.csv`, ...), or None to
download the simplified release. Dataset: Demszky et al., ACL 2020, CC BY 4.0.
"""

import difflib
import os
import zlib

import numpy as np
import pandas as pd

from exporter import read_text_table
from models.errors import DatasetError

DEFAULT_EMOTIONS = ("joy", "sadness", "curiosity", "neutral", "love", "amusement", "embarrassment")
SPLITS = ("train", "dev", "test")
SAMPLE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample")
SIMPLIFIED_URL = "https://raw.githubusercontent.com/google-research/google-research/master/goemotions/data/"
#: The 27 emotions and neutral, in the order the simplified release's label ids count them.
ALL_EMOTIONS = (
    "admiration amusement anger annoyance approval caring confusion curiosity desire disappointment disapproval "
    "disgust embarrassment excitement fear gratitude grief joy love nervousness optimism pride realization relief "
    "remorse sadness surprise neutral"
).split()
#: In the raw release, an emotion counts when this many raters chose it (as the simplified release does).
_MIN_RATERS = 2


def load_goemotions(path=None, split="train", emotions=DEFAULT_EMOTIONS, *, seed=0):
    """A DataFrame (text, emotion) of the examples whose one label is among `emotions`, shuffled by `seed`."""
    emotions = check_emotions(emotions)
    if split not in SPLITS:
        raise DatasetError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    if path is None:
        path = download_simplified()
    if os.path.isdir(path):
        frame = _read_simplified(path, split)
    elif path.endswith(".csv"):
        frame = _read_raw(path, split)
    else:
        raise DatasetError(f"{path}: give a folder with {split}.tsv (simplified GoEmotions) or a raw goemotions_N.csv")
    frame = frame[frame["emotion"].isin(emotions)]
    if frame.empty:
        raise DatasetError(f"{path}: no single-label {split} examples of {', '.join(emotions)}")
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def check_emotions(emotions):
    """`emotions` as a tuple of GoEmotions names; an unknown one gets one line with the closest names."""
    emotions = tuple(e.strip().lower() for e in (emotions.split(",") if isinstance(emotions, str) else emotions))
    for emotion in emotions:
        if emotion not in ALL_EMOTIONS:
            close = difflib.get_close_matches(emotion, ALL_EMOTIONS, n=2)
            hint = f"did you mean {' or '.join(close)}?" if close else f"choose from {', '.join(ALL_EMOTIONS)}"
            raise DatasetError(f"unknown emotion {emotion!r}: {hint}")
    if len(set(emotions)) < 2:
        raise DatasetError(f"choose at least 2 different emotions, got {', '.join(emotions) or 'none'}")
    return emotions


def download_simplified(cache_dir=None):
    """Downloads the simplified release (three splits) into the Keras cache; returns its folder."""
    import keras

    for split in SPLITS:
        path = keras.utils.get_file(f"{split}.tsv", SIMPLIFIED_URL + f"{split}.tsv",
                                    cache_dir=cache_dir, cache_subdir="datasets/goemotions")
    return os.path.dirname(path)


def _read_simplified(folder, split):
    path = os.path.join(folder, f"{split}.tsv")
    if not os.path.exists(path):
        raise DatasetError(f"{folder} has no {split}.tsv: point --data at the simplified GoEmotions data folder")
    frame = read_text_table(path, header=None, names=["text", "labels", "id"])
    single = frame[~frame["labels"].str.contains(",")]
    ids = pd.to_numeric(single["labels"], errors="coerce")
    if ids.isna().any() or not ids.between(0, len(ALL_EMOTIONS) - 1).all():
        raise DatasetError(f"{path}: the label column must hold emotion ids 0-{len(ALL_EMOTIONS) - 1}")
    return pd.DataFrame({"text": single["text"].to_numpy(), "emotion": np.array(ALL_EMOTIONS)[ids.astype(int)]})


def _read_raw(path, split):
    """Rater rows -> one example per comment: the emotions >= 2 raters chose; split by a hash of the id."""
    frame = read_text_table(path)
    missing = [c for c in ("text", "id", *ALL_EMOTIONS) if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path}: not a raw GoEmotions CSV (no column {missing[0]!r})")
    votes = frame[list(ALL_EMOTIONS)].apply(pd.to_numeric, errors="coerce").fillna(0).groupby(frame["id"]).sum()
    chosen = votes >= _MIN_RATERS
    single = chosen[chosen.sum(axis=1) == 1]
    texts = frame.drop_duplicates("id").set_index("id")["text"]
    bucket = np.array([zlib.crc32(i.encode()) % 10 for i in single.index])
    in_split = {"test": bucket == 0, "dev": bucket == 1, "train": bucket >= 2}[split]
    single = single[in_split]
    return pd.DataFrame({"text": texts.loc[single.index].to_numpy(), "emotion": single.idxmax(axis=1).to_numpy()})
