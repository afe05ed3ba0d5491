"""Every model the project saves reloads in a fresh process, also when its text holds line breaks Keras trips on.

IMDb reviews hold "\\x85" (NEL): a token "word\\x85" written to vocabulary.txt comes back
as two lines through Keras' `str.splitlines()`, and the model no longer loads.
"""

import dataclasses
import gzip
import os
import subprocess
import sys

import pandas as pd
import pytest

BREAKS = ["\x85", "\u2028", "\x1c"]


def reload_in_fresh_process(path, module):
    """The vocabulary sizes Keras sees after loading `path` in a new interpreter (importing `module`, which
    registers the model's custom functions), or the failure."""
    code = (f"import {module}, keras; model = keras.saving.load_model({str(path)!r}); "
            "print(sorted({len(l.get_vocabulary()) for l in model._flatten_layers() if hasattr(l, 'get_vocabulary')}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def with_line_breaks(texts):
    """Every text with a line break glued to its words, so that such tokens are among the most frequent."""
    return [" ".join(word + BREAKS[i % 3] if i % 2 else word for i, word in enumerate(t.split())) for t in texts]


def test_sentiment_model_reloads(tmp_path):
    from models.sentiment.data import SAMPLE_DIR
    from models.sentiment.model import Hyperparameters
    from models.sentiment.train import MODEL_FILE, train

    data = tmp_path / "imdb"
    data.mkdir()
    for split in ("train", "test"):
        frame = pd.read_csv(os.path.join(SAMPLE_DIR, f"{split}.csv.gz"))
        frame["review"] = with_line_breaks(frame["review"])
        with gzip.open(data / f"{split}.csv.gz", "wt", encoding="utf-8") as f:
            frame.to_csv(f, index=False)
    params = Hyperparameters(vocab_size=500, sequence_length=50)
    trained = train(data, logdir=str(tmp_path / "logdir"), epochs=1, params=params, progress=False)
    assert not any(any(b in token for b in BREAKS) for token in trained.vocabulary)
    assert reload_in_fresh_process(tmp_path / "logdir" / "sentiment" / MODEL_FILE, "models.sentiment.model") == "[500]"


def test_softmax_model_reloads(tmp_path):
    from models.softmax.data import load_news
    from models.softmax.train import MODEL_FILE, train_classifier

    news = load_news()
    news = dataclasses.replace(news, train=news.train.iloc[:600].assign(content=lambda f: with_line_breaks(f["content"])),
                               test=news.test.iloc[:60])
    train_classifier(news, run_dir=str(tmp_path), epochs=1, max_tokens=800, progress=False)
    assert reload_in_fresh_process(tmp_path / MODEL_FILE, "models.softmax.model") == "[800]"


def test_the_exporter_reads_such_vocabularies_aligned_and_says_keras_cannot(tmp_path):
    """Another tool's .keras with "\\x85" inside tokens: each label stays on its own row, and a warning names the trap."""
    import warnings

    import keras
    import numpy as np

    from exporter.cli import main
    from exporter.sources.vocabulary import find_vocabularies
    from tests.support.data import export_file

    texts = ["good movie\x85 plot"] * 6 + ["bad\u2028film plot"] * 5 + ["a\x1cb"] * 4 + ["good end"]
    vectorizer = keras.layers.TextVectorization(name="vectorize")
    vectorizer.adapt(texts)  # an adapted vocabulary is saved as vocabulary.txt (a given one goes into config.json)
    tokens = vectorizer.get_vocabulary()[2:]
    assert {"movie\x85", "bad\u2028film", "a\x1cb"} <= set(tokens)
    model = keras.Sequential([keras.Input((1,), dtype="string"), vectorizer,
                              keras.layers.Embedding(len(tokens) + 2, 4, name="words")])
    model.save(tmp_path / "model.keras")
    with pytest.warns(UserWarning, match="layer 'vectorize' has tokens holding line breaks such as .*load_model"):
        (vocabulary,) = find_vocabularies(str(tmp_path / "model.keras"))
    assert vocabulary.labels["label"].tolist() == ["[PAD]", "[UNK]", *tokens]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["checkpoint", str(tmp_path / "model.keras"), "--tensor", "words",
                     "--logdir", str(tmp_path / "logdir")]) == 0
    labels = open(export_file(tmp_path / "logdir", "default", "embedding"), encoding="utf-8").read().split("\n")[:-1]
    shown = [t.replace("\x85", " ").replace("\u2028", " ").replace("\x1c", " ") for t in tokens]
    assert labels == ["[PAD]", "[UNK]", *shown]  # one row each, line breaks written as spaces
    weights = model.get_layer("words").embeddings.numpy()
    written = np.fromfile(export_file(tmp_path / "logdir", "default", "embedding", "vectors_bytes"), "<f4")
    np.testing.assert_array_equal(written.reshape(weights.shape), weights)


def test_bert_classifier_reloads(tmp_path):
    """The emotion classifier on a (tiny, random) BERT, saved with the project's save_model."""
    from exporter.sources.sentence_encoder import SentenceEncoder
    from models.bert.model import build_classifier
    from models.saving import save_model
    from tests.unit.exporter.sources.test_sentence_encoder import write_tiny_bert

    encoder = SentenceEncoder.load(str(write_tiny_bert(tmp_path / "bert")))
    save_model(build_classifier(encoder.backbone, 3), str(tmp_path / "classifier.keras"))
    code = (f"import keras_hub, keras; model = keras.saving.load_model({str(tmp_path / 'classifier.keras')!r}); "
            "print(model.get_layer('flatten').output.shape, model.output.shape)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "(None, 32) (None, 3)"
