"""`projector-export layout`: t-SNE / UMAP / PCA of all points, added to an export already on disk."""

from exporter.cli.arguments import add_logdir, add_run
from exporter.export_options import ExportOptions


def register(subparsers):
    parser = subparsers.add_parser(
        "layout",
        help="add full-data t-SNE/UMAP layouts (bookmarks + pictures) to an export, without rewriting its vectors",
        description="Lay out ALL points of an export with t-SNE (openTSNE) and/or UMAP (umap-learn), cosine, "
        "seeded, each with its own settings, and store each layout with the export: a bookmark 't-SNE perplexity 5 (all N points)' that draws every "
        "point at its place when clicked in the projector's BOOKMARKS panel, a picture layout-<key>.png, and "
        "its 10-NN preservation (and label agreement) in layouts.json, also printed. The vectors and metadata "
        "are not rewritten. Example: projector-export layout --logdir logdir --run imdb --name words "
        "--layouts tsne:perplexity=5,tsne:perplexity=50,umap:neighbors=5:min-dist=0.3",
    )
    add_logdir(parser, positional=True)
    add_run(parser)
    parser.add_argument("--name", required=True, help="the export (tensor) to lay out")
    ExportOptions.add_arguments(parser, ["layouts"], defaults={"layouts": "tsne,umap"})
    parser.add_argument("--dims", type=int, choices=(2, 3), default=2,
                        help="2-D or 3-D layouts, for items without their own dims= (default: %(default)s)")
    ExportOptions.add_arguments(parser, ["align_to", "align_on", "color_by", "seed"],
                                helps={"seed": "layout seed: the same seed gives the same layout"})
    parser.set_defaults(handler=run)


def run(args):
    from exporter.layouts.relayout import add_layouts

    result = add_layouts(args.logdir, args.run, args.name, args.layouts, dims=args.dims, color_by=args.color_by,
                         seed=args.seed, align_to=args.align_to, align_on=args.align_on)
    print(f"laid out {result.name}: {', '.join(map(str, args.layouts))} -> {result.files['bookmarks']}")
