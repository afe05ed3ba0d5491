"""Our `ModelHandler`s for Beam's `RunInference`: the in-process command's model, one per worker process.

Beam's own TensorFlow handler imports tensorflow-hub and tf-keras (Keras 2); these load
Keras 3 models the way the in-process commands do, so vectors match theirs. RunInference
calls `load_model` once per worker process (its shared handle) and hands `run_inference`
the batches `BatchElements` chose, at most `batch_size` rows. Elements are (id, row) pairs
(`KeyedModelHandler` keeps the id); each result's inference is (vector, extra metadata).
"""

import dataclasses

from apache_beam.ml.inference.base import ModelHandler, PredictionResult


@dataclasses.dataclass
class SentenceEncoderHandler(ModelHandler):
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

    def __post_init__(self):
        super().__init__(max_batch_size=self.batch_size)


@dataclasses.dataclass
class LayerOutputsHandler(ModelHandler):
    """One layer's outputs of a saved `.keras` text model, as `projector-export activations` reads them."""

    model_path: str
    layer: str
    batch_size: int
    text_column: str
    unsafe: bool = False
    custom_objects: tuple = ()

    def load_model(self):
        from exporter.sources.keras_model import load_text_model

        return load_text_model(self.model_path, unsafe=self.unsafe, custom_objects=self.custom_objects)

    def run_inference(self, batch, model, inference_args=None):
        import numpy as np

        from exporter.sources.activations import layer_outputs

        # The in-process path as it is (length-aware batches where the model allows). It builds its
        # stage models per call, so each Beam batch pays one trace: small next to a text model's batch
        # of hundreds of texts, but not measured.
        texts = np.array([row[self.text_column] for row in batch], dtype=object)
        outputs = layer_outputs(model, self.layer, texts, batch_size=self.batch_size, progress=False)
        return [PredictionResult(row, (vector, {})) for row, vector in zip(batch, outputs)]

    def __post_init__(self):
        super().__init__(max_batch_size=self.batch_size)
