"""One in-memory table: N vectors and their metadata rows, checked to be loadable.

Every source produces an `EmbeddingTable`; every writer consumes one. The checks
here are the projector's rules (see README, "What the projector accepts") applied
before anything touches the disk.
"""

import collections.abc
import dataclasses
import math
import numbers
import re

import numpy as np
import pandas as pd

from exporter.errors import ExportError
from exporter.vectors import unit_rows

#: Below this many dimensions the projector does not sphereize by default.
SPHEREIZE_MIN_DIM = 50
#: What a cell JavaScript's Number() accepts starts with, after whitespace.
_NUMBER_START = re.compile(r"[\s\ufeff]*[-+.0-9I]")
_SHOWN_AS_IS = re.compile(r"0|-?[1-9]\d{0,14}|-?[1-9]\d{0,6}\.\d{0,7}[1-9]|-?0\.(?!0{6})\d{0,7}[1-9]")
#: The column name used when metadata is a plain sequence of labels.
LABEL_COLUMN = "label"


@dataclasses.dataclass(frozen=True)
class EmbeddingTable:
    """N points: a float32 (N, D) matrix and an N-row DataFrame of string-able columns.

    Example:
    >>> table = EmbeddingTable.build([[1, 0], [0, 1], [1, 1]], ["cat", "dog", "cow"])
    >>> table.vectors.shape, list(table.metadata.columns)
    ((3, 2), ['label'])
    """

    vectors: np.ndarray
    metadata: pd.DataFrame | None = None

    @classmethod
    def build(cls, vectors, metadata=None, *, drop_nonfinite=False, unicode_errors="strict"):
        """Checks and converts user input; raises `ExportError` with the fix.

        Args:
          vectors: (N, D) array-like: NumPy, a TF tensor, nested lists.
          metadata: None; a sequence of N labels (one column, no header); or a
            DataFrame / dict of N-long columns (several columns, with header).
          drop_nonfinite: drop rows holding NaN/Inf (and their metadata) instead
            of refusing them.
          unicode_errors: "strict" refuses text UTF-8 cannot hold (lone surrogates,
            e.g. from `os.fsdecode` or `errors="surrogateescape"`); "replace" writes U+FFFD there.
        """
        matrix = _as_matrix(vectors)
        frame = _as_frame(metadata)
        if frame is not None:
            frame = _encodable(frame, unicode_errors)
        if frame is not None and len(frame) != len(matrix):
            raise ExportError(
                f"metadata has {len(frame)} rows but there are {len(matrix)} vectors: "
                "give exactly one metadata row per vector, in the same order"
            )
        bad = ~np.isfinite(matrix).all(axis=1)
        if bad.any():
            rows = np.flatnonzero(bad)
            if not drop_nonfinite:
                shown = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
                raise ExportError(
                    f"{len(rows)} vector rows hold NaN or Inf (rows {shown}); the projector "
                    "would draw nothing: fix them, or pass drop_nonfinite=True / --drop-nonfinite"
                )
            matrix, frame = matrix[~bad], None if frame is None else frame[~bad]
        table = cls(np.ascontiguousarray(matrix), None if frame is None else frame.reset_index(drop=True))
        table.check_shape()
        return table

    def check_shape(self):
        n, d = self.vectors.shape
        if n < 2 or d < 2:
            raise ExportError(
                f"the projector needs at least 2 points of at least 2 dimensions, got {n} x {d}"
            )

    @property
    def num_points(self):
        return self.vectors.shape[0]

    @property
    def dim(self):
        return self.vectors.shape[1]

    def number_like_cells(self):
        """[(row, column, text)] of the text cells the projector shows as numbers (`007` as 7, `0x1F` as 31)."""
        from exporter import projector_rules

        if self.metadata is None:
            return []
        changed = []
        for column in self.metadata.columns:
            values = self.metadata[column]
            if not _is_text(values):
                continue  # numbers stay numbers
            # Cheap vectorised filters before the exact parser: text not starting like a number, and numbers
            # JavaScript prints back digit for digit (up to 15 significant digits), are shown as they are.
            maybe = values.str.match(_NUMBER_START, na=False) & ~values.str.fullmatch(_SHOWN_AS_IS, na=False)
            changed += [(int(row), column, values.iat[row]) for row in np.flatnonzero(maybe.to_numpy())
                        if projector_rules.shown_as(values.iat[row]) != values.iat[row]]
        return sorted(changed)

    def take(self, rows):
        """The sub-table of `rows` (indices or boolean mask), metadata kept aligned."""
        meta = None if self.metadata is None else self.metadata.iloc[rows].reset_index(drop=True)
        return EmbeddingTable(np.ascontiguousarray(self.vectors[rows]), meta)

    def normalized(self):
        """Rows scaled to unit L2 length (zero rows stay zero)."""
        return EmbeddingTable(unit_rows(self.vectors), self.metadata)

    def sample(self, size, *, stratify=None, seed=0):
        """At most `size` rows drawn without replacement, in original order.

        With `stratify` (a metadata column name), every value of that column keeps
        its share of the rows (at least one row each while `size` allows).
        """
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 2:
            raise ExportError(f"max_points must be a whole number of at least 2 (the projector needs 2 points), got {size!r}")
        if size >= self.num_points:
            return self
        if stratify is None:
            return self.take(sample_indices(self.num_points, size, seed=seed))
        rng = np.random.default_rng(seed)
        if self.metadata is None or stratify not in self.metadata.columns:
            columns = [] if self.metadata is None else list(self.metadata.columns)
            raise ExportError(f"cannot stratify by {stratify!r}: metadata columns are {columns}")
        groups = self.metadata.groupby(stratify, sort=True, dropna=False).indices
        quotas = _proportional_quotas({key: len(rows) for key, rows in groups.items()}, size)
        picked = [rng.choice(groups[key], quotas[key], replace=False) for key in groups]
        return self.take(np.sort(np.concatenate(picked)))


