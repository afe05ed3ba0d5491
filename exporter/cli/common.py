"""Options shared by every subcommand that writes an export."""

from exporter.cli.arguments import add_align, add_color_by, add_layouts, add_logdir, add_run, add_seed, at_least


def add_destination_args(parser, default_name="embedding"):
    add_logdir(parser)
    add_run(parser)
    parser.add_argument("--name", default=default_name, help="tensor name, also its folder (default: %(default)s)")


def add_export_options(parser):
    group = parser.add_argument_group("export options")
    group.add_argument("--normalize", action="store_true", help="scale vectors to unit length (t-SNE/UMAP assume it)")
    group.add_argument("--max-points", type=at_least(2), metavar="N",
                       help="sample down to N points (TensorBoard alone shows 100,000; "
                       "`projector-export serve` shows all)")
    group.add_argument("--stratify", metavar="COLUMN", help="with --max-points: keep each value's share of COLUMN")
    add_seed(group, help="sampling seed")
    group.add_argument("--drop-nonfinite", action="store_true",
                       help="drop rows with NaN/Inf (and their metadata) instead of failing")
    group.add_argument("--no-standalone", dest="standalone_config", action="store_false",
                       help="do not list the export in projector_config.json (the standalone projector's config); "
                       "vectors.bytes is written either way: TensorBoard reads it")
    group.add_argument("--base-url", default="", help="URL the run folder is served at, for the standalone config")
    group.add_argument("--no-tsv", dest="write_tsv", action="store_false", help="skip vectors.tsv")
    group.add_argument("--no-pca-bookmark", dest="pca_bookmark", action="store_false",
                       help="skip the bookmark with a PCA layout of all points")
    add_layouts(group)
    add_align(group)
    add_color_by(group)


def add_vocab_fit_args(parser):
    """--vocab-trim / --vocab-pad: what to do when a tensor has more rows than its labels."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--vocab-trim", action="store_true",
                       help="when the tensor has more rows than the vocabulary (OOV buckets, padding, "
                       "max_tokens above the words seen), export only the first len(vocabulary) rows")
    group.add_argument("--vocab-pad", action="store_true",
                       help="when the tensor has more rows than the vocabulary, export every row and label "
                       "the rows without a token '[row N]'")


def add_unicode_errors_arg(parser):
    """`--unicode-errors`, spelled and explained the same in every command that reads text files."""
    parser.add_argument(
        "--unicode-errors", choices=("strict", "replace"), default="strict",
        help="bytes that are not UTF-8 in text files (labels, vocabularies, word-vector files): 'strict' stops "
        "and names the first one, 'replace' reads them as U+FFFD (default: %(default)s)",
    )


def export_options(args):
    """The `exporter.ExportOptions` that `add_export_options` collected."""
    from exporter.export_options import ExportOptions

    return ExportOptions(
        normalize=args.normalize, max_points=args.max_points, stratify=args.stratify, seed=args.seed,
        standalone_config=args.standalone_config, base_url=args.base_url, write_tsv=args.write_tsv,
        pca_bookmark=args.pca_bookmark, layouts=args.layouts, color_by=args.color_by, align_to=args.align_to,
        align_on=args.align_on,
    )


def report(result):
    """Prints what an export wrote, the way every subcommand does."""
    n, d = result.shape
    dropped = f" ({result.dropped_rows} non-finite rows dropped)" if result.dropped_rows else ""
    print(f"exported {result.name}: {n} x {d}{dropped} -> {result.run_dir}")

