"""The extraction pipeline: read -> key -> batch -> infer -> write shards, then the merge into one table.

`extracted(...)` runs the Beam pipeline and yields the merged `EmbeddingTable` for the
caller to export (the usual all-or-nothing commit); shards written to a temporary folder
beside the logdir are removed afterwards, those in `output` are kept. No scheduler, pool
or retry loop of ours: Beam's runner places and (where the runner does) retries bundles.
"""

import contextlib
import os
import re
import sys

import apache_beam as beam
from apache_beam.metrics import Metrics

from exporter.errors import ExportError
from exporter.pipeline import merge, read, shards

_NAMESPACE = "projector-export"


class ReadShard(beam.DoFn):
    """A `read.Shard` -> its (id, row) pairs, `columns` kept; counts rows read."""

    def __init__(self, columns, unicode_errors):
        self.columns, self.unicode_errors = columns, unicode_errors
        self.rows = Metrics.counter(_NAMESPACE, "read")

    def process(self, shard):
        for pair in read.read_rows(shard, self.columns, self.unicode_errors):
            self.rows.inc()
            yield pair


class ToRecord(beam.DoFn):
    """(id, PredictionResult(row, (vector, extra))) -> a shard record, columns renamed as exported."""

    def __init__(self, names):
        self.names = names
        self.rows = Metrics.counter(_NAMESPACE, "embedded")

    def process(self, keyed):
        identifier, result = keyed
        vector, extra = result.inference
        self.rows.inc()
        yield shards.shard_record(identifier, {self.names[c]: v for c, v in result.example.items()}, vector, extra)


@contextlib.contextmanager
def extracted(shard_list, handler, *, names, extra_schema, runner, options, output=None, logdir="logdir",
              drop_nonfinite=False, unicode_errors="strict"):
    """Runs the pipeline over `shard_list` and yields the merged `EmbeddingTable` (valid inside the block).

    Args:
      shard_list: `read.match_shards(...)`, checked on the driver.
      handler: the `ModelHandler` (see `exporter.pipeline.infer`); its text column comes first in `names`.
      names: {input column: exported metadata column}, the columns read.
      extra_schema: {column: pyarrow type name} the handler adds (e.g. {"tokens": "int64"}).
      runner, options: from `exporter.pipeline.options.pipeline_options`.
      output: folder (any Beam path) to keep the Parquet shards in; None: a temporary one.
      logdir: the export's logdir; the temporary folder goes beside it.
      drop_nonfinite, unicode_errors: see `EmbeddingTable.build`.
    """
    from apache_beam.ml.inference.base import KeyedModelHandler, RunInference

    with merge.scratch_beside(logdir) as scratch:
        target = output or os.path.join(scratch, "shards")
        _check_no_shards(target)
        schema = shards.shard_schema(list(names.values()), extra=extra_schema)
        pipeline = beam.Pipeline(runner=runner, options=options)
        records = (pipeline
                   | "shards" >> beam.Create(shard_list)
                   | "read" >> beam.ParDo(ReadShard(list(names), unicode_errors))
                   | "spread" >> beam.Reshuffle()
                   | "infer" >> RunInference(KeyedModelHandler(handler))
                   | "records" >> beam.ParDo(ToRecord(names)))
        shards.write_shards(records, target, schema)
        counts = _run(pipeline)
        _progress(f"read: {counts['read']} rows from {len(shard_list)} files")
        _progress(f"embedded: {counts['embedded']} rows")
        written = len(merge.matched(shards.shard_pattern(target)))
        _progress(f"written: {counts['embedded']} rows in {written} Parquet shards -> {target}")
        table, merged = merge.merge_shards(shards.shard_pattern(target), scratch=scratch,
                                           drop_nonfinite=drop_nonfinite, unicode_errors=unicode_errors)
        if merged != counts["read"]:
            raise ExportError(f"the shards hold {merged} distinct rows but {counts['read']} were read: a shard "
                              f"is missing or foreign: nothing was exported; check {target} and run again")
        _progress(f"merged: {merged} rows in id order")
        yield table


def _run(pipeline):
    """Runs `pipeline` to the end; {counter: committed value}. A worker's `ExportError` becomes ours."""
    from apache_beam.metrics.metric import MetricsFilter

    try:
        result = pipeline.run()
        result.wait_until_finish()
    except Exception as error:  # the runner wraps what the workers raised
        raise _pipeline_error(error) from None
    counters = result.metrics().query(MetricsFilter().with_namespace(_NAMESPACE))["counters"]
    counts = {"read": 0, "embedded": 0}
    for counter in counters:
        counts[counter.key.metric.name] += counter.committed
    return counts


def _pipeline_error(error):
    """One line for a failed pipeline: the workers' `ExportError`, a lost worker, or the error itself (a bug)."""
    text = str(error)
    ours = re.search(r"ExportError: (.*?)(?: \[while running '[^']*'\])?$", text, re.MULTILINE)
    if ours:
        return ExportError(ours.group(1))
    if "Channel closed prematurely" in text or "Socket closed" in text or "worker" in text.lower() and "died" in text:
        return ExportError("a Beam worker process stopped mid-run (killed, or out of memory?): nothing was exported "
                           "and earlier exports are intact: run the command again (the local runner does not retry "
                           "a lost worker's bundles; Dataflow, Flink and Spark do)")
    return error


def _check_no_shards(target):
    if merge.matched(shards.shard_pattern(target), missing_ok=True):
        raise ExportError(f"--output {target} already holds shards (part-*.parquet) of an earlier run: pass an "
                          "empty folder, or remove them")


def _progress(line):
    print(line, file=sys.stderr, flush=True)
