"""`projector-export neighbours`: nearest neighbours, "king - man + woman", and interpolation paths in an export."""

from exporter.cli.arguments import add_command, add_label_column, add_logdir, add_neighbours, add_run
from exporter.cli.text import add_encoder_args
from exporter.errors import ExportError


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
    parser.add_argument("--row", type=int, metavar="N", help="query the point of row N (0-based) instead of QUERY: "
                        "for a label several rows share")
    parser.add_argument("--path", nargs=2, metavar=("FROM", "TO"), help="add an interpolation path to the export")
    parser.add_argument("--steps", type=int, default=8, help="points on the path, ends included (default: %(default)s)")
    add_logdir(parser)
    add_run(parser)
    parser.add_argument("--name", required=True, help="tensor name of the export")
    add_encoder_args(parser)
    parser.set_defaults(handler=run)


def run(args):
    if not args.query and not args.path and args.row is None:
        raise ExportError("give a QUERY (e.g. 'king - man + woman'), --row N or --path FROM TO")
    from exporter.vector_space import VectorSpace

    space = VectorSpace.read(args.logdir, args.run, args.name, label_column=args.label_column, bert=args.bert,
                             max_length=args.max_length)
    if args.row is not None:
        label, neighbours = space.row_neighbours(args.row, args.k)
        _print_neighbours(f"row {args.row} ({label})", neighbours)
    if args.query:
        _print_neighbours(args.query, space.query_neighbours(args.query, args.k))
    if args.path:
        path = space.interpolate(*args.path, steps=args.steps)
        for label, point in zip(path["labels"], path["vectors"]):
            _print_neighbours(label, space.nearest(point, 1))
        result = space.add_points(path["vectors"], path["labels"])
        print(f"added {len(path['labels'])} path points to {result.name}: now {result.shape[0]} x {result.shape[1]}")


def _print_neighbours(query, neighbours):
    print(f"{query}:")
    for rank, (label, score) in enumerate(neighbours, 1):
        print(f"  {rank:>3}. {score:+.3f}  {label}")
