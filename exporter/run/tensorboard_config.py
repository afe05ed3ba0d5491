"""`projector_config.pbtxt`: TensorBoard's own `ProjectorConfig` proto, one entry per tensor.

Renaming it into place is the commit point of every export (see `exporter.run.folder`).
"""

import os

from google.protobuf import text_format

from exporter.run.folder import TENSORBOARD_CONFIG
from exporter.writers.atomic import write_atomic


def put_embedding(config, name, *, shape, tensor_path=None, metadata_path=None, bookmarks_path=None):
    """Replaces (or adds) the entry for tensor `name` in place; other entries keep their order."""
    entry = next((e for e in config.embeddings if e.tensor_name == name), None)
    if entry is None:
        entry = config.embeddings.add()
    entry.Clear()
    entry.tensor_name = name
    entry.tensor_shape.extend(shape)
    if tensor_path:
        entry.tensor_path = tensor_path
    if metadata_path:
        entry.metadata_path = metadata_path
    if bookmarks_path:
        entry.bookmarks_path = bookmarks_path
    return entry


def remove_embedding(config, name):
    """Drops the entry for tensor `name`, if any; returns whether one was there."""
    kept = [e for e in config.embeddings if e.tensor_name != name]
    removed = len(kept) != len(config.embeddings)
    del config.embeddings[:]
    config.embeddings.extend(kept)
    return removed


def write_config(run_dir, config):
    write_atomic(os.path.join(run_dir, TENSORBOARD_CONFIG), text_format.MessageToString(config))
