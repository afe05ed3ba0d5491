"""`projector-export import`: vectors from a file (.npy, TSV/CSV, word2vec binary or text, GloVe text)."""

from exporter.cli.common import (
    add_destination_args, add_export_options, add_unicode_errors_arg, export_options, report,
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
    from exporter.export_file import export_vector_file

    report(export_vector_file(args.vectors, metadata=args.metadata, logdir=args.logdir, run=args.run, name=args.name,
                              unicode_errors=args.unicode_errors, drop_nonfinite=args.drop_nonfinite,
                              options=export_options(args)))
