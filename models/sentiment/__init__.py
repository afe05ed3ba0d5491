"""The TensorFlow "Word embeddings" tutorial model on IMDb, trained and exported as word vectors."""

#: The run this model trains and exports into unless told otherwise.
RUN = "sentiment"
