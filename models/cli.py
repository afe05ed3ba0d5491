"""`projector-train`: train a model on its data and export what it learned.

Every model is a subpackage of `models` with the same modules doing the same jobs:
`data` (load or generate its dataset; problems raise `models.errors.DatasetError`),
`model` (build the Keras model), `train`, `export` (to the projector, through the
`exporter` public API only) and `cli`: `register(subparsers)` (its subcommand, with
options from `models.arguments`), `run(args)`, `run_demo(logdir)` (the bundled
sample) and `train_and_export(...)`, which writes training files through
`models.saving.staged_run`. `projector-train all` runs every `run_demo`.
Importing `exporter` keeps TensorFlow's C++ start-up lines off stderr.
"""

import argparse
import importlib
import importlib.util
import os
import pkgutil
import sys
import warnings

import models
from exporter import ExportError, error_line
from models import arguments


def model_commands():
    """{model name: its `models.<name>.cli` module}, for every model subpackage."""
    found = {}
    for info in pkgutil.iter_modules(models.__path__):
        if info.ispkg and importlib.util.find_spec(f"models.{info.name}.cli"):
            found[info.name] = importlib.import_module(f"models.{info.name}.cli")
    return found


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = build_parser().parse_args(argv)
    return run(args)


def run(args):
    """`args.handler(args)`: bad data (a `DatasetError` too) or a failure of the machine is one `error:` line and
    exit status 2, Ctrl-C exit status 130; warnings are `warning:` lines."""
    warnings.showwarning = lambda message, category, *rest: print(f"warning: {message}", file=sys.stderr)
    try:
        return args.handler(args) or 0
    except (ExportError, OSError, MemoryError, ImportError) as error:
        print(f"error: {error_line(error, getattr(args, 'logdir', None))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:  # an `exporter` commit under way says what landed
        print(f"interrupted: {str(interrupt) or 'earlier exports are intact; this one did not land'}", file=sys.stderr)
        return 130


def build_parser():
    """The `projector-train` argument parser, every model's subcommand registered."""
    parser = argparse.ArgumentParser(prog="projector-train", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="model", required=True, metavar="MODEL")
    commands = model_commands()
    for module in commands.values():
        module.register(subparsers)
    everything = subparsers.add_parser("all", help="train every model on its bundled sample and export it")
    arguments.add_logdir(everything)
    everything.set_defaults(handler=lambda args: _run_all(commands, args.logdir))
    return parser


def _run_all(commands, logdir):
    for name, module in commands.items():
        print(f"== {name}", flush=True)
        module.run_demo(logdir)


def console_main():
    """The console-script entry."""
    sys.exit(main())


if __name__ == "__main__":
    console_main()
