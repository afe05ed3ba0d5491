"""fastText's binary model (`model.bin`): recognised by its magic number, and refused with the way forward.

The file holds the training arguments, the dictionary, subword buckets and the output
matrix (fastText's `FastText::saveModel`), not a table of word vectors; read as word2vec
it fails on its second "line". gensim reads it, but is not one of our dependencies, and
fastText writes the word vectors as `model.vec` beside it anyway.

Example:
>>> import os, struct, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "toy-model.bin")
>>> _ = open(path, "wb").write(struct.pack("<ii", MAGIC, 12) + bytes(100))
>>> is_fasttext_binary(path)
True
"""

import struct

from exporter.errors import ExportError

#: FASTTEXT_FILEFORMAT_MAGIC_INT32 of fastText's fasttext.cc, written first, little-endian.
MAGIC = 793712314


def is_fasttext_binary(path):
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return len(head) == 4 and struct.unpack("<i", head)[0] == MAGIC


def refuse_fasttext_binary(path):
    """An `ExportError` saying what to do if `path` is a fastText binary model."""
    if is_fasttext_binary(path):
        stem = path[:-4] if path.endswith(".bin") else path
        raise ExportError(
            f"{path}: a fastText binary model (its dictionary, subword buckets and training state, not a table of "
            f"word vectors): pass the {stem}.vec fastText wrote beside it (`fasttext skipgram ... -output "
            f"{stem}` writes both), or convert it where gensim is installed: python -c \"from gensim.models."
            f"fasttext import load_facebook_vectors as load; load('{path}').save_word2vec_format('{stem}.vec')\""
        )
