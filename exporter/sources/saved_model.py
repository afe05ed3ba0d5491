"""Tensors of a TensorFlow SavedModel folder, read from its variables checkpoint (no graph is run).

Example:
>>> import tensorflow as tf, tempfile
>>> module = tf.Module()
>>> module.embedding = tf.Variable(tf.ones((5, 2)), name="words")
>>> folder = tempfile.mkdtemp()
>>> tf.saved_model.save(module, folder)
>>> [t.describe() for t in list_tensors(folder)]
['words  5 x 2  float32']
"""

import dataclasses
import os

from exporter.sources import tf_checkpoint

MARKER = "saved_model.pb"
READS_ROWS = True


def is_saved_model(path):
    return os.path.isfile(os.path.join(path, MARKER))


def list_tensors(path):
    """Each variable once, by its own name (SavedModels store some variables twice)."""
    reader = tf_checkpoint.open_reader(_variables_prefix(path))
    names = tf_checkpoint.variable_names(reader, path)
    seen, found = set(), []
    for tensor in tf_checkpoint.tensors_of(reader, path):
        name = names.get(tensor.key, tensor.name).removesuffix(":0")
        if name not in seen:
            seen.add(name)
            found.append(dataclasses.replace(tensor, name=name))
    return found


def read_tensor(path, tensor, rows=None):
    """The tensor's values (all rows, or only `rows`), read as `tf_checkpoint.read_tensor` reads them."""
    return tf_checkpoint.read_tensor(_variables_prefix(path), tensor, rows)


def _variables_prefix(path):
    return os.path.join(path, "variables", "variables")