def sample_indices(num_points, size, *, seed=0):
    """The sorted rows `EmbeddingTable.sample(size, seed=seed)` keeps of `num_points` (no stratify).

    Readers use it to read only those rows of a file too large to load whole.
    """
    if size >= num_points:
        return np.arange(num_points)
    return np.sort(np.random.default_rng(seed).choice(num_points, size, replace=False))


def _as_matrix(vectors):
    if hasattr(vectors, "numpy"):  # tf.Tensor / tf.Variable / keras tensors
        vectors = vectors.numpy()
    if vectors is None or isinstance(vectors, (str, bytes, dict, set, frozenset)):
        hint = ": for {label: vector} pass np.stack(list(d.values())) and list(d) as metadata" \
            if isinstance(vectors, dict) else ""
        raise ExportError(f"vectors is {_kind(vectors)}, not an (N, D) array of numbers: pass a NumPy array, "
                          f"a TF tensor or a list of equal-length rows{hint}")
    if isinstance(vectors, collections.abc.Iterator):
        vectors = list(vectors)
    try:
        array = np.asarray(vectors)
    except ValueError:
        lengths = sorted({len(row) if hasattr(row, "__len__") else 1 for row in vectors})
        raise ExportError(
            f"vector rows have different lengths ({', '.join(map(str, lengths[:5]))}): "
            "every point needs the same number of dimensions"
        ) from None
    if array.dtype.kind == "c":
        raise ExportError("vectors are complex numbers, which the projector cannot draw: pass np.abs(x), x.real, "
                          "or np.concatenate([x.real, x.imag], axis=1)")
    try:
        matrix = array.astype(np.float32, copy=False)
    except (TypeError, ValueError):
        cell = next((v for v in array.ravel() if not isinstance(v, numbers.Real)), None)
        raise ExportError(f"vectors hold {_kind(cell)} ({cell!r:.40}): every value must be a number") from None
    if matrix.ndim == 1:
        raise ExportError(
            f"vectors must be 2-D (N points x D dims), got a 1-D array of {matrix.shape[0]}: "
            "for one point pass [vector], for N scalars stack at least 2 features per point"
        )
    if matrix.ndim != 2:
        raise ExportError(
            f"vectors must be 2-D (N points x D dims), got shape {matrix.shape}: "
            "reshape to (N, D), e.g. x.reshape(len(x), -1)"
        )
    return matrix


