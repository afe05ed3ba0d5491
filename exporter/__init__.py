"""Export Keras / TensorFlow embeddings to the Embedding Projector, correctly and fast.

Example:
>>> import numpy as np, tempfile, exporter
>>> result = exporter.export_embeddings(
...     np.random.rand(100, 16), [f"word{i}" for i in range(100)],
...     logdir=tempfile.mkdtemp(), run="demo", name="words", normalize=True)
>>> result.shape
(100, 16)
"""

from exporter.errors import ExportError, ExportWarning
from exporter.export import ExportResult, export_embeddings, export_table, remove_export
from exporter.table import EmbeddingTable
from exporter.writers.bookmarks import make_bookmark

__all__ = [
    "EmbeddingTable",
    "ExportError",
    "ExportResult",
    "ExportWarning",
    "export_embeddings",
    "export_table",
    "make_bookmark",
    "remove_export",
]
