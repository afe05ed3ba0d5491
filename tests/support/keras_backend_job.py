"""Every Keras source of projector-export on the backend in KERAS_BACKEND, in a process of its own.

Run as `python -m tests.support.keras_backend_job LOGDIR OUT` (tests/integration/tensorboard/test_jax_backend.py
does, with KERAS_BACKEND=jax): fits a small model with `ProjectorCallback`, exports a
TextVectorization + Embedding model's rows, saves it as `OUT/text.keras` and runs
`activations` and `checkpoint` on that file; `OUT/expected.npz` holds what the
snapshots must show.
"""

import os
import sys

import keras
import numpy as np

from exporter import ProjectorCallback, export_table
from exporter.cli import main
from exporter.sources.keras_embedding import embedding_table
from tests.integration.tensorboard.test_callback import PROBE, PROBE_LABELS, WORDS, fit, tiny_model
from tests.integration.tensorboard.test_on_disk_formats import WORDS as TEXT_WORDS
from tests.integration.tensorboard.test_on_disk_formats import build_text_model

#: The texts `activations` runs the saved model over.
TEXTS = [" ".join(TEXT_WORDS[i : i + 3]) for i in range(10)]


def run(logdir, out):
    callback = ProjectorCallback(logdir, "fit", embeddings={"embedding": WORDS}, outputs={"hidden": PROBE_LABELS},
                                 probe=PROBE, watch=["bbb"])
    model = fit(callback, epochs=3, model=tiny_model())
    hidden = keras.Model(model.inputs, model.get_layer("hidden").output).predict(PROBE, verbose=0)

    text_model, vectorize_vocabulary, _ = build_text_model()
    export_table(embedding_table(text_model, text_model.get_layer("vectorize")), logdir=logdir, run="text",
                 name="words")
    path = os.path.join(out, "text.keras")
    text_model.save(path)
    with open(os.path.join(out, "texts.csv"), "w", encoding="utf-8") as f:
        f.write("text\n" + "".join(t + "\n" for t in TEXTS))
    assert main(["activations", path, "--layer", "pooled", "--data", os.path.join(out, "texts.csv"),
                 "--text-column", "text", "--batch-size", "4", "--logdir", logdir, "--run", "text",
                 "--name", "texts"]) == 0
    assert main(["checkpoint", path, "--tensor", "words/vars/0", "--logdir", logdir, "--run", "archive",
                 "--name", "words"]) == 0
    np.savez(os.path.join(out, "expected.npz"), backend=keras.backend.backend(),
             embedding=keras.ops.convert_to_numpy(model.get_layer("embedding").embeddings), hidden=hidden,
             words=keras.ops.convert_to_numpy(text_model.get_layer("words").embeddings),
             vocabulary=np.array(vectorize_vocabulary))


if __name__ == "__main__":
    run(*sys.argv[1:])
