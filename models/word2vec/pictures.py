"""A 3-D PCA picture (PNG) of word vectors, one per snapshot.

Example:
>>> import numpy as np, os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "pca.png")
>>> save_pca_picture(np.random.rand(26, 8), [c * 3 for c in "abcdefghijklmnopqrstuvwxyz"], path, title="epoch 0")
>>> open(path, "rb").read(4)
b'\\x89PNG'
"""

import numpy as np

from exporter import pca_coordinates
from exporter.writers.atomic import open_atomic

#: The file each snapshot's folder gets.
FILENAME = "pca.png"


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
        with open_atomic(path) as f:
            figure.savefig(f, format="png")
    finally:
        plt.close(figure)
