"""`VectorSpace`: an export read back for nearest-neighbour queries, vector arithmetic and paths.

Example:
>>> import numpy as np, tempfile, exporter
>>> logdir = tempfile.mkdtemp()
>>> _ = exporter.export_embeddings(np.eye(3, 4), ["cat", "dog", "cow"], logdir=logdir, run="r", name="w")
>>> space = VectorSpace.read(logdir, "r", "w")
>>> space.nearest(space.vector("cat"), 1)
[('cat', 1.0)]
"""

import re
import warnings

import numpy as np

from exporter.run import folder as run_folder
from exporter.errors import ExportError, ExportWarning
from exporter.vectors import cosine_neighbours, unit_rows

# Operators need spaces around them, so "well-known" stays one term.
_OPERATOR = re.compile(r"\s+([+-])\s+")


class VectorSpace:
    """An export's unit vectors and labels, plus the encoder for texts that are not labels (loaded on demand)."""

    def __init__(self, logdir, run, name, vectors, metadata, label_column, *, bert=None, max_length=None):
        self.logdir, self.run, self.name = logdir, run, name
        self.vectors, self.metadata, self.label_column = vectors, metadata, label_column
        self.unit = unit_rows(vectors)
        self.labels = metadata[label_column].astype(str).tolist()
        self._rows, self._folded, self._chosen = {}, {}, {}  # label -> rows; lower-cased label -> rows; term -> row
        for row, label in enumerate(self.labels):
            self._rows.setdefault(label, []).append(row)
            self._folded.setdefault(label.lower(), []).append(row)
        self._encoder_settings = {"bert": bert, "max_length": max_length}
        self._encoder = None

    @classmethod
    def read(cls, logdir, run, name, *, label_column=None, bert=None, max_length=None):
        """The export `name` of `logdir/run` (read by `exporter.run.folder`), labelled by `label_column`;
        texts that are no label are embedded by `SentenceEncoder.load(bert, max_length=max_length)`."""
        table = run_folder.read_export(logdir, run, name)
        metadata = table.metadata
        if metadata is None:
            raise ExportError(f"tensor {name!r} has no metadata: neighbours need labels to name them")
        label_column = label_column or metadata.columns[0]
        if label_column not in metadata.columns:
            raise ExportError(f"no metadata column {label_column!r}: columns are {', '.join(metadata.columns)}")
        return cls(logdir, run, name, table.vectors, metadata, label_column, bert=bert, max_length=max_length)

    def row(self, term):
        """The row labelled `term`, or None: the exact label first, else the label matching it but for case;
        an `ExportWarning` says which row when several share the label, or when case decided."""
        if term in self._chosen:
            return self._chosen[term]
        rows = self._rows.get(term) or self._folded.get(term.lower())
        if rows and self.labels[rows[0]] != term:
            warnings.warn(f"{term!r} is not a label, {self.labels[rows[0]]!r} is (case-insensitive match): "
                          "using it", ExportWarning, stacklevel=2)
        if rows and len(rows) > 1:
            shown = ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")
            warnings.warn(f"{len(rows)} rows are labelled {self.labels[rows[0]]!r} (rows {shown}): using row "
                          f"{rows[0]}; pass --row N to query another, or --label-column a column that names "
                          "one row", ExportWarning, stacklevel=2)
        self._chosen[term] = rows[0] if rows else None
        return self._chosen[term]

    def vector(self, term):
        """The unit vector of a label of the export (see `row`), else of `term` embedded by the encoder."""
        row = self.row(term)
        if row is not None:
            return self.unit[row]
        vector = self._embed(term)
        if vector.shape[0] != self.unit.shape[1]:
            raise ExportError(
                f"{term!r} is not a label of {self.name!r}, and the encoder gives {vector.shape[0]} dimensions "
                f"where the export has {self.unit.shape[1]}: query labels, or pass the export's --bert"
            )
        return vector

    def combine(self, terms):
        """The unit vector of sum(sign * vector(term))."""
        total = sum(sign * self.vector(term) for sign, term in terms)
        norm = np.linalg.norm(total)
        if norm < 1e-6:
            raise ExportError("the query terms cancel out: nothing is left to compare")
        return unit_rows(total)

    def nearest(self, query, k, *, exclude=(), exclude_rows=()):
        """[(label, cosine)] of the k points closest to `query`, skipping the rows of `exclude` labels and
        `exclude_rows`."""
        skip = ({self.row(t) for t in exclude} | set(exclude_rows)) - {None}
        rows, cosines = cosine_neighbours(self.unit, query, k, exclude=sorted(skip))
        return [(self.labels[row], float(cosine)) for row, cosine in zip(rows, cosines)]

    def query_neighbours(self, query, k):
        """[(label, cosine)] of the k points closest to the query 'a - b + c' (`parse_query`), its terms left out."""
        terms = parse_query(query)
        return self.nearest(self.combine(terms), k, exclude=[text for _, text in terms])

    def row_neighbours(self, row, k):
        """(label of row `row`, [(label, cosine)] of the k points closest to it, itself left out)."""
        if not 0 <= row < len(self.labels):
            raise ExportError(f"--row {row}: the export has rows 0 to {len(self.labels) - 1}")
        return self.labels[row], self.nearest(self.unit[row], k, exclude_rows=[row])

    def interpolate(self, start, end, *, steps):
        """{"vectors": steps unit vectors from `start` to `end`, "labels": 'path i/n: start -> end'}."""
        if steps < 2:
            raise ExportError(f"--steps must be at least 2 (the two ends), got {steps}")
        a, b = self.vector(start), self.vector(end)
        weights = np.linspace(0.0, 1.0, steps)[:, None]
        points = (1 - weights) * a + weights * b
        points = unit_rows(points)
        labels = [f"path {i}/{steps - 1}: {start} -> {end}" for i in range(steps)]
        return {"vectors": points.astype(np.float32), "labels": labels}

    def add_points(self, vectors, labels):
        """Re-exports the tensor with `vectors` appended; other metadata columns of them read '(path)'."""
        import pandas as pd

        from exporter.export import export_embeddings

        extra = pd.DataFrame({c: ["(path)"] * len(labels) for c in self.metadata.columns})
        extra[self.label_column] = labels
        metadata = pd.concat([self.metadata, extra], ignore_index=True)
        if len(self.metadata.columns) == 1:
            metadata = metadata[self.label_column].tolist()
        return export_embeddings(np.concatenate([self.vectors, vectors]), metadata,
                                 logdir=self.logdir, run=self.run, name=self.name)

    def _embed(self, text):
        if self._encoder is None:
            from exporter.sources.sentence_encoder import SentenceEncoder

            self._encoder = SentenceEncoder.load(self._encoder_settings["bert"],
                                                 max_length=self._encoder_settings["max_length"])
        return self._encoder.embed([text], progress=False)[0]


def parse_query(query):
    """[(+1 or -1, term)] of 'a - b + c'.

    Example:
    >>> parse_query("king - man + woman")
    [(1.0, 'king'), (-1.0, 'man'), (1.0, 'woman')]
    """
    parts = _OPERATOR.split(" " + query.strip())
    first = parts[0].strip()
    signs = ["+", *parts[1::2]] if first else parts[1::2]
    terms = [first, *parts[2::2]] if first else parts[2::2]
    if not terms or any(not t.strip() for t in terms):
        raise ExportError(f"cannot read query {query!r}: write terms joined by ' + ' and ' - ', e.g. 'king - man + woman'")
    return [(1.0 if sign == "+" else -1.0, term.strip()) for sign, term in zip(signs, terms)]
