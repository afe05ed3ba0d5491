"""The standalone projector's `projector_config.json` and raw float32 `vectors.bytes`.

Serve the run folder over HTTP (with CORS) and open
`https://projector.tensorflow.org/?config=<url of projector_config.json>`; paths in
the JSON are made absolute with `base_url` when given, relative otherwise.
"""

import json
import os

import numpy as np

from exporter.writers.atomic import open_atomic, write_atomic

FILENAME = "projector_config.json"
VECTORS_FILE = "vectors.bytes"


def write_vectors_bytes(path, matrix):
    """Little-endian float32, row-major: what `tensorPath: *.bytes` expects."""
    with open_atomic(path) as f:
        f.write(np.ascontiguousarray(matrix, dtype="<f4").tobytes())


def read_config(run_dir):
    path = os.path.join(run_dir, FILENAME)
    if not os.path.exists(path):
        return {"embeddings": []}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def put_embedding(config, name, *, shape, folder, metadata=True, bookmarks=False, base_url=""):
    """Replaces (or adds) the standalone entry for `name`, its files under `folder/`."""
    prefix = base_url.rstrip("/") + "/" if base_url else ""
    entry = {
        "tensorName": name,
        "tensorShape": list(shape),
        "tensorPath": f"{prefix}{folder}/{VECTORS_FILE}",
    }
    if metadata:
        entry["metadataPath"] = f"{prefix}{folder}/metadata.tsv"
    if bookmarks:
        entry["bookmarksPath"] = f"{prefix}{folder}/bookmarks.json"
    config["embeddings"] = [e for e in config["embeddings"] if e.get("tensorName") != name] + [entry]
    return config


def remove_embedding(config, name):
    config["embeddings"] = [e for e in config["embeddings"] if e.get("tensorName") != name]
    return config


def write_config(run_dir, config):
    write_atomic(os.path.join(run_dir, FILENAME), json.dumps(config, indent=2, ensure_ascii=False) + "\n")
