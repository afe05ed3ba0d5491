"""`projector_config.pbtxt`: TensorBoard's own `ProjectorConfig` proto, one entry per tensor."""

import os

from google.protobuf import text_format
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

from exporter.writers.atomic import write_atomic

FILENAME = "projector_config.pbtxt"


def read_config(run_dir):
    """The run's `ProjectorConfig` (empty when there is no file yet)."""
    config = ProjectorConfig()
    path = os.path.join(run_dir, FILENAME)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            text_format.Parse(f.read(), config)
    return config


def put_embedding(config, name, *, shape, metadata_path=None, bookmarks_path=None):
    """Replaces (or adds) the entry for tensor `name`; other entries keep their order."""
    kept = [e for e in config.embeddings if e.tensor_name != name]
    del config.embeddings[:]
    config.embeddings.extend(kept)
    entry = config.embeddings.add()
    entry.tensor_name = name
    entry.tensor_shape.extend(shape)
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
    write_atomic(os.path.join(run_dir, FILENAME), text_format.MessageToString(config))
