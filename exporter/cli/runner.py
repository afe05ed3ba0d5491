"""`--runner NAME [--workers N] [--output DIR] [-v]`: run `text` / `activations` as a Beam pipeline.

These options become an `exporter.export_texts.PipelineRun`, which the library runs (read -> infer ->
Parquet shards -> merge -> export); options the command does not know go to Beam's `PipelineOptions`
(see docs/pipeline.md). Beam's log lines are hidden here unless `-v`.
"""

import contextlib
import logging
import os
import sys
import threading

from exporter.cli.arguments import at_least

RUNNER_HELP = (
    "run as an Apache Beam pipeline: 'local' (Beam's FnApiRunner with --workers processes, offline) or a Beam "
    "runner name (DataflowRunner, FlinkRunner, SparkRunner, PortableRunner, ...); options this command does not "
    "know (--project, --region, --temp_location, --job_endpoint, ...) go to Beam. --data may then be a file "
    "pattern ('texts/part-*.csv', .tsv, .parquet, or one text per line) on any file system Beam has "
    "(default: in-process, no Beam)"
)


def add_runner_args(parser):
    group = parser.add_argument_group("pipeline (with --runner; docs/pipeline.md)")
    group.add_argument("--runner", metavar="NAME", help=RUNNER_HELP)
    group.add_argument("--workers", type=at_least(1), metavar="N", default=2,
                       help="worker processes of --runner local (default: %(default)s)")
    group.add_argument("--output", metavar="DIR",
                       help="keep the Parquet shards (id, vector, metadata) in DIR, any Beam path (default: a "
                       "temporary folder beside the logdir, removed after the merge)")
    group.add_argument("-v", "--verbose", action="store_true", help="show Beam's own log lines")


def pipeline_run(args):
    """The `exporter.export_texts.PipelineRun` of `--runner` and its options, or None without `--runner`."""
    from exporter.export_texts import PipelineRun

    if not args.runner:
        return None
    return PipelineRun(args.runner, args.workers, tuple(args.pipeline_args), args.output)


def pipeline_logging(args):
    """`beam_logging(args.verbose)` with `--runner`; nothing to hide without."""
    return beam_logging(args.verbose) if args.runner else contextlib.nullcontext()


@contextlib.contextmanager
def beam_logging(verbose):
    """Beam's log lines (and its workers' stderr) hidden unless `verbose`: the pipeline's outcome is our one line."""
    if not verbose:
        logging.getLogger("apache_beam").setLevel(logging.CRITICAL)
        quiet = logging.NullHandler()
        logging.getLogger().addHandler(quiet)  # Beam's import-time notes go to the root logger
        hook, threading.excepthook = threading.excepthook, lambda args: None  # gRPC threads of a lost worker
        try:
            yield
        finally:
            logging.getLogger().removeHandler(quiet)
            threading.excepthook = hook
        return
    logging.getLogger("apache_beam").setLevel(logging.INFO)
    saved = os.dup(2)
    os.dup2(sys.stderr.fileno(), 2)  # console_main sent fd 2 (the workers' stderr) to /dev/null
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
