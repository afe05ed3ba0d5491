"""The artificial languages: seeded, shaped as asked, and with (or without) alphabet structure."""

import numpy as np
import pytest

from exporter.errors import ExportError
from models.word2vec import data as languages


def test_same_seed_same_sentences_other_seed_others():
    first = languages.generate("proximity", num_sentences=50, seed=3)
    assert np.array_equal(first, languages.generate("proximity", num_sentences=50, seed=3))
    assert not np.array_equal(first, languages.generate("proximity", num_sentences=50, seed=4))


@pytest.mark.parametrize("width", [1, 2, 3])
def test_proximity_steps_stay_within_width_and_inside_the_alphabet(width):
    sentences = languages.generate("proximity", num_sentences=2000, sentence_length=9, width=width, num_words=10)
    assert sentences.shape == (2000, 9)
    steps = np.diff(sentences, axis=1)
    assert sentences.min() == 0 and sentences.max() == 9
    assert np.abs(steps).max() == width and (steps != 0).all()


def test_random_language_uses_every_word_about_equally_and_anywhere():
    sentences = languages.generate("random", num_sentences=4000, seed=1)
    counts = np.bincount(sentences.ravel(), minlength=26)
    assert counts.min() > 0.85 * counts.mean() and counts.max() < 1.15 * counts.mean()
    assert np.abs(np.diff(sentences, axis=1)).max() >= 20  # neighbours far apart in the alphabet


def test_vocabulary_is_aaa_to_zzz():
    words = languages.vocabulary()
    assert words[0] == "aaa" and words[1] == "bbb" and words[-1] == "zzz" and len(words) == 26


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"language": "english"}, "unknown language 'english'"),
        ({"language": "random", "num_words": 27}, "between 2 and 26 words"),
        ({"language": "proximity", "sentence_length": 1}, "sentence_length >= 2"),
    ],
)
def test_bad_options_get_one_clear_line(kwargs, message):
    with pytest.raises(ExportError, match=message):
        languages.generate(**kwargs)
