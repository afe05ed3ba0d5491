"""Tiny artificial languages whose right embedding is known in advance.

Example:
>>> sentences = generate("proximity", num_sentences=2, seed=0)
>>> [len(s) for s in sentences], vocabulary()[:3]
([7, 7], ['aaa', 'bbb', 'ccc'])

In the "proximity" language consecutive words of a sentence are at most `width`
letters apart in the alphabet, so a word's contexts are its alphabet neighbours
and a good embedding puts `bbb` next to `aaa` and `ccc`. In the "random" language
every word is drawn uniformly: there is no structure for an embedding to find.
"""

import string

import numpy as np

from models.errors import DatasetError

LANGUAGES = ("proximity", "random")


def vocabulary(num_words=26):
    """The words `aaa`, `bbb`, ... `zzz` (letters repeated three times), the first `num_words`."""
    if not 2 <= num_words <= 26:
        raise DatasetError(f"num_words is {num_words}: the languages have between 2 and 26 words")
    return [letter * 3 for letter in string.ascii_lowercase[:num_words]]


def generate(language, *, num_sentences=5000, sentence_length=7, width=2, num_words=26, seed=0):
    """`num_sentences` sentences of `sentence_length` word ids (row i of `vocabulary()` is id i).

    Args:
      language: "proximity" (each next word within `width` letters of the previous
        one, never itself) or "random" (every word uniform).
      width: the neighbourhood width of the proximity language.
      seed: the same seed gives the same sentences.
    """
    if language not in LANGUAGES:
        raise DatasetError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    if num_sentences < 1 or sentence_length < 2 or width < 1:
        raise DatasetError("need num_sentences >= 1, sentence_length >= 2 and width >= 1")
    vocabulary(num_words)  # checks num_words
    rng = np.random.default_rng(seed)
    if language == "random":
        return rng.integers(num_words, size=(num_sentences, sentence_length))
    sentences = np.empty((num_sentences, sentence_length), dtype=np.int64)
    sentences[:, 0] = rng.integers(num_words, size=num_sentences)
    steps = np.array([s for s in range(-width, width + 1) if s != 0])
    for position in range(1, sentence_length):
        previous = sentences[:, position - 1]
        # Draw a step until it stays inside the alphabet (uniform over the valid neighbours).
        step = rng.choice(steps, size=num_sentences)
        outside = (previous + step < 0) | (previous + step >= num_words)
        while outside.any():
            step[outside] = rng.choice(steps, size=int(outside.sum()))
            outside = (previous + step < 0) | (previous + step >= num_words)
        sentences[:, position] = previous + step
    return sentences
