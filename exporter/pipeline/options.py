"""`--runner` to a Beam runner and its `PipelineOptions`; options nobody knows are one `ExportError`.

`local` is Beam's FnApiRunner with `workers` SDK worker processes on this machine
(`direct_running_mode="multi_processing"`): offline, unlike Beam 2.77's default
DirectRunner, which first tries to download the Prism runner. Any other name is a Beam
runner (`DataflowRunner`, `FlinkRunner`, `SparkRunner`, `PortableRunner`, ...) and the
options the command does not know (`--project`, `--region`, `--temp_location`,
`--job_endpoint`, ...) go to `PipelineOptions`, as in Beam's own examples.

Example:
>>> runner, options = pipeline_options("DataflowRunner", 1, ["--project", "p", "--region", "europe-west1"])
>>> runner, options.get_all_options()["region"]
('DataflowRunner', 'europe-west1')
>>> pipeline_options("local", 2, ["--projct", "p"])
Traceback (most recent call last):
...
exporter.errors.ExportError: --projct: neither this command nor Beam knows this option: see --help, or Beam's pipeline options (Did you mean --project?)
"""

import difflib

from exporter.errors import ExportError

LOCAL = "local"


def pipeline_options(runner, workers, extra_args):
    """(runner: a `PipelineRunner` or a Beam runner name, `PipelineOptions`) for `--runner runner`.

    Args:
      runner: "local", or a Beam runner name.
      workers: worker processes of the local runner.
      extra_args: command-line arguments the command itself did not parse.
    """
    from apache_beam.options.pipeline_options import PipelineOptions

    options = PipelineOptions(list(extra_args))
    _check_known(options, extra_args)
    if runner != LOCAL:
        _check_runner(runner)
        return runner, PipelineOptions([*extra_args, "--runner", runner])
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    local = PipelineOptions(list(extra_args), direct_num_workers=workers, direct_running_mode="multi_processing")
    return FnApiRunner(), local


def _check_runner(name):
    """A name Beam has no runner for is ours to say, before any work (Beam's own: a traceback from Pipeline())."""
    from apache_beam.runners.runner import create_runner

    try:
        create_runner(name)  # constructs it: a runner does its work only once given a pipeline
    except ValueError:
        raise ExportError(f"--runner {name}: Beam has no such runner: use 'local' (this machine) or a Beam runner "
                          "name (DataflowRunner, FlinkRunner, SparkRunner, PortableRunner, ...)") from None


def _check_known(options, extra_args):
    known = options.get_all_options()
    unknown = [key for key in options.get_all_options(retain_unknown_options=True) if key not in known]
    if not unknown and extra_args and not extra_args[0].startswith("-"):
        raise ExportError(f"{extra_args[0]}: an argument this command does not take: see --help")
    if unknown:
        flag = f"--{unknown[0]}"
        close = difflib.get_close_matches(flag, [f"--{k}" for k in known], n=1)
        hint = f" (Did you mean {close[0]}?)" if close else ""
        raise ExportError(f"{flag}: neither this command nor Beam knows this option: see --help, or Beam's "
                          f"pipeline options{hint}")
