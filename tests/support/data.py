"""Test inputs that catch misaligned labels and lossy numbers, and the checks that go with them.

Example:
>>> labels = indexed_labels(12)
>>> labels[0], labels[1], as_shown(labels[6])
('', '1:   ', '6:line break')
"""

import numpy as np

from exporter.writers.tsv import EMPTY_PLACEHOLDER

# Values a careless writer gets wrong: signs, zeros, extremes, subnormals, long mantissas.
SPECIAL_VALUES = np.array(
    [0.0, -0.0, 1.0, -1.0, 1 / 3, -2 / 3, 3.4028235e38, -3.4028235e38, 1.1754944e-38, 1e-45, 123456.79, 1e-7],
    dtype=np.float32,
)
#: Labels the projector's metadata parser would drop or split if written as they are.
TRICKY_LABELS = ["", "   ", "\t", "\n", "\r\n", "a\tb", "line\nbreak", "cr\rhere", "😀 emoji", " padded "]


def random_vectors(n, d, seed=0, special_values=True):
    """Float32 normal (n, d) whose first values are `SPECIAL_VALUES` (unless `special_values=False`).

    The browser cannot draw them: values near float32's maximum overflow the projector's PCA.
    """
    vectors = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    if special_values:
        vectors.flat[: len(SPECIAL_VALUES)] = SPECIAL_VALUES[: n * d]
    return vectors


def indexed_labels(n):
    """Every 5th label is a bare tricky value; the others are "<row index>:<tricky value>"."""
    return [
        TRICKY_LABELS[i % len(TRICKY_LABELS)] if i % 5 == 0 else f"{i}:{TRICKY_LABELS[i % len(TRICKY_LABELS)]}"
        for i in range(n)
    ]


def as_shown(label):
    """The label the projector must show: tabs and line breaks as spaces, blanks as the placeholder."""
    text = label.replace("\r\n", " ").replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return text if text.strip() else EMPTY_PLACEHOLDER


def assert_bit_exact(actual, expected):
    """Same shape and the same float32 bits (so -0.0 != 0.0 and NaN payloads count)."""
    actual = np.ascontiguousarray(actual, np.float32)
    expected = np.ascontiguousarray(expected, np.float32)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(actual.view(np.uint32), expected.view(np.uint32))


def export_file(logdir, run, name, key="metadata"):
    """The path of one file of an export ("vectors_bytes", "vectors_tsv", "metadata", "bookmarks")."""
    from exporter.run.folder import find_export

    return find_export(str(logdir), run, name).files[key]


def clustered_words(rng, n, d, clusters):
    """(float32 (n, d) vectors in `clusters` well-separated clusters, metadata with columns word and cluster),
    drawn from the numpy Generator `rng` (callers may draw more from it)."""
    import pandas as pd

    cluster = rng.integers(0, clusters, n)
    vectors = (rng.normal(size=(clusters, d))[cluster] * 3 + rng.normal(size=(n, d))).astype(np.float32)
    metadata = pd.DataFrame({"word": [f"w{i}" for i in range(n)], "cluster": [f"c{c}" for c in cluster]})
    return vectors, metadata
