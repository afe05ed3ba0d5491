"""The Keras models this project trains end to end and exports to the projector."""

#: Full-data layouts every model exports by default (`--layouts`; see docs/layouts.md).
LAYOUTS = ("tsne", "umap")
