"""The command-line vocabulary of `projector-export`: every option its subcommands share, defined once.

One concept, one option, one meaning, in every subcommand (and in `projector-train`, whose
options are in `models/arguments.py`; tests/unit/exporter/cli/test_arguments.py checks both):

| option | means |
| --- | --- |
| `--logdir DIR` | the TensorBoard log directory (default: logdir) |
| `--run RUN` | a run folder inside the logdir |
| `--data PATH` | the input data: a file of texts, or a dataset's file or folder |
| `--text-column COL` / `--label-column COL` | the columns of `--data` holding the texts / the labels |
| `--max-length N` | tokens (word pieces) kept per text; longer texts are truncated |
| `--batch-size N` | examples per batch |
| `-k N`, `--neighbours N` | how many nearest neighbours to list |
| `--seed`, `--layouts`, `--align-to`, ... | the export's options: `exporter.ExportOptions.add_arguments` |

Old spellings (`validate LOGDIR`, `text FILE`, `neighbors`) still parse, hidden from `--help`.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_logdir(parser, positional=True)
>>> vars(parser.parse_args(["old/place"]))
{'logdir': 'old/place'}
>>> vars(parser.parse_args(["--logdir", "new"]))
{'logdir': 'new'}
"""

import argparse

from exporter.export_options import at_least


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


def add_data(parser, *, help, required=False, positional=False):
    """`--data PATH`; with `positional`, a bare `PATH` (the old form) is accepted too (check it is given)."""
    parser.add_argument("--data", metavar="PATH", required=required, help=help)
    if positional:
        parser.add_argument("data", nargs="?", metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def add_text_column(parser, *, required=False):
    parser.add_argument("--text-column", metavar="COL", required=required, help="column of --data holding the texts")


def add_label_column(parser, *, help="column of --data kept as metadata, e.g. the class"):
    parser.add_argument("--label-column", metavar="COL", help=help)


def add_max_length(parser, *, default=None, default_help=None):
    """`--max-length N`; `default_help` describes a default that is not a number (None: the model's own)."""
    shown = default_help or "%(default)s"
    parser.add_argument("--max-length", type=at_least(1), metavar="N", default=default,
                        help=f"tokens (word pieces) kept per text; longer texts are truncated (default: {shown})")


def add_batch_size(parser, *, default, help="examples per batch"):
    parser.add_argument("--batch-size", type=at_least(1), metavar="N", default=default,
                        help=f"{help} (default: %(default)s)")


def add_neighbours(parser, *, default=10):
    parser.add_argument("-k", "--neighbours", dest="k", type=at_least(1), metavar="N", default=default,
                        help="nearest neighbours to list (default: %(default)s)")
