"""Our ModelHandlers hand Beam fixed batches: BatchElements makes `BEAM_BATCH` rows (or `batch_size`, if larger)."""

import dataclasses

import apache_beam as beam
from apache_beam.ml.inference.base import KeyedModelHandler, PredictionResult, RunInference
from apache_beam.testing.util import assert_that, equal_to

from exporter.pipeline import infer


@dataclasses.dataclass
class BatchSizes(infer._Handler):
    """A handler whose "vector" is the size of the batch its row came in."""

    batch_size: int

    def load_model(self):
        return None

    def run_inference(self, batch, model, inference_args=None):
        return [PredictionResult(row, len(batch)) for row in batch]


def test_the_handlers_ask_for_fixed_batches_of_beam_batch_rows():
    handlers = [infer.SentenceEncoderHandler(None, None, 64, "text"),
                infer.LayerOutputsHandler("model.keras", "pooled", 256, "text")]
    for handler in handlers:
        assert KeyedModelHandler(handler).batch_elements_kwargs() == {
            "min_batch_size": infer.BEAM_BATCH, "max_batch_size": infer.BEAM_BATCH}
    wide = infer.SentenceEncoderHandler(None, None, 4096, "text")
    assert wide.batch_elements_kwargs() == {"min_batch_size": 4096, "max_batch_size": 4096}


def test_beam_batches_the_rows_as_asked():
    rows = 2 * infer.BEAM_BATCH + 100
    with beam.Pipeline() as pipeline:  # one bundle: full batches, then the rest
        sizes = (pipeline | beam.Create([(i, {"text": "x"}) for i in range(rows)], reshuffle=False)
                 | RunInference(KeyedModelHandler(BatchSizes(batch_size=8)))
                 | beam.Map(lambda keyed: keyed[1].inference)
                 | beam.combiners.Count.PerElement())
        assert_that(sizes, equal_to([(infer.BEAM_BATCH, 2 * infer.BEAM_BATCH), (100, 100)]))
