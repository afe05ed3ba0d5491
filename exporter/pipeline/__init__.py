"""Extraction as an Apache Beam pipeline: the same vectors as in-process, from this machine to a cluster.

read (`read`: file patterns -> (id, row)) -> spread (Reshuffle) -> batch + infer (`infer`:
RunInference with our ModelHandlers) -> write Parquet shards (`shards`) -> merge in id
order into one table (`merge`), which the caller exports with the usual commit.
`extract.extracted` runs it all; `options` turns `--runner` into Beam's options.
docs/pipeline.md tells what runs where.
"""

import logging

_quiet = logging.NullHandler()
logging.getLogger().addHandler(_quiet)  # else Beam's import-time note on BigQuery clients configures root logging
try:
    import apache_beam  # noqa: F401
    from apache_beam.io import filesystems  # noqa: F401  (imports the GCS/BigQuery clients it finds)
finally:
    logging.getLogger().removeHandler(_quiet)
