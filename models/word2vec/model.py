"""Skip-gram word2vec with negative sampling, as in the TensorFlow word2vec tutorial.

Example:
>>> import numpy as np
>>> targets, contexts, labels = training_examples(np.array([[0, 1, 2, 3]]), 4, num_negative=2)
>>> targets.shape, contexts.shape, labels[0].tolist()
((10,), (10, 3), [1.0, 0.0, 0.0])
>>> build_model(4, dim=8, num_negative=2).get_layer(EMBEDDING_LAYER).input_dim
4
"""

import numpy as np

#: The word vectors (the tutorial's `w2v_embedding`); the other table embeds contexts.
EMBEDDING_LAYER = "embedding"


def training_examples(sentences, num_words, *, window=2, num_negative=4, seed=0):
    """(targets (P,), contexts (P, 1 + num_negative), labels (P, 1 + num_negative)), shuffled.

    Every (target, context) skip-gram pair within `window` words gives one example:
    the true context in column 0 (label 1), then `num_negative` words drawn
    uniformly from the others (label 0). The tutorial's log-uniform sampler assumes
    a Zipfian vocabulary sorted by frequency; these languages use every word
    equally often, so uniform is the same unigram^0.75 rule word2vec uses.
    """
    import tensorflow as tf

    skipgrams = tf.keras.preprocessing.sequence.skipgrams

    pairs = [
        pair
        # skipgrams() skips word id 0 (it reserves it for padding): shift ids by one.
        for sentence in np.asarray(sentences)
        for pair in skipgrams(sentence + 1, num_words + 1, window_size=window, negative_samples=0, shuffle=False)[0]
    ]
    pairs = np.asarray(pairs, dtype=np.int64) - 1
    rng = np.random.default_rng(seed)
    pairs = pairs[rng.permutation(len(pairs))]
    targets, positives = pairs[:, 0], pairs[:, 1]
    negatives = rng.integers(num_words - 1, size=(len(pairs), num_negative))
    negatives += negatives >= positives[:, None]  # never the true context
    contexts = np.concatenate([positives[:, None], negatives], axis=1)
    labels = np.zeros(contexts.shape, np.float32)
    labels[:, 0] = 1
    return targets, contexts, labels


def build_model(num_words, *, dim=16, num_negative=4, learning_rate=0.01):
    """A compiled Keras model: logits of one true and `num_negative` sampled contexts per target."""
    import keras

    target = keras.Input((), dtype="int32", name="target")
    context = keras.Input((num_negative + 1,), dtype="int32", name="context")
    word_vectors = keras.layers.Embedding(num_words, dim, name=EMBEDDING_LAYER)(target)
    context_vectors = keras.layers.Embedding(num_words, dim, name="context_embedding")(context)
    logits = keras.ops.einsum("be,bce->bc", word_vectors, context_vectors)
    model = keras.Model([target, context], logits, name="word2vec")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
