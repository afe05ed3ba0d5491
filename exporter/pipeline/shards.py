"""Parquet shards of vectors: `id` (int64), `vector` (list<float32>) and string metadata columns.

The pipeline writes them with Beam's `WriteToParquet` (files appear only when their bundle
commits, so a retried bundle leaves no second copy); `merge` and `import` read them, and
shards from other tools (Embedding Atlas, latent-scope, ...) too. Our shards carry
`ID_KEY` in their schema metadata: their rows are merged in `id` order and `id` is not
metadata; other files keep their row order (files sorted by name) and every column.

Example:
>>> schema = shard_schema(["text", "label"], extra={"tokens": "int64"})
>>> schema.names, schema.field("vector").type
(['id', 'vector', 'text', 'label', 'tokens'], ListType(list<item: float>))
"""

#: Schema-metadata key marking shards whose `id` column is a pipeline row id.
ID_KEY = b"projector-export.row-id"
ID_COLUMN = "id"
VECTOR_COLUMN = "vector"
#: The name (before `-NNNNN-of-NNNNN.parquet`) of the shards the pipeline writes.
SHARD_PREFIX = "part"


def shard_schema(columns, *, extra=None):
    """The pyarrow schema of our shards: id, vector, the string `columns`, then `extra` {name: type name}."""
    import pyarrow as pa

    fields = [pa.field(ID_COLUMN, pa.int64()), pa.field(VECTOR_COLUMN, pa.list_(pa.float32()))]
    fields += [pa.field(c, pa.string()) for c in columns]
    fields += [pa.field(c, getattr(pa, kind)()) for c, kind in (extra or {}).items()]
    return pa.schema(fields, metadata={ID_KEY: b"1"})


def shard_record(identifier, row, vector, extra):
    """One row of a shard, as `WriteToParquet` takes it."""
    return {ID_COLUMN: identifier, VECTOR_COLUMN: [float(v) for v in vector], **row, **extra}


def write_shards(records, output, schema):
    """`records | WriteToParquet` into `output/part-NNNNN-of-NNNNN.parquet`; returns the written file names."""
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.io.parquetio import WriteToParquet

    return records | "write shards" >> WriteToParquet(
        FileSystems.join(output, SHARD_PREFIX), schema, file_name_suffix=".parquet")


def shard_pattern(output):
    from apache_beam.io.filesystems import FileSystems

    return FileSystems.join(output, f"{SHARD_PREFIX}-*.parquet")


def open_parquet(path):
    """A `pyarrow.parquet.ParquetFile` of `path` (any Beam file system), or an `ExportError`."""
    import pyarrow.parquet as pq
    from apache_beam.io.filesystems import CompressionTypes, FileSystems

    from exporter.errors import ExportError

    try:
        return pq.ParquetFile(FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED))
    except Exception as error:  # pyarrow's ArrowInvalid, Beam's BeamIOError
        raise ExportError(f"{path}: not a Parquet file ({str(error).splitlines()[0]})") from None
