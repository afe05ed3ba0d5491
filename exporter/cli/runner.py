"""`--runner NAME [--workers N] [--output DIR] [-v]`: run `text` / `activations` as a Beam pipeline.

The subcommand builds its `ModelHandler`; this module matches and checks `--data`, runs
`exporter.pipeline.extract.extracted` and exports the merged table like every export.
Options the command does not know go to Beam's `PipelineOptions` (see docs/pipeline.md).
"""

import contextlib
import logging
import os
import sys
import threading

from exporter.cli.arguments import at_least
from exporter.cli.common import export_options, report

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


def run_pipeline(args, handler, *, names, extra_schema=None):
    """Runs `handler` over `args.data` with `args.runner` and exports the merged table; prints the result."""
    from exporter.export import export_table

    text_column = next(iter(names))
    with beam_logging(args.verbose):
        from exporter.pipeline.extract import extracted
        from exporter.pipeline.options import pipeline_options
        from exporter.pipeline.read import match_shards

        runner, options = pipeline_options(args.runner, args.workers, args.pipeline_args)
        found = match_shards(args.data, text_column=text_column if args.text_column else None,
                             needed=list(names)[1:], unicode_errors=args.unicode_errors)
        with extracted(found, handler, names=names, extra_schema=extra_schema or {}, runner=runner,
                       options=options, output=args.output, logdir=args.logdir,
                       drop_nonfinite=args.drop_nonfinite, unicode_errors=args.unicode_errors) as table:
            result = export_table(table, export_options(args), logdir=args.logdir, run=args.run, name=args.name)
    report(result)


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
