"""`projector-export import`: vectors from a file (.npy, TSV/CSV, word2vec binary or text, GloVe text)."""

from exporter.cli.common import add_export_args, export_options, report


def register(subparsers):
    parser = subparsers.add_parser(
        "import",
        help="export vectors from .npy, .tsv, .csv, word2vec binary, word2vec/GloVe text or Parquet shards",
        description="Export a matrix file with its labels. In word2vec/GloVe files and labelled TSV "
        "the words (first column) become the label column; text may be UTF-8 or UTF-16 with a BOM. Parquet "
        "shards ('DIR/*.parquet', any Beam file system) hold a column of equal-length vectors (list or "
        "fixed_size_list; --vector-column) and the metadata in every other column; shards written by "
        "`--runner ... --output DIR` are merged in input order, streaming. Example: projector-export import glove.txt "
        "--logdir logdir --run glove --name words --normalize",
    )
    parser.add_argument("vectors", metavar="PATH",
                        help=".npy, .tsv, .csv, word2vec binary, word2vec/GloVe text, or a .parquet file or pattern")
    parser.add_argument("--vector-column", metavar="COL", default="vector",
                        help="Parquet: the column of vectors (default: %(default)s)")
    parser.add_argument("--metadata", metavar="FILE",
                        help="labels: .tsv (header iff several columns), .csv (header) or .txt (one per line)")
    add_export_args(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.export_file import export_vector_file

    report(export_vector_file(args.vectors, metadata=args.metadata, logdir=args.logdir, run=args.run, name=args.name,
                              unicode_errors=args.unicode_errors, drop_nonfinite=args.drop_nonfinite,
                              options=export_options(args), vector_column=args.vector_column))
