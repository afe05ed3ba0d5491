"""A Keras `Embedding` layer's rows with the vocabulary: row i is word i.

Example:
>>> import keras
>>> layer = keras.layers.Embedding(4, 3)
>>> layer.build((None,))
>>> table = embedding_table(layer, ["", "[UNK]", "good", "bad"])
>>> table.metadata["label"].tolist()
['[PAD]', '[UNK]', 'good', 'bad']
>>> embedding_table(layer, ["", "[UNK]", "good", "bad"], drop_special=True).vectors.shape
(2, 3)
"""

import numpy as np
import pandas as pd

from exporter.errors import ExportError
from exporter.table import LABEL_COLUMN, EmbeddingTable

#: The label shown for TextVectorization's padding token '' (a blank line would be skipped).
PAD_LABEL = "[PAD]"
_SPECIAL = ("", "[UNK]")


def embedding_table(layer_or_model, vocabulary, *, layer=None, columns=None, drop_special=False, trim=False):
    """The rows of an `Embedding` layer, labelled by `vocabulary`.

    Args:
      layer_or_model: an `Embedding` layer, or a model holding one (named by
        `layer` when it holds several).
      vocabulary: a list of tokens, or a layer with `get_vocabulary()`
        (`TextVectorization`, `StringLookup`).
      columns: optional {name: values per vocabulary entry}, e.g. counts; the
        token column is then called "word" and a header is written.
      drop_special: drop the padding '' and '[UNK]' rows from vectors and
        metadata together (kept by default, '' labelled "[PAD]").
      trim: when the layer has more rows than the vocabulary (max_tokens larger
        than the words seen), export only the first len(vocabulary) rows.
    """
    embedding = _find_embedding(layer_or_model, layer)
    weights = np.asarray(embedding.embeddings.numpy(), np.float32)
    tokens = list(vocabulary.get_vocabulary() if hasattr(vocabulary, "get_vocabulary") else vocabulary)
    tokens = [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in tokens]
    rows, words = len(weights), len(tokens)
    if rows > words and trim:
        weights = weights[:words]
    elif rows != words:
        raise ExportError(_mismatch_message(embedding.name, rows, words))
    frame = pd.DataFrame({LABEL_COLUMN if not columns else "word": [t or PAD_LABEL for t in tokens]})
    for name, values in (columns or {}).items():
        if len(values) != words:
            raise ExportError(f"column {name!r} has {len(values)} values for {words} vocabulary entries")
        frame[name] = list(values)
    table = EmbeddingTable.build(weights, frame)
    if drop_special:
        keep = np.array([t not in _SPECIAL for t in tokens])
        table = table.take(np.flatnonzero(keep))
    return table


def _find_embedding(layer_or_model, name):
    import keras

    if isinstance(layer_or_model, keras.layers.Embedding):
        return layer_or_model
    found = [l for l in _all_layers(layer_or_model) if isinstance(l, keras.layers.Embedding)]
    if name is not None:
        found = [l for l in found if l.name == name]
    if len(found) != 1:
        names = [l.name for l in _all_layers(layer_or_model) if isinstance(l, keras.layers.Embedding)]
        what = "no Embedding layer" if not found else "several Embedding layers"
        which = f" named {name!r}" if name else ""
        raise ExportError(f"the model has {what}{which} (Embedding layers: {names or 'none'}): name one with layer=")
    return found[0]


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _all_layers(layer)


def _mismatch_message(layer_name, rows, words):
    if rows > words:
        why = (
            f"{rows - words} more rows than tokens: the layer's input_dim is larger than the vocabulary "
            "(max_tokens above the words seen, OOV buckets, or a mask token)"
        )
        fix = "pass trim=True (--vocab-trim) to export the first rows only, or the vocabulary the layer was built with"
    else:
        why = f"{words - rows} more tokens than rows: a vocabulary from another model or file"
        fix = "pass the vocabulary this layer was trained with"
    return f"Embedding {layer_name!r} has {rows} rows but the vocabulary has {words} entries ({why}): {fix}"
