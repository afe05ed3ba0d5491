"""`projector-export`: one command per source of vectors, plus `validate`.

Each subcommand lives in its own module of this package and exposes
`register(subparsers)`; modules without it (helpers) are skipped.
"""

import argparse
import errno
import importlib
import os
import pkgutil
import sys
import warnings

def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out
    args = build_parser().parse_args(argv)
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


def quiet_native_logs():
    """Sends C++ log lines (CUDA probing, oneDNN notes) written to fd 2 to /dev/null.

    TensorFlow's absl logging prints them before TF_CPP_MIN_LOG_LEVEL applies.
    Python's own stderr (errors, warnings, progress bars) keeps the terminal.
    Set PROJECTOR_EXPORT_VERBOSE=1 to see everything.
    """
    if os.environ.get("PROJECTOR_EXPORT_VERBOSE"):
        return
    terminal = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(terminal, "w", buffering=1)


def run(handler, args):
    """Calls `handler(args)`; user errors become one `error:` line and exit status 2."""
    from exporter.errors import ExportError

    warnings.showwarning = lambda message, category, *rest: print(f"warning: {message}", file=sys.stderr)
    try:
        return handler(args) or 0
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, MemoryError, ImportError) as error:  # the machine, not the input: still one line
        print(f"error: {environment_error(error, getattr(args, 'logdir', None))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        from exporter.writers.atomic import InterruptedAfterCommit

        if isinstance(interrupt, InterruptedAfterCommit):
            print(f"interrupted: {interrupt} (Ctrl-C came during its commit, which completed)", file=sys.stderr)
        else:
            print("interrupted: earlier exports are intact; this export did not land", file=sys.stderr)
        return 130


def environment_error(error, logdir=None):
    """One line for a failure of the machine (disk full or read-only, memory, a missing package): what, where, fix."""
    if isinstance(error, MemoryError):
        return "out of memory: export fewer rows (--max-points N) or use a machine with more memory"
    if isinstance(error, ImportError):
        return f"a Python package is missing or broken ({error}): reinstall the environment (`make venv`)"
    where = error.filename or logdir or "the disk"
    fixes = {
        errno.ENOSPC: "free some space there or pass another --logdir",
        errno.EDQUOT: "free some space there or pass another --logdir",
        errno.EFBIG: "the file is larger than this system allows: export fewer rows (--max-points N)",
        errno.EROFS: "pass a --logdir on a writable disk",
        errno.EACCES: "pass a folder you may write to (--logdir), or fix its permissions",
        errno.EPERM: "pass a folder you may write to (--logdir), or fix its permissions",
    }
    fix = fixes.get(error.errno, "check the path and the disk")
    intact = " (a failed export leaves the previous one as it was)" if error.errno in fixes else ""
    return f"{error.strerror or error}: {where}: {fix}{intact}"


if __name__ == "__main__":
    console_main()
