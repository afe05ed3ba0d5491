"""A sentiment model trained on the bundled sample, exported, and read back from a real TensorBoard."""

import collections
import os

import numpy as np
import pytest
import tensorflow as tf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from models.sentiment.data import SAMPLE_DIR, load_imdb
from models.sentiment.export import export_words
from models.sentiment.model import Hyperparameters, custom_standardization
from models.sentiment.train import train

VOCAB = 2000
POSITIVE = ["great", "excellent", "best", "wonderful", "love"]
NEGATIVE = ["bad", "worst", "awful", "waste", "boring"]


@pytest.fixture(scope="module")
def exported(tensorboard):
    params = Hyperparameters(vocab_size=VOCAB, sequence_length=200)
    trained = train(None, logdir=tensorboard.logdir, epochs=8, params=params, progress=False)
    result = export_words(trained, logdir=tensorboard.logdir)
    tensorboard.wait_for_tensor("sentiment", "words", shape=(VOCAB, 16))
    return trained, result


def test_tensor_row_i_is_the_embedding_of_vocabulary_word_i(tensorboard, exported):
    trained, _ = exported
    served = tensorboard.tensor("sentiment", "words")
    weights = trained.classifier.get_layer("embedding").embeddings.numpy()
    unit = weights / np.linalg.norm(weights, axis=1, keepdims=True)
    np.testing.assert_allclose(served, unit, rtol=1e-5, atol=1e-6)

    header, rows = tensorboard.metadata("sentiment", "words")
    assert header == ["word", "count", "rank", "sentiment"]
    assert len(rows) == VOCAB
    assert [row[0] for row in rows] == ["[PAD]", "[UNK]"] + trained.vocabulary[2:]


def test_counts_and_ranks_match_the_training_text(tensorboard, exported):
    trained, _ = exported
    _, rows = tensorboard.metadata("sentiment", "words")
    reviews = load_imdb(SAMPLE_DIR, "train", seed=0)
    fit_texts = reviews.review[: len(reviews) - int(len(reviews) * 0.2)]
    # TextVectorization splits on ASCII whitespace only (Python's str.split would also split at U+00A0).
    tokens = tf.strings.split(custom_standardization(fit_texts.to_numpy(str))).flat_values.numpy()
    expected = collections.Counter(token.decode() for token in tokens)
    counts = {row[0]: int(row[1]) for row in rows}
    for word in ["the", "movie", "great", "bad", trained.vocabulary[-1]]:
        assert counts[word] == expected[word], word
    assert counts["[PAD]"] == 0
    assert counts["[UNK]"] == sum(expected.values()) - sum(counts[w] for w in trained.vocabulary[2:])
    ranks = {row[0]: int(row[2]) for row in rows}
    assert sorted(ranks.values()) == list(range(1, VOCAB + 1))
    by_rank = sorted(counts, key=ranks.get)
    assert [counts[w] for w in by_rank] == sorted(counts.values(), reverse=True)
    assert by_rank[:2] == sorted(["the", "[UNK]"], key=counts.get, reverse=True)


def test_sentiment_column_separates_positive_and_negative_words(tensorboard, exported):
    _, rows = tensorboard.metadata("sentiment", "words")
    score = {row[0]: float(row[3]) for row in rows}
    assert min(score[w] for w in POSITIVE) > 0 > max(score[w] for w in NEGATIVE), {
        w: score[w] for w in POSITIVE + NEGATIVE
    }


def test_saved_model_and_scalars_sit_next_to_the_export(tensorboard, exported):
    import keras

    trained, result = exported
    run_dir = result.run_dir
    texts = tf.constant(["A wonderful, moving film.<br /><br />Loved it!", "Dull and stupid; a waste of time."])
    reloaded = keras.models.load_model(os.path.join(run_dir, "sentiment.keras"))
    expected = trained.classifier(trained.vectorizer(texts)).numpy()
    np.testing.assert_allclose(reloaded(texts).numpy(), expected, rtol=1e-5)
    assert expected[0, 0] > 0 > expected[1, 0]
    for split in ("train", "validation"):
        events = EventAccumulator(os.path.join(run_dir, "scalars", split))
        events.Reload()
        assert "epoch_accuracy" in events.Tags()["tensors"], split
    assert not [name for name in os.listdir(tensorboard.logdir) if name.startswith(".")]
    # The scalar runs are not offered in the projector (no tensors from the parent's checkpoint).
    assert [run for run in tensorboard.runs() if run.startswith("sentiment")] == ["sentiment"]
