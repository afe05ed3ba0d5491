"""The TensorFlow "Word embeddings" tutorial model on IMDb, trained and exported as word vectors."""
