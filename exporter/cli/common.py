"""Options shared by every subcommand that writes an export."""

from exporter.cli.arguments import add_logdir, add_run


def add_destination_args(parser, default_name="embedding"):
    add_logdir(parser)
    add_run(parser)
    parser.add_argument("--name", default=default_name, help="tensor name, also its folder (default: %(default)s)")


def add_export_args(parser, default_name="embedding"):
    """What every command exporting a file's contents takes: `--unicode-errors`, where the export goes
    (`--logdir`, `--run`, `--name`) and the export options."""
    add_unicode_errors_arg(parser)
    add_destination_args(parser, default_name)
    add_export_options(parser)


def add_export_options(parser):
    """Every `ExportOptions` field's option, plus `--drop-nonfinite` (an argument of the export itself)."""
    from exporter.export_options import ExportOptions

    group = parser.add_argument_group("export options")
    ExportOptions.add_arguments(group)
    group.add_argument("--drop-nonfinite", action="store_true",
                       help="drop rows with NaN/Inf (and their metadata) instead of failing")


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

    return ExportOptions.from_arguments(args)


def report(result):
    """Prints what an export wrote, the way every subcommand does."""
    n, d = result.shape
    dropped = f" ({result.dropped_rows} non-finite rows dropped)" if result.dropped_rows else ""
    print(f"exported {result.name}: {n} x {d}{dropped} -> {result.run_dir}")

