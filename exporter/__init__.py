"""Export Keras / TensorFlow embeddings to the Embedding Projector, correctly and fast.

Example:
>>> import numpy as np, tempfile, exporter
>>> result = exporter.export_embeddings(
...     np.random.rand(100, 16), [f"word{i}" for i in range(100)],
...     logdir=tempfile.mkdtemp(), run="demo", name="words", normalize=True)
>>> result.shape
(100, 16)
"""

from exporter import quiet_tensorflow

quiet_tensorflow.install()

from exporter.cli import quiet_native_logs
from exporter.cli import run as run_command
from exporter.cli import arguments as cli_arguments
from exporter.errors import ExportError, ExportWarning
from exporter.export import ExportResult, export_embeddings, export_table, remove_export
from exporter.table import EmbeddingTable
from exporter.validate import validate_logdir
from exporter.vectors import cosine_neighbours, pca_coordinates, unit_rows
from exporter.writers.bookmarks import make_bookmark

__all__ = [
    "EmbeddingTable",
    "ExportError",
    "ExportResult",
    "ExportWarning",
    "ProjectorCallback",
    "cli_arguments",
    "cosine_neighbours",
    "export_embeddings",
    "export_table",
    "make_bookmark",
    "pca_coordinates",
    "quiet_native_logs",
    "remove_export",
    "run_command",
    "unit_rows",
    "validate_logdir",
]


def __getattr__(name):
    # Lazy: the callback imports Keras, which would slow every CLI's --help.
    if name == "ProjectorCallback":
        from exporter.callback import ProjectorCallback

        return ProjectorCallback
    raise AttributeError(f"module 'exporter' has no attribute {name!r}")
