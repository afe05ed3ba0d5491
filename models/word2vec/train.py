"""Train word2vec on one artificial language, exporting a projector snapshot (and a PCA picture) per epoch.

Example (the model `train` fits, before training; tests/integration/training/test_word2vec.py trains it):
>>> word_vectors(build_model(26, dim=16)).shape
(26, 16)
"""

from models import LAYOUTS
from models.word2vec import data
from models.word2vec.export import snapshot_callback
from models.word2vec.model import EMBEDDING_LAYER, build_model, training_examples


def train(
    language,
    *,
    logdir=None,
    run=None,
    epochs=10,
    num_sentences=5000,
    sentence_length=7,
    width=2,
    num_words=26,
    dim=16,
    window=2,
    num_negative=4,
    batch_size=256,
    every=1,
    keep=None,
    watch="bbb",
    seed=0,
    verbose=1,
    layouts=LAYOUTS,
    on_snapshot=None,
):
    """Returns the trained Keras model; with `logdir`, snapshots go to run `run` (default `word2vec-<language>`).

    `watch`, `every`, `keep`, `layouts`, `on_snapshot`: see `export.snapshot_callback`.
    """
    import keras

    keras.utils.set_random_seed(seed)
    words = data.vocabulary(num_words)
    sentences = data.generate(
        language, num_sentences=num_sentences, sentence_length=sentence_length, width=width,
        num_words=num_words, seed=seed,
    )
    targets, contexts, labels = training_examples(
        sentences, num_words, window=window, num_negative=num_negative, seed=seed
    )
    model = build_model(num_words, dim=dim, num_negative=num_negative)
    callbacks = []
    if logdir is not None:
        run = run or f"word2vec-{language}"
        callbacks.append(snapshot_callback(logdir, run, words, watch=watch, every=every, keep=keep,
                                           layouts=layouts, on_snapshot=on_snapshot))
    model.fit((targets, contexts), labels, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks)
    return model


def word_vectors(model):
    """The (num_words, dim) word vectors: row i is word i of `data.vocabulary()`."""
    return model.get_layer(EMBEDDING_LAYER).embeddings.numpy()

