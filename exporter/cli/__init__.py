"""`projector-export`: one command per source of vectors, plus `validate`.

Each subcommand lives in its own module of this package and exposes
`register(subparsers)`; modules without it (helpers) are skipped.
"""

import argparse
import importlib
import os
import pkgutil
import sys
import warnings

from exporter.quiet_tensorflow import quiet_native_logs


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "runner", None):  # with --runner, the rest goes to Beam's PipelineOptions
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pipeline_args = extra
    return run(args.handler, args)


def build_parser():
    """The `projector-export` argument parser, every subcommand registered."""
    parser = SuggestingParser(
        prog="projector-export",
        description="Write embeddings that TensorBoard's Embedding Projector and "
        "projector.tensorflow.org load correctly, and check logdirs the way they read them.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(subparsers)
    return parser


class SuggestingParser(argparse.ArgumentParser):
    """An `argparse` parser whose errors add "did you mean" for a mistyped command or option
    (Python 3.11's argparse suggests nothing; subcommand parsers are of this class too).

    Example:
    >>> parser = SuggestingParser(prog="p")
    >>> _ = parser.add_subparsers(dest="command").add_parser("import").add_argument("--logdir")
    >>> parser.suggestion("argument command: invalid choice: 'improt'", ["improt"])
    " (did you mean 'import'?)"
    >>> parser.suggestion("unrecognized arguments: --logidr x", ["import", "--logidr", "x"])
    " (did you mean '--logdir'?)"
    """

    def parse_known_args(self, args=None, namespace=None):
        self._argv = [str(a) for a in (sys.argv[1:] if args is None else args)]
        return super().parse_known_args(args, namespace)

    def error(self, message):
        super().error(message + self.suggestion(message, getattr(self, "_argv", [])))

    def suggestion(self, message, argv):
        import difflib
        import re

        commands = next((a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction)), {})
        typed = re.search(r"invalid choice: '([^']*)'", message)
        if typed and commands:
            words, candidates = [typed.group(1)], list(commands)
        elif message.startswith("unrecognized arguments:"):
            command = commands.get(next((a for a in argv if a in commands), None), self)
            words = [a.split("=")[0] for a in message.split(":", 1)[1].split() if a.startswith("--")]
            candidates = [o for o in command._option_string_actions if o.startswith("--")]
        else:
            return ""
        close = [m for word in words for m in difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)]
        return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


def console_main():
    """The console-script entry: `main()` with TensorFlow's native log lines hidden."""
    quiet_native_logs()
    sys.exit(main())


def run(handler, args):
    """Calls `handler(args)`; user errors become one `error:` line and exit status 2."""
    from exporter.errors import ExportError, error_line

    warnings.showwarning = lambda message, category, *rest: print(f"warning: {message}", file=sys.stderr)
    try:
        return handler(args) or 0
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, MemoryError, ImportError) as error:  # the machine, not the input: still one line
        print(f"error: {error_line(error, getattr(args, 'logdir', None))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        from exporter.writers.atomic import InterruptedAfterCommit

        if isinstance(interrupt, InterruptedAfterCommit):
            print(f"interrupted: {interrupt} (Ctrl-C came during its commit, which completed)", file=sys.stderr)
        else:
            print("interrupted: earlier exports are intact; this export did not land", file=sys.stderr)
        return 130


if __name__ == "__main__":
    console_main()
