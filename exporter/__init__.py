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

# Public names, imported on first use: `projector-export --help` and the CLI's light commands
# would otherwise pay for pandas, TensorBoard and Keras at start-up.
_LAZY = {
    "EmbeddingTable": "exporter.table",
    "Export": "exporter.run.folder",
    "ExportError": "exporter.errors",
    "ExportOptions": "exporter.export_options",
    "ExportWarning": "exporter.errors",
    "ProjectorCallback": "exporter.callback",
    "SentenceEncoder": "exporter.sources.sentence_encoder",
    "cosine_neighbours": "exporter.vectors",
    "embedding_table": "exporter.sources.keras_embedding",
    "error_line": "exporter.errors",
    "export_embeddings": "exporter.export",
    "export_table": "exporter.export",
    "make_bookmark": "exporter.writers.bookmarks",
    "pca_coordinates": "exporter.vectors",
    "read_text_table": "exporter.sources.text_table",
    "remove_export": "exporter.export",
    "resolve_run_dir": "exporter.run.folder",
    "unit_rows": "exporter.vectors",
    "validate_logdir": "exporter.validate",
    "write_atomic": "exporter.writers.atomic",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    import importlib

    if name not in _LAZY:
        raise AttributeError(f"module 'exporter' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *__all__])
