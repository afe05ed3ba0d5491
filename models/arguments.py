"""`projector-train`'s options, spelled as `projector-export` spells the same concepts.

Every model's `register` adds its options with these; the export's own (`--layouts`) come from
`exporter.ExportOptions.add_arguments`, so `models/` needs nothing of the exporter but its public API.
tests/unit/exporter/cli/test_arguments.py checks that an option name means one thing in every
command of both programs.

| option | means |
| --- | --- |
| `--logdir DIR` | the TensorBoard log directory the run is written into (default: logdir) |
| `--run RUN` | the run folder inside the logdir |
| `--seed N` | the seed of shuffling and initialisation |
| `--data PATH` | the dataset: its file or folder |
| `--vocab-size N`, `--embedding-dim N`, `--max-length N` | vocabulary size, embedding width, tokens kept per text |
| `--batch-size N`, `--epochs N` | examples per batch, training epochs |
| `--layouts ...` | full-data layouts of every export (`exporter.ExportOptions.layouts`) |

Old spellings (`--max-tokens`, `--words`, `--dim`, `--sequence-length`) still parse, hidden from `--help`.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_vocab_size(parser, default=100, old=("--max-tokens",))
>>> vars(parser.parse_args(["--max-tokens", "5"]))
{'vocab_size': 5}
"""

import argparse

from exporter import ExportOptions
from models import LAYOUTS


def at_least(minimum):
    """An argparse `type` for whole numbers >= `minimum`."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def add_logdir(parser):
    parser.add_argument("--logdir", metavar="DIR", default="logdir",
                        help="TensorBoard log directory (default: %(default)s)")


def add_run(parser, *, default, default_help=None):
    """`--run RUN`; `default_help` describes a default that is not a fixed name."""
    parser.add_argument("--run", default=default,
                        help=f"run folder inside the logdir (default: {default_help or '%(default)s'})")


def add_seed(parser, *, help):
    parser.add_argument("--seed", type=int, metavar="N", default=0, help=f"{help} (default: %(default)s)")


def add_data(parser, *, help):
    parser.add_argument("--data", metavar="PATH", help=help)


def add_layouts(parser):
    """`--layouts`, as `projector-export` has it, defaulting to `models.LAYOUTS`."""
    ExportOptions.add_arguments(parser, ["layouts"], defaults={"layouts": ",".join(LAYOUTS)})


def add_vocab_size(parser, *, default, minimum=1, help="vocabulary size", old=()):
    _add_count(parser, "--vocab-size", default, minimum, help, old)


def add_embedding_dim(parser, *, default, minimum=1, old=()):
    _add_count(parser, "--embedding-dim", default, minimum, "embedding size", old)


def add_max_length(parser, *, default, old=()):
    _add_count(parser, "--max-length", default, 1, "tokens (word pieces) kept per text; longer texts are truncated",
               old)


def add_batch_size(parser, *, default, help="examples per batch"):
    _add_count(parser, "--batch-size", default, 1, help)


def add_epochs(parser, *, default, help="training epochs"):
    _add_count(parser, "--epochs", default, 1, help)


def _add_count(parser, flag, default, minimum, help, old=()):
    """`flag N` (a whole number >= `minimum`); the `old` flags set it too, hidden from --help."""
    dest = flag.removeprefix("--").replace("-", "_")
    parser.add_argument(flag, type=at_least(minimum), metavar="N", default=default,
                        help=f"{help} (default: %(default)s)")
    for spelling in old:
        parser.add_argument(spelling, dest=dest, type=at_least(minimum), default=argparse.SUPPRESS,
                            help=argparse.SUPPRESS)
