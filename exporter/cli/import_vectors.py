"""`projector-export import`: vectors from a file (.npy, TSV/CSV, word2vec binary or text, GloVe text)."""

from exporter.cli.common import (
    add_destination_args, add_export_options, add_unicode_errors_arg, exported_rows, export_options, report,
)


def register(subparsers):
    parser = subparsers.add_parser(
        "import",
        help="export vectors from .npy, .tsv, .csv, word2vec binary or word2vec/GloVe text",
        description="Export a matrix file with its labels. In word2vec/GloVe files and labelled TSV "
        "the words (first column) become the label column; text may be UTF-8 or UTF-16 with a BOM. Example: projector-export import glove.txt "
        "--logdir logdir --run glove --name words --normalize",
    )
    parser.add_argument("vectors", metavar="PATH", help=".npy, .tsv, .csv, word2vec binary, or word2vec/GloVe text")
    parser.add_argument("--metadata", metavar="FILE",
                        help="labels: .tsv (header iff several columns), .csv (header) or .txt (one per line)")
    add_unicode_errors_arg(parser)
    add_destination_args(parser)
    add_export_options(parser)
    parser.set_defaults(handler=run)


def run(args):
    import numpy as np

    from exporter.export import export_embeddings
    from exporter.sources import word_vectors
    from exporter.sources.files import read_metadata, read_vectors
    from exporter.sources.limits import check_rows

    if word_vectors.is_word2vec_binary(args.vectors):
        vectors, labels = word_vectors.read_word_vectors(args.vectors, args.unicode_errors)
    else:
        vectors, labels = read_vectors(args.vectors, args.unicode_errors)
    metadata = read_metadata(args.metadata, args.unicode_errors) if args.metadata else labels
    if isinstance(vectors, np.memmap) and vectors.ndim == 2 and (metadata is None or len(metadata) == len(vectors)):
        # A .npy is memory-mapped: only the rows the export's sampling keeps are read.
        picked = exported_rows(args, len(vectors))
        check_rows(vectors.shape, vectors.dtype.itemsize, picked, "the array", source=args.vectors)
        vectors = np.array(vectors[picked])
        if metadata is not None and not isinstance(picked, slice):
            metadata = metadata.iloc[picked].reset_index(drop=True)
    result = export_embeddings(
        vectors, metadata, logdir=args.logdir, run=args.run, name=args.name,
        drop_nonfinite=args.drop_nonfinite, options=export_options(args),
    )
    report(result)
