"""The TensorFlow word-embeddings tutorial's export loop, verbatim: what users run today.

Tests validate what it writes; `benchmarks.export_speed` times it against ours.

Example:
>>> import numpy as np, os, tempfile
>>> folder = tempfile.mkdtemp()
>>> write_tutorial_files(folder, ["", "cat"], np.ones((2, 3), np.float32))
>>> open(os.path.join(folder, "metadata.tsv")).read()
'\\ncat\\n'
"""

import io
import os


def write_tutorial_files(folder, vocab, weights):
    """The TensorFlow word-embeddings tutorial's loop, verbatim."""
    out_v = io.open(os.path.join(folder, "vectors.tsv"), "w", encoding="utf-8")
    out_m = io.open(os.path.join(folder, "metadata.tsv"), "w", encoding="utf-8")
    for index, word in enumerate(vocab):
        vec = weights[index]
        out_v.write("\t".join([str(x) for x in vec]) + "\n")
        out_m.write(word + "\n")
    out_v.close()
    out_m.close()
