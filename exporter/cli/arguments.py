"""The command-line vocabulary: every option `projector-export` and `projector-train` share, defined once.

One concept, one option, one meaning, in every subcommand of both programs:

| option | means |
| --- | --- |
| `--logdir DIR` | the TensorBoard log directory (default: logdir) |
| `--run RUN` | a run folder inside the logdir |
| `--seed N` | the seed of every random choice the command makes |
| `--data PATH` | the input data: a file of texts, or a dataset's file or folder |
| `--text-column COL` / `--label-column COL` | the columns of `--data` holding the texts / the labels |
| `--vocab-size N` | how many tokens the vocabulary keeps |
| `--embedding-dim N` | the width of an embedding |
| `--max-length N` | tokens (word pieces) kept per text; longer texts are truncated |
| `--batch-size N` | examples per batch |
| `--epochs N` | training epochs |
| `-k N`, `--neighbours N` | how many nearest neighbours to list |
| `--layouts tsne:perplexity=5,umap,pca` | full-data layouts (with settings) stored as bookmarks (docs/layouts.md) |
| `--align-to NAME`, `--align-on COL` | lay layouts out in the frame of an earlier export of the run |
| `--color-by COL` | the metadata column bookmarks and layout pictures are coloured by |

Old spellings (`validate LOGDIR`, `text FILE`, `--max-tokens`, `--words`, `--dim`,
`--sequence-length`, `neighbors`) still parse, hidden from `--help`.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_logdir(parser, positional=True)
>>> add_vocab_size(parser, default=100, old=("--max-tokens",))
>>> vars(parser.parse_args(["old/place", "--max-tokens", "5"]))
{'logdir': 'old/place', 'vocab_size': 5}
>>> vars(parser.parse_args(["--logdir", "new"]))
{'logdir': 'new', 'vocab_size': 100}
"""

import argparse


def at_least(minimum, maximum=None):
    """An argparse `type` for whole numbers >= `minimum` (and <= `maximum`, if given)."""

    def parse(text):
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, got {value}")
        return value

    return parse


def add_hidden_alias(parser, flag, dest, **kwargs):
    """`flag` sets `dest` too, but is not shown in --help (an old spelling kept working)."""
    parser.add_argument(flag, dest=dest, default=argparse.SUPPRESS, help=argparse.SUPPRESS, **kwargs)


def add_command(subparsers, name, *, old_names=(), **kwargs):
    """A subcommand `name`; `old_names` run it too, hidden from the command list."""
    parser = subparsers.add_parser(name, **kwargs)
    for old in old_names:
        subparsers._name_parser_map[old] = parser  # argparse has no public hidden alias
    return parser


