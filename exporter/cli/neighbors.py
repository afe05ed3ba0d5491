"""`projector-export neighbours`: nearest neighbours, "king - man + woman", and interpolation paths in an export."""

import re

import numpy as np

from exporter.cli.arguments import add_command, add_label_column, add_logdir, add_neighbours, add_run
from exporter.cli.text import add_encoder_args
from exporter.errors import ExportError
from exporter.vectors import cosine_neighbours, unit_rows

# Operators need spaces around them, so "well-known" stays one term.
_OPERATOR = re.compile(r"\s+([+-])\s+")


def register(subparsers):
    parser = add_command(
        subparsers, "neighbours", old_names=("neighbors",),
        help="nearest neighbours and vector arithmetic over an export; add an interpolation path to it",
        description="Answer a query over tensor --name of --logdir/--run by cosine similarity. A query is "
        "terms joined by ' + ' and ' - '; a term that is a label of the export uses that point, any other "
        "text is embedded with the sentence encoder (the export must come from it, e.g. `projector-export "
        "text`). --path A B adds points interpolated between two texts (or labels) to the export, labelled "
        "'path i/n: A -> B'. Examples: projector-export neighbours 'king - man + woman' --logdir logdir "
        "--run words --name words;  projector-export neighbours --path 'I love it' 'I hate it' --logdir logdir "
        "--run reviews --name sentences",
    )
    parser.add_argument("query", nargs="?", metavar="QUERY", help="e.g. 'king - man + woman', or one text")
    add_neighbours(parser)
    add_label_column(parser, help="metadata column the terms are matched against and neighbours are named by "
                     "(default: the first)")
    parser.add_argument("--path", nargs=2, metavar=("FROM", "TO"), help="add an interpolation path to the export")
    parser.add_argument("--steps", type=int, default=8, help="points on the path, ends included (default: %(default)s)")
    add_logdir(parser)
    add_run(parser)
    parser.add_argument("--name", required=True, help="tensor name of the export")
    add_encoder_args(parser)
    parser.set_defaults(handler=run)


def run(args):
    if not args.query and not args.path:
        raise ExportError("give a QUERY (e.g. 'king - man + woman') or --path FROM TO")
    space = VectorSpace.read(args.logdir, args.run, args.name, label_column=args.label_column, encoder_args=args)
    if args.query:
        terms = parse_query(args.query)
        query = space.combine(terms)
        _print_neighbors(args.query, space.nearest(query, args.k, exclude=[text for _, text in terms]))
    if args.path:
        path = space.interpolate(*args.path, steps=args.steps)
        for label, point in zip(path["labels"], path["vectors"]):
            _print_neighbors(label, space.nearest(point, 1))
        result = space.add_points(path["vectors"], path["labels"])
        print(f"added {len(path['labels'])} path points to {result.name}: now {result.shape[0]} x {result.shape[1]}")


def parse_query(query):
    """[(+1 or -1, term)] of 'a - b + c'."""
    parts = _OPERATOR.split(" " + query.strip())
    first = parts[0].strip()
    signs = ["+", *parts[1::2]] if first else parts[1::2]
    terms = [first, *parts[2::2]] if first else parts[2::2]
    if not terms or any(not t.strip() for t in terms):
        raise ExportError(f"cannot read query {query!r}: write terms joined by ' + ' and ' - ', e.g. 'king - man + woman'")
    return [(1.0 if sign == "+" else -1.0, term.strip()) for sign, term in zip(signs, terms)]


class VectorSpace:
    """An export's unit vectors and labels, plus the encoder for texts that are not labels (loaded on demand)."""

    def __init__(self, logdir, run, name, vectors, metadata, label_column, encoder_args):
        self.logdir, self.run, self.name = logdir, run, name
        self.vectors, self.metadata, self.label_column = vectors, metadata, label_column
        self.unit = unit_rows(vectors)
        self.labels = metadata[label_column].astype(str).tolist()
        self._rows = {}
        for row, label in enumerate(self.labels):
            self._rows.setdefault(label, row)
            self._rows.setdefault(label.lower(), row)
        self._encoder_args = encoder_args
        self._encoder = None

    @classmethod
    def read(cls, logdir, run, name, *, label_column=None, encoder_args=None):
        import os

        from exporter.export import METADATA_TSV, resolve_run_dir
        from exporter.sources.files import read_metadata
        from exporter.writers import checkpoint

        run_dir = resolve_run_dir(logdir, run)
        tensors = checkpoint.read_tensors(run_dir)
        if name not in tensors:
            raise ExportError(f"{run_dir} has no tensor {name!r}: its tensors are {', '.join(tensors) or 'none'}")
        metadata_path = os.path.join(run_dir, name, METADATA_TSV)
        if not os.path.exists(metadata_path):
            raise ExportError(f"tensor {name!r} has no metadata: neighbours need labels to name them")
        metadata = read_metadata(metadata_path)
        label_column = label_column or metadata.columns[0]
        if label_column not in metadata.columns:
            raise ExportError(f"no metadata column {label_column!r}: columns are {', '.join(metadata.columns)}")
        return cls(logdir, run, name, np.asarray(tensors[name], np.float32), metadata, label_column, encoder_args)

    def vector(self, term):
        """The unit vector of a label of the export, else of `term` embedded by the encoder."""
        row = self._rows.get(term, self._rows.get(term.lower()))
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

    def nearest(self, query, k, *, exclude=()):
        """[(label, cosine)] of the k points closest to `query`, skipping the rows of `exclude` labels."""
        skip = {self._rows.get(t, self._rows.get(t.lower())) for t in exclude} - {None}
        rows, cosines = cosine_neighbours(self.unit, query, k, exclude=sorted(skip))
        return [(self.labels[row], float(cosine)) for row, cosine in zip(rows, cosines)]

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

            args = self._encoder_args
            self._encoder = SentenceEncoder.load(getattr(args, "bert", None), max_length=getattr(args, "max_length", None))
        return self._encoder.embed([text], progress=False)[0]


def _print_neighbors(query, neighbors):
    print(f"{query}:")
    for rank, (label, score) in enumerate(neighbors, 1):
        print(f"  {rank:>3}. {score:+.3f}  {label}")
