"""The standalone projector's `projector_config.json` and raw float32 `vectors.bytes`.

Serve the run folder over HTTP (with CORS) and open
`https://projector.tensorflow.org/?config=<url of projector_config.json>`; paths in
the JSON are made absolute with `base_url` when given, relative otherwise.
"""

import json
import os

import numpy as np

from exporter.run.folder import STANDALONE_CONFIG
from exporter.writers.atomic import open_atomic, write_atomic


def write_vectors_bytes(path, matrix):
    """Little-endian float32, row-major: what `tensorPath: *.bytes` expects (and TensorBoard's binary tensor_path)."""
    with open_atomic(path) as f:
        f.write(np.ascontiguousarray(matrix, dtype="<f4").data)


def put_embedding(config, name, *, shape, files, url_prefix=""):
    """Replaces (or adds) the standalone entry for `name` in place.

    `files`: {"vectors_bytes" | "metadata" | "bookmarks": path relative to the run
    folder}; `url_prefix`: prepended to each (the base URL, ending in "/", or "").
    """
    entry = {"tensorName": name, "tensorShape": list(shape), "tensorPath": url_prefix + files["vectors_bytes"]}
    if "metadata" in files:
        entry["metadataPath"] = url_prefix + files["metadata"]
    if "bookmarks" in files:
        entry["bookmarksPath"] = url_prefix + files["bookmarks"]
    entries = config["embeddings"]
    index = next((i for i, e in enumerate(entries) if e.get("tensorName") == name), None)
    if index is None:
        entries.append(entry)
    else:
        entries[index] = entry
    return config


def remove_embedding(config, name):
    config["embeddings"] = [e for e in config["embeddings"] if e.get("tensorName") != name]
    return config


def write_config(run_dir, config):
    write_atomic(os.path.join(run_dir, STANDALONE_CONFIG), json.dumps(config, indent=2, ensure_ascii=False) + "\n")
