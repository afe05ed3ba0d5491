"""Length-aware batching: every row once, in input order, the same vectors as one text at a time."""

import numpy as np
import pytest

from exporter.sources.length_batches import LengthBatches
from tests.unit.exporter.sources.test_sentence_encoder import WORDS, write_tiny_bert


def shuffled_lengths(count=23, seed=1):
    """Texts of 1 to 40 words in shuffled order, so sorting moves almost every one."""
    rng = np.random.default_rng(seed)
    words = WORDS.split()
    return [" ".join(rng.choice(words, size=int(n))) for n in rng.permutation(np.linspace(1, 40, count).astype(int))]


def min_cosine(a, b):
    a, b = a / np.linalg.norm(a, axis=1, keepdims=True), b / np.linalg.norm(b, axis=1, keepdims=True)
    return float((a * b).sum(axis=1).min())


def test_batches_hold_every_row_once_longest_first_with_rounded_capped_widths():
    lengths = [3, 40, 5, 38, 9, 70, 1]
    plan = list(LengthBatches(lengths, 2, step=8, max_width=64))
    rows = np.concatenate([r for r, _ in plan])
    assert sorted(rows.tolist()) == list(range(len(lengths))) and len(plan) == len(LengthBatches(lengths, 2))
    assert [int(np.max(np.take(lengths, r))) for r, _ in plan] == [70, 38, 5, 1]
    assert [w for _, w in plan] == [64, 40, 8, 8]
    assert [r.tolist() for r, _ in LengthBatches(lengths, 3, by_length=False)] == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.fixture(scope="module")
def encoder(tmp_path_factory):
    from exporter.sources.sentence_encoder import SentenceEncoder

    return SentenceEncoder.load(str(write_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))))


def test_embeddings_by_length_come_back_in_input_order_as_one_at_a_time(encoder):
    texts = shuffled_lengths()
    (vectors,), lengths = encoder.apply(encoder.pooler, texts, batch_size=4, progress=False)
    alone = np.concatenate([encoder.embed([t], progress=False) for t in texts])
    for row, text in enumerate(texts):  # row i is text i, whatever batch it went through
        np.testing.assert_allclose(vectors[row], alone[row], atol=1e-5, err_msg=text)
        assert lengths[row] == len(encoder.word_pieces([text])[0]) + 2
    before = encoder.embed(texts, batch_size=4, progress=False, by_length=False)  # input order, as before
    assert min_cosine(vectors, alone) >= 0.99999 and min_cosine(vectors, before) >= 0.99999


def text_model(*, mask):
    """TextVectorization without a fixed length -> Embedding -> mean -> Dense, saved and loaded as .keras."""
    import keras

    vectorize = keras.layers.TextVectorization(name="vectorize")
    vectorize.adapt(WORDS.split())
    inputs = keras.Input((1,), dtype="string")
    ids = vectorize(inputs)
    pooled = keras.layers.GlobalAveragePooling1D(name="pooled")(
        keras.layers.Embedding(vectorize.vocabulary_size(), 8, mask_zero=mask)(ids))
    return keras.Model(inputs, keras.layers.Dense(2, name="head")(pooled))


@pytest.fixture(scope="module")
def saved_text_model(tmp_path_factory):
    import keras

    keras.utils.set_random_seed(0)
    path = tmp_path_factory.mktemp("text-model") / "masked.keras"
    text_model(mask=True).save(path)
    return keras.saving.load_model(path)


def test_text_activations_by_length_come_back_in_input_order_as_one_at_a_time(saved_text_model):
    from exporter.sources.activations import layer_outputs

    texts = np.array(shuffled_lengths(), dtype=object)
    outputs = layer_outputs(saved_text_model, "pooled", texts, batch_size=4, progress=False)
    alone = np.concatenate([layer_outputs(saved_text_model, "pooled", texts[i : i + 1], progress=False)
                            for i in range(len(texts))])
    for row in range(len(texts)):
        np.testing.assert_allclose(outputs[row], alone[row], atol=1e-6, err_msg=texts[row])
    before = layer_outputs(saved_text_model, "pooled", texts, batch_size=4, progress=False, by_length=False)
    assert min_cosine(outputs, alone) >= 0.99999 and min_cosine(outputs, before) >= 0.99999


def test_a_model_that_averages_its_padding_keeps_input_order_batches():
    from exporter.sources.activations import layer_outputs

    model = text_model(mask=False)  # padding is averaged in: its outputs depend on the batch's width
    texts = shuffled_lengths()
    np.testing.assert_array_equal(layer_outputs(model, "pooled", texts, batch_size=4, progress=False),
                                  layer_outputs(model, "pooled", texts, batch_size=4, progress=False, by_length=False))