def add_logdir(parser, *, positional=False, help="TensorBoard log directory"):
    """`--logdir DIR`; with `positional`, a bare `DIR` (the old form) is accepted too."""
    parser.add_argument("--logdir", metavar="DIR", default="logdir", help=f"{help} (default: %(default)s)")
    if positional:
        parser.add_argument("logdir", nargs="?", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def add_run(parser, *, default="default", default_help=None):
    """`--run RUN`; `default_help` describes a default that is not a fixed name."""
    parser.add_argument("--run", default=default,
                        help=f"run folder inside the logdir (default: {default_help or '%(default)s'})")


def add_seed(parser, *, help="seed of every random choice"):
    parser.add_argument("--seed", type=int, metavar="N", default=0, help=f"{help} (default: %(default)s)")


def add_data(parser, *, help, required=False, positional=False):
    """`--data PATH`; with `positional`, a bare `PATH` (the old form) is accepted too (check it is given)."""
    parser.add_argument("--data", metavar="PATH", required=required, help=help)
    if positional:
        parser.add_argument("data", nargs="?", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def add_text_column(parser, *, required=False):
    parser.add_argument("--text-column", metavar="COL", required=required, help="column of --data holding the texts")


def add_label_column(parser, *, help="column of --data kept as metadata, e.g. the class"):
    parser.add_argument("--label-column", metavar="COL", help=help)


def add_vocab_size(parser, *, default, minimum=1, help="vocabulary size", old=()):
    parser.add_argument("--vocab-size", type=at_least(minimum), metavar="N", default=default,
                        help=f"{help} (default: %(default)s)")
    for flag in old:
        add_hidden_alias(parser, flag, "vocab_size", type=at_least(minimum))


def add_embedding_dim(parser, *, default, minimum=1, old=()):
    parser.add_argument("--embedding-dim", type=at_least(minimum), metavar="N", default=default,
                        help="embedding size (default: %(default)s)")
    for flag in old:
        add_hidden_alias(parser, flag, "embedding_dim", type=at_least(minimum))


def add_max_length(parser, *, default=None, default_help=None, old=()):
    """`--max-length N`; `default_help` describes a default that is not a number (None: the model's own)."""
    shown = default_help or "%(default)s"
    parser.add_argument("--max-length", type=at_least(1), metavar="N", default=default,
                        help=f"tokens (word pieces) kept per text; longer texts are truncated (default: {shown})")
    for flag in old:
        add_hidden_alias(parser, flag, "max_length", type=at_least(1))


def add_batch_size(parser, *, default, help="examples per batch"):
    parser.add_argument("--batch-size", type=at_least(1), metavar="N", default=default,
                        help=f"{help} (default: %(default)s)")


def add_epochs(parser, *, default, help="training epochs"):
    parser.add_argument("--epochs", type=at_least(1), metavar="N", default=default,
                        help=f"{help} (default: %(default)s)")


def add_neighbours(parser, *, default=10):
    parser.add_argument("-k", "--neighbours", dest="k", type=at_least(1), metavar="N", default=default,
                        help="nearest neighbours to list (default: %(default)s)")


def add_layouts(parser, *, default=""):
    """`--layouts METHOD[:KEY=VALUE...],...`: layouts of all points, each a bookmark + picture ([layouts] extra)."""
    from exporter.layouts.settings import parse_layouts  # no heavy import: openTSNE/umap load only when used

    def parse(text):
        try:
            return parse_layouts(text)
        except ValueError as error:  # ExportError: argparse shows it as a usage error
            raise argparse.ArgumentTypeError(str(error)) from None

    parser.add_argument("--layouts", type=parse, metavar="METHOD[:KEY=VALUE...],...", default=parse(default),
                        help="layouts of ALL points (the projector lays out only a 10,000/5,000 sample), each stored "
                        "as a bookmark with a picture layout-<key>.png and its 10-NN quality: tsne (openTSNE), umap "
                        "(umap-learn), pca, cosine, each with optional settings: tsne:perplexity=5:exaggeration=1:"
                        "learning-rate=200:dims=2, umap:neighbors=15:min-dist=0.1:dims=2, pca:dims=2 (docs/layouts.md); "
                        "e.g. tsne:perplexity=5,tsne:perplexity=50,umap:neighbors=5:min-dist=0.3; 'none' for none "
                        f"(default: {','.join(map(str, parse(default))) or 'none'})")


def add_align(parser):
    """`--align-to NAME` / `--align-on COL`: lay out in the frame of an earlier export of the run."""
    parser.add_argument("--align-to", metavar="NAME",
                        help="an earlier export of this run with the same rows (e.g. before fine-tuning): t-SNE and "
                        "UMAP start from its layouts, PCA is rotated onto its PCA, so unchanged points stay put; "
                        "the metadata gains neighbours_kept, each point's share of its 10 nearest neighbours there "
                        "still among its 10 nearest here")
    parser.add_argument("--align-on", metavar="COL",
                        help="with --align-to: a metadata column naming the same rows in both exports (default: "
                        "rows match by position)")


def add_color_by(parser):
    parser.add_argument("--color-by", metavar="COL",
                        help="metadata column the bookmarks and layout pictures are coloured by (default: the first "
                        "text column with 2 to 50 distinct values)")
