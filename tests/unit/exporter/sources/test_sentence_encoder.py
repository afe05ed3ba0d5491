"""The sentence encoder on a tiny random BERT in Hugging Face layout, and one check on the real MiniLM."""

import json
import string
import warnings

import numpy as np
import pytest

from exporter.errors import ExportError, ExportWarning

WORDS = "a the dog puppy happy joyful tax law in france i love it hate so sad joy naive cafe king queen man woman"


def write_tiny_bert(folder, *, hidden=32, layers=2, heads=2, seed=0):
    """A random BERT saved as Hugging Face saves one: config.json, model.safetensors, vocab.txt."""
    from safetensors.numpy import save_file

    vocabulary = list(dict.fromkeys([
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *string.punctuation, *WORDS.split(), *string.ascii_lowercase,
        *string.digits, *(f"##{c}" for c in string.ascii_lowercase + string.digits),
    ]))
    config = {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(vocabulary),
              "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
              "intermediate_size": 2 * hidden, "max_position_embeddings": 64, "type_vocab_size": 2}
    rng = np.random.default_rng(seed)

    def normal(*shape):
        return rng.normal(0, 0.2, shape).astype(np.float32)

    weights = {"embeddings.word_embeddings.weight": normal(len(vocabulary), hidden),
               "embeddings.position_embeddings.weight": normal(64, hidden),
               "embeddings.token_type_embeddings.weight": normal(2, hidden),
               "pooler.dense.weight": normal(hidden, hidden), "pooler.dense.bias": normal(hidden)}
    norms = ["embeddings.LayerNorm"]
    for i in range(layers):
        block = f"encoder.layer.{i}"
        for dense, shape in ((f"{block}.attention.self.query", (hidden, hidden)),
                             (f"{block}.attention.self.key", (hidden, hidden)),
                             (f"{block}.attention.self.value", (hidden, hidden)),
                             (f"{block}.attention.output.dense", (hidden, hidden)),
                             (f"{block}.intermediate.dense", (2 * hidden, hidden)),
                             (f"{block}.output.dense", (hidden, 2 * hidden))):
            weights[f"{dense}.weight"], weights[f"{dense}.bias"] = normal(*shape), normal(shape[0])
        norms += [f"{block}.attention.output.LayerNorm", f"{block}.output.LayerNorm"]
    for norm in norms:
        weights[f"{norm}.weight"], weights[f"{norm}.bias"] = np.ones(hidden, np.float32), np.zeros(hidden, np.float32)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(weights, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "vocab.txt").write_text("\n".join(vocabulary) + "\n")
    return folder


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory):
    return write_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="module")
def encoder(tiny_bert):
    from exporter.sources.sentence_encoder import SentenceEncoder

    return SentenceEncoder.load(str(tiny_bert))


def test_embeddings_are_unit_rows_and_do_not_depend_on_the_batch(encoder):
    alone = encoder.embed(["a happy dog"], progress=False)
    with_long = encoder.embed(["a happy dog", "i love it so " * 8], batch_size=2, progress=False)
    assert alone.shape == (1, 32) and alone.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(with_long, axis=1), 1, atol=1e-5)
    # Padding up to the long text must not leak into the mean.
    np.testing.assert_allclose(with_long[0], alone[0], atol=1e-5)
    assert not np.allclose(with_long[0], with_long[1], atol=1e-3)


def test_tokenizer_lowercases_and_strips_accents_like_uncased_bert(encoder):
    accented, _ = encoder.pack(["Naïve CAFÉ"])
    plain, _ = encoder.pack(["naive cafe"])
    np.testing.assert_array_equal(accented["token_ids"], plain["token_ids"])
    assert encoder.tokenizer.token_to_id("[UNK]") not in accented["token_ids"]


def test_empty_texts_are_refused_with_their_rows(encoder):
    with pytest.raises(ExportError, match=r"2 texts are empty \(rows 1, 3\)"):
        encoder.embed(["a dog", "", "a cat", "   "], progress=False)


def test_too_long_texts_are_truncated_and_said_once(encoder):
    texts = ["a dog"] + ["i love it so " * 30] * 5
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vectors, lengths = encoder.apply(encoder.pooler, texts, batch_size=2, progress=False)
    said = [w for w in caught if issubclass(w.category, ExportWarning)]
    assert len(said) == 1 and "5 of 6 texts" in str(said[0].message)
    assert lengths[0] == 4 and (lengths[1:] > encoder.max_length).all()
    assert np.isfinite(vectors[0]).all()


def test_a_bert_folder_without_vocabulary_is_one_clear_error(tiny_bert, tmp_path):
    from exporter.sources.sentence_encoder import SentenceEncoder

    broken = tmp_path / "no-vocab"
    broken.mkdir()
    for name in ("config.json", "model.safetensors"):
        (broken / name).write_bytes((tiny_bert / name).read_bytes())
    with pytest.raises(ExportError, match="has no vocab.txt"):
        SentenceEncoder.load(str(broken))


def test_real_minilm_puts_paraphrases_closer_than_unrelated_text():
    from exporter.sources.sentence_encoder import SentenceEncoder

    dog, puppy, tax = SentenceEncoder.load().embed(["a happy dog", "a joyful puppy", "tax law in france"],
                                                    progress=False)
    assert dog @ puppy > dog @ tax
    assert dog @ puppy > 0.5  # 0.77 with the original sentence-transformers model


def test_a_keras_hub_preset_folder_loads_to_the_same_encoder(encoder, tmp_path):
    from exporter.sources.sentence_encoder import SentenceEncoder

    encoder.backbone.save_to_preset(str(tmp_path))
    encoder.tokenizer.save_to_preset(str(tmp_path))
    again = SentenceEncoder.load(str(tmp_path), max_length=encoder.max_length)
    texts = ["Naïve café", "a happy dog"]
    np.testing.assert_allclose(again.embed(texts, progress=False), encoder.embed(texts, progress=False), atol=1e-5)


def test_word_pieces_normalise_text_as_hugging_face_bert_does(encoder):
    """No NFKC ("…" is one character, not "..."), format and control characters dropped (a soft hyphen joins)."""
    def pieces(text):
        ids, _, _ = encoder.word_pieces([text])
        return [encoder.tokenizer.id_to_token(int(i)) for i in ids]

    assert pieces("so sad…") == ["so", "sad", "[UNK]"]  # the tiny vocabulary has no "…"; keras-hub made it "..."
    assert pieces("dog\u00adpuppy") == pieces("dogpuppy") != pieces("dog puppy")
    assert pieces("happy\x00\u200d dog\tking\nqueen") == pieces("happy dog king queen")
    assert pieces("Naïve CAFÉ") == pieces("naive cafe")


@pytest.mark.parametrize("make, expected", [
    (lambda tmp: tmp / "no" / "bert", "no such folder"),  # a mistyped --bert
    (lambda tmp: (tmp / "metadata.json").write_text("{}") and tmp, "cannot load a BERT from it"),  # a broken preset
])
def test_a_bert_that_cannot_be_loaded_is_one_line(tmp_path, make, expected):
    from exporter.sources.sentence_encoder import SentenceEncoder

    path = str(make(tmp_path))
    with pytest.raises(ExportError) as error:
        SentenceEncoder.load(path)
    assert str(error.value).startswith(f"{path}: {expected}") and "\n" not in str(error.value)
    assert str(error.value).endswith("give a Hugging Face BERT folder (config.json, vocab.txt) or a keras-hub preset")
