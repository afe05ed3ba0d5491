"""Our `ModelHandler`s for Beam's `RunInference`: the in-process command's model, one per worker process.

Beam's own TensorFlow handler imports tensorflow-hub and tf-keras (Keras 2); these load
Keras 3 models the way the in-process commands do, so vectors match theirs. RunInference
calls `load_model` once per worker process (its shared handle) and hands `run_inference`
the batches `BatchElements` made, `BEAM_BATCH` rows each (the last of a bundle fewer).
Elements are (id, row) pairs (`KeyedModelHandler` keeps the id); each result's inference
is (vector, extra metadata).
"""

import dataclasses

from apache_beam.ml.inference.base import ModelHandler, PredictionResult

#: Rows per Beam batch, fixed (min = max): within one, the model's own batches of `batch_size` are ordered by
#: length (`LengthBatches`). BatchElements' adaptive default (start at 1, grow while its fixed cost shrinks)
#: settled at about 20 rows here, too few to sort: 2 workers spent 12 s of CPU per 1,000 mixed
#: GoEmotions + IMDb texts each, 8.5 s with 1,024-row batches (measured, 2,000 texts; in-process ~5 s).
BEAM_BATCH = 1024
# TensorFlow keeps its default thread pools in each worker: one intra/inter-op thread per worker (2 workers, 2 cores)
# measured 7.9 vs 8.5 s of worker CPU per 1,000 texts once, but in 2 interleaved pairs of 2,000-text runs (load 2-6)
# 41.2 / 43.1 CPU-s vs 43.0 / 40.3 with the defaults, wall 39.7 / 52.9 s vs 35.9 / 41.3 s: no gain shown.


class _Handler(ModelHandler):
    """Fixed batches of `BEAM_BATCH` rows (at least `batch_size`) for a dataclass handler with `batch_size`."""

    def __post_init__(self):
        rows = max(self.batch_size, BEAM_BATCH)
        super().__init__(min_batch_size=rows, max_batch_size=rows)


@dataclasses.dataclass
class SentenceEncoderHandler(_Handler):
    """`SentenceEncoder.load(bert, max_length=...)`, applied as `projector-export text` applies it.

    The extra metadata is {"tokens": word pieces of the text}, the column `text` adds.
    """

    bert: str | None
    max_length: int | None
    batch_size: int
    text_column: str

    def load_model(self):
        from exporter.sources.sentence_encoder import SentenceEncoder

        return SentenceEncoder.load(self.bert, max_length=self.max_length)

    def run_inference(self, batch, model, inference_args=None):
        texts = [row[self.text_column] for row in batch]
        (vectors,), lengths = model.apply(model.pooler, texts, batch_size=self.batch_size, progress=False)
        return [PredictionResult(row, (vector, {"tokens": int(length)}))
                for row, vector, length in zip(batch, vectors, lengths)]


@dataclasses.dataclass
class LayerOutputsHandler(_Handler):
    """One layer's outputs of a saved `.keras` text model, as `projector-export activations` reads them.

    The worker's model is a `LayerReader`: the layer found and its stage models built once, for every batch.
    """

    model_path: str
    layer: str
    batch_size: int
    text_column: str
    unsafe: bool = False
    custom_objects: tuple = ()

    def load_model(self):
        from exporter.sources.activations import LayerReader
        from exporter.sources.keras_model import load_text_model

        model = load_text_model(self.model_path, unsafe=self.unsafe, custom_objects=self.custom_objects)
        return LayerReader(model, self.layer)

    def run_inference(self, batch, model, inference_args=None):
        import numpy as np

        texts = np.array([row[self.text_column] for row in batch], dtype=object)
        outputs = model(texts, batch_size=self.batch_size, progress=False)
        return [PredictionResult(row, (vector, {})) for row, vector in zip(batch, outputs)]
