"""Vector columns of a Parquet file, for `inspect` and `checkpoint` (`import` merges shards: exporter.pipeline.merge).

A column is a tensor when it holds equal-length lists of numbers (list or fixed_size_list),
as the pipeline's shards, Embedding Atlas and latent-scope write them.

Example:
>>> import os, tempfile, pyarrow as pa, pyarrow.parquet as pq
>>> path = os.path.join(tempfile.mkdtemp(), "points.parquet")
>>> pq.write_table(pa.table({"vector": [[1.0, 2.0], [3.0, 4.0]], "label": ["a", "b"]}), path)
>>> [t.describe() for t in list_tensors(path)]
['vector  2 x 2  double']
>>> read_tensor(path, list_tensors(path)[0]).tolist()
[[1.0, 2.0], [3.0, 4.0]]
"""

import numpy as np

from exporter.sources.inventory import TensorInfo

_MAGIC = b"PAR1"


def is_parquet(path):
    with open(path, "rb") as f:
        return f.read(4) == _MAGIC


def list_tensors(path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    found = []
    for field in f.schema_arrow:
        kind = field.type
        if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
            first = next(f.iter_batches(batch_size=1, columns=[field.name]), None)
            dim = kind.list_size if pa.types.is_fixed_size_list(kind) else (
                len(first.column(0)[0]) if first is not None and first.num_rows else 0)
            found.append(TensorInfo(field.name, (f.metadata.num_rows, dim), str(kind.value_type), key=path))
    return found


def read_tensor(path, tensor):
    """The column's vectors as an (N, D) array (rows of another length are one `ExportError`)."""
    import pyarrow.parquet as pq

    from exporter.pipeline.merge import vectors_of

    column = pq.read_table(path, columns=[tensor.name]).column(0).combine_chunks()
    return vectors_of(column, tensor.shape[1], path) if len(column) else np.empty((0, tensor.shape[1]), np.float32)