def _kind(value):
    """'None', 'a list', 'an int': how messages name what was passed."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _as_frame(metadata):
    if metadata is None:
        return None
    if hasattr(metadata, "numpy"):  # a TF tensor (of strings: bytes)
        metadata = metadata.numpy()
    if isinstance(metadata, pd.DataFrame):
        frame = metadata.copy()
    elif isinstance(metadata, dict):
        columns = {key: _as_column(key, values) for key, values in metadata.items()}
        lengths = {str(key): len(values) for key, values in columns.items()}
        if len(set(lengths.values())) > 1:
            raise ExportError(f"metadata columns have different lengths {lengths}: give every column one value "
                              "per vector")
        frame = pd.DataFrame(dict(enumerate(columns.values())))
        frame.columns = pd.Index(list(columns), dtype=object)
    elif isinstance(metadata, pd.Series):
        frame = metadata.to_frame(name=metadata.name if metadata.name is not None else LABEL_COLUMN)
    else:
        frame = pd.DataFrame({LABEL_COLUMN: _as_column(LABEL_COLUMN, metadata)})
    if frame.shape[1] == 0:
        raise ExportError("metadata has no columns: pass None, a list of labels, or columns")
    frame.columns = pd.Index([str(c) for c in frame.columns], dtype=object)  # pyarrow strings refuse surrogates
    if len(set(frame.columns)) != frame.shape[1]:
        raise ExportError(f"metadata column names repeat: {list(frame.columns)}")
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = _as_cells(column, frame[column])
    return frame


_LABELS_FIX = "pass a list of N labels, or a dict / DataFrame of N-long columns"


def _as_column(name, values):
    """`values` (a sequence, array or tensor) as one object Series, or an `ExportError` saying why not."""
    if hasattr(values, "numpy"):
        values = values.numpy()
    if isinstance(values, (str, bytes, dict, set, frozenset)) or not isinstance(values, collections.abc.Iterable):
        why = "has no order" if isinstance(values, (set, frozenset)) else "is not a sequence of labels"
        raise ExportError(f"metadata column {name!r} is {_kind(values)}, which {why}: {_LABELS_FIX}")
    return pd.Series(list(values), dtype=object)


def _as_cells(column, values):
    """An object column as numbers (when all are) or cells the writers and checks take: bytes as text."""
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind in ("integer", "floating", "mixed-integer-float", "boolean"):
        return values.infer_objects()
    if kind == "string":
        return values

    def cell(row, value):
        if value is None or isinstance(value, (str, numbers.Number)):
            return value
        if isinstance(value, (bytes, bytearray, np.bytes_)):  # undecodable bytes end as lone surrogates,
            return bytes(value).decode("utf-8", errors="surrogateescape")  # which unicode_errors= judges
        if isinstance(value, collections.abc.Iterable) or hasattr(value, "shape"):
            raise ExportError(f"metadata column {column!r}, row {row} is {_kind(value)} ({value!r:.40}): a cell "
                              f"holds one label or number: join it into text, or {_LABELS_FIX}")
        return str(value)

    return pd.Series([cell(row, value) for row, value in enumerate(values)], index=values.index, dtype=object)


def _is_text(values):
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(frame, unicode_errors):
    """`frame` with every text cell and column name writable as UTF-8, or an `ExportError` naming the first that is not."""
    if unicode_errors not in ("strict", "replace"):
        raise ExportError(f"unicode_errors must be 'strict' or 'replace', got {unicode_errors!r}")
    texts = {None: list(frame.columns)} | {c: frame[c] for c in frame.columns if _is_text(frame[c])}
    for column, values in texts.items():
        values = pd.Series(values, dtype=object)
        bad = values.map(lambda v: isinstance(v, str) and _SURROGATE.search(v) is not None).to_numpy(bool)
        if not bad.any():
            continue
        if unicode_errors == "strict":
            row = int(np.flatnonzero(bad)[0])
            where = "a column name" if column is None else f"column {column!r}, row {row}"
            raise ExportError(
                f"metadata {where}: {values.iat[row]!r} holds a lone surrogate, which UTF-8 cannot store "
                "(bytes that are not UTF-8, or text decoded with errors='surrogateescape'): decode it correctly, or pass "
                "unicode_errors='replace' / --unicode-errors replace to write U+FFFD there"
            )
        fixed = values.where(~bad, values[bad].map(lambda v: _SURROGATE.sub("\ufffd", v)))
        if column is None:
            frame.columns = pd.Index(list(fixed), dtype=object)
        else:
            frame[column] = fixed.to_numpy()
    return frame


def _proportional_quotas(counts, size):
    """Largest-remainder apportionment of `size` rows over groups, each group >= 1 if possible."""
    total = sum(counts.values())
    exact = {key: size * n / total for key, n in counts.items()}
    quotas = {key: min(counts[key], max(1, math.floor(q))) for key, q in exact.items()}
    by_remainder = sorted(counts, key=lambda k: exact[k] - math.floor(exact[k]), reverse=True)
    while sum(quotas.values()) < size:
        grew = False
        for key in by_remainder:
            if sum(quotas.values()) < size and quotas[key] < counts[key]:
                quotas[key] += 1
                grew = True
        if not grew:
            break
    while sum(quotas.values()) > size:  # only when there are more groups than rows
        largest = max(quotas, key=quotas.get)
        quotas[largest] -= 1
    return quotas
