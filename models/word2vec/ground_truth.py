"""How well word vectors match the alphabet: the known answer of the proximity language.

Example:
>>> import numpy as np
>>> angles = np.linspace(0, np.pi, 26)              # words on an arc, in alphabet order
>>> neighbours_within(np.stack([np.cos(angles), np.sin(angles)], axis=1))
1.0
>>> round(chance_level(26), 3)
0.018
>>> p_value(np.random.default_rng(0).normal(size=(26, 8))) > 0.05   # random vectors: chance
True
"""

import math

import numpy as np

from exporter import cosine_neighbours


def nearest_neighbours(vectors, k=2):
    """(N, k) indices of each row's `k` nearest other rows by cosine similarity."""
    return cosine_neighbours(vectors, vectors, k, exclude=[[row] for row in range(len(vectors))])[0]


def neighbours_within(vectors, *, k=2, letters=2):
    """The share of words whose `k` nearest neighbours all lie within `letters` of it in the alphabet.

    Row i of `vectors` is the i-th word of the alphabet (`aaa`, `bbb`, ...).
    """
    rows = np.arange(len(vectors))[:, None]
    return float(np.mean(np.all(np.abs(nearest_neighbours(vectors, k) - rows) <= letters, axis=1)))


def chance_level(num_words, *, k=2, letters=2):
    """`neighbours_within` expected when the `k` neighbours are any `k` other words at random."""
    close = [min(i + letters, num_words - 1) - max(i - letters, 0) for i in range(num_words)]
    return sum(math.comb(c, k) for c in close) / (num_words * math.comb(num_words - 1, k))


def p_value(vectors, *, k=2, letters=2, trials=2000, seed=0):
    """How often randomly relabelled words score `neighbours_within` at least as high (a permutation test).

    `vectors` is one (N, D) matrix, or a list of them (several trainings, pooled:
    their mean score is compared). Small (< 0.01): the vectors know the alphabet
    better than chance; large: no better than chance.
    """
    matrices = [vectors] if isinstance(vectors, np.ndarray) else list(vectors)
    observed = np.mean([neighbours_within(m, k=k, letters=letters) for m in matrices])
    rng = np.random.default_rng(seed)
    scores = [
        np.mean([neighbours_within(m[rng.permutation(len(m))], k=k, letters=letters) for m in matrices])
        for _ in range(trials)
    ]
    return float((1 + sum(score >= observed for score in scores)) / (1 + trials))
