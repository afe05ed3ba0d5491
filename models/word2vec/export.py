"""A projector snapshot of the word vectors per epoch, each with a 3-D PCA picture (PNG) in its folder.

Example:
>>> import numpy as np, os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "pca.png")
>>> save_pca_picture(np.random.rand(26, 8), [c * 3 for c in "abcdefghijklmnopqrstuvwxyz"], path, title="epoch 0")
>>> open(path, "rb").read(4)
b'\\x89PNG'
"""

import io
import os

import numpy as np

from exporter import pca_coordinates, write_atomic
from models.word2vec.model import EMBEDDING_LAYER

#: The file each snapshot's folder gets.
PICTURE = "pca.png"


def snapshot_callback(logdir, run, words, *, watch="bbb", every=1, keep=None, layouts=(), on_snapshot=None):
    """A `ProjectorCallback` exporting layer `embedding` as tensors `embedding.epoch-NNN` of `logdir/run`.

    `watch` is a word whose cosine similarity to every other word is logged at
    each snapshot (TensorBoard Scalars `embedding/sim(bbb, ...)`, Text: its
    nearest neighbours); None logs none. `layouts` ("tsne", "umap"): full-data layouts of each
    snapshot, each started from the previous snapshot's, so words move smoothly between epochs.
    `on_snapshot(export)` is called after each snapshot is written.
    """
    from exporter import ProjectorCallback

    def draw(result, table, epoch):
        # Beside the export's own files: the picture goes when the snapshot does (keep=).
        path = os.path.join(os.path.dirname(result.files["vectors_bytes"]), PICTURE)
        save_pca_picture(table.vectors, words, path, title=f"{run}, epoch {epoch}")
        if on_snapshot is not None:
            on_snapshot(result)

    return ProjectorCallback(
        logdir, run, embeddings={EMBEDDING_LAYER: words},
        watch={watch: [w for w in words if w != watch]} if watch else (),
        every=every, keep=keep, on_snapshot=draw, normalize=True, layouts=layouts,
    )


def save_pca_picture(vectors, labels, path, *, title=""):
    """Draws the top 3 principal components of `vectors`, each point labelled, to `path` (atomically)."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    from matplotlib import pyplot as plt

    coords = pca_coordinates(vectors, dims=3)
    coords = np.pad(coords, ((0, 0), (0, 3 - coords.shape[1])))  # fewer than 3 dims: flat
    figure = plt.figure(figsize=(6, 6), dpi=80)
    try:
        axes = figure.add_subplot(projection="3d")
        axes.scatter(*coords.T, c=np.arange(len(coords)), cmap="viridis", depthshade=False)
        for (x, y, z), label in zip(coords, labels):
            axes.text(x, y, z, str(label), fontsize=8)
        axes.set_title(title)
        axes.set_xlabel("PC 1")
        axes.set_ylabel("PC 2")
        axes.set_zlabel("PC 3")
        png = io.BytesIO()
        figure.savefig(png, format="png")
        write_atomic(path, png.getvalue())
    finally:
        plt.close(figure)
