"""word2vec (skip-gram, negative sampling) on artificial languages whose right embedding is known."""
