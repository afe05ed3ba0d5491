"""The read side of exports: which files an export has, where, and reading one back.

A run folder `R` written by projector-export holds:

- `R/projector_config.pbtxt`: TensorBoard's config, one entry per export. Renaming
  it into place is the commit point of every export, re-export and removal.
- `R/projector_config.json`: the standalone projector's config (same exports).
- `R/projector-export/<name>/v<N>/`: version N of export `<name>`, complete before
  any config names it: `vectors.bytes` (raw little-endian float32, TensorBoard's
  binary `tensor_path`), `metadata.tsv`, `bookmarks.json`, `vectors.tsv`.
  Names live one level down, so no name can collide with a run-level file.
- `R/checkpoint` and `R/projector-export.marker-<N>.*`: a constant scalar
  checkpoint whose name changes at every commit: a TensorBoard with TensorFlow
  reloads a run's config only when its latest checkpoint changes.
- `R/events.out.tfevents.*`: makes TensorBoard list `R` as a run.

Exports of the older format (tensors in `R/embeddings.ckpt-<N>`, files in `R/<name>/`)
are read too (that needs TensorFlow); the next export into such a run converts them.

Example:
>>> import numpy as np, tempfile, exporter
>>> logdir = tempfile.mkdtemp()
>>> _ = exporter.export_embeddings(np.eye(3, 4), ["cat", "dog", "cow"], logdir=logdir, run="demo", name="animals")
>>> [(e.name, e.shape) for e in list_exports(logdir, "demo")]
[('animals', (3, 4))]
>>> table = read_export(logdir, "demo", "animals")
>>> table.metadata["label"].tolist(), table.vectors[1].tolist()
(['cat', 'dog', 'cow'], [0.0, 1.0, 0.0, 0.0])
"""

import dataclasses
import json
import os
import re

import numpy as np
from google.protobuf import text_format
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

from exporter.errors import ExportError
from exporter.inside_folder import resolve_inside
from exporter.tensor_bundle import STATE_FILE

TENSORBOARD_CONFIG = "projector_config.pbtxt"
STANDALONE_CONFIG = "projector_config.json"
#: The folder of a run that holds every export's versions.
EXPORTS_FOLDER = "projector-export"
VECTORS_BYTES = "vectors.bytes"
VECTORS_TSV = "vectors.tsv"
METADATA_TSV = "metadata.tsv"
BOOKMARKS_JSON = "bookmarks.json"
#: Full-data layouts (exporter/layouts): their figures, and a picture per method.
LAYOUTS_JSON = "layouts.json"
#: The prefixes of this tool's checkpoints in TensorFlow's checkpoint state file (`tensor_bundle.STATE_FILE`).
MARKER_PREFIX = "projector-export.marker"
LEGACY_PREFIX = "embeddings.ckpt"
LOCK_FILE = ".projector-export.lock"
#: A layout's picture: `layout-<key>.png`, key "tsne", "tsne-perplexity-5", ... (`LayoutSpec.key`).
PICTURE = re.compile(r"layout-([a-z0-9][a-z0-9.+-]*)\.png")


def picture_name(key):
    """The file name of the picture of the layout whose `LayoutSpec.key` is `key`."""
    return f"layout-{key}.png"


class _FileNames(dict):
    """{key in `Export.files`: file name in a version folder}; "picture_<key>" names `picture_name(key)`."""

    def __missing__(self, key):
        if key.startswith("picture_") and PICTURE.fullmatch(picture_name(key[len("picture_"):])):
            return picture_name(key[len("picture_"):])
        raise KeyError(key)


FILE_NAMES = _FileNames(vectors_bytes=VECTORS_BYTES, vectors_tsv=VECTORS_TSV, metadata=METADATA_TSV,
                        bookmarks=BOOKMARKS_JSON, layouts=LAYOUTS_JSON)
#: Names an export may not take: files the run itself holds (and folders TensorBoard reads).
RESERVED_NAMES = (TENSORBOARD_CONFIG, STANDALONE_CONFIG, STATE_FILE, EXPORTS_FOLDER, "plugins")

# Bytes in one file or folder name on Linux, macOS and Windows file systems; staging adds a few.
_NAME_MAX = 200
# Characters the projector frontend puts into request URLs unencoded without harm.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_VERSION = re.compile(r"v(\d+)")


@dataclasses.dataclass(frozen=True)
class Export:
    """One export as TensorBoard's config names it: what an export returns and what `list_exports` reads back.

    Attributes:
      run_dir: the run folder. name: the tensor name. shape: (N, D).
      version: N of its folder `projector-export/<name>/v<N>` (None: older format).
      files: {key of `FILE_NAMES` ("vectors_bytes", "metadata", "bookmarks", ...): absolute path}
        of the files it has.
      dropped_rows: rows the export left out as non-finite (0 when read back).
    """

    run_dir: str
    name: str
    shape: tuple
    version: int | None
    files: dict
    dropped_rows: int = 0

    @property
    def tensorboard_config(self):
        """The run's `projector_config.pbtxt`, which names this export."""
        return os.path.join(self.run_dir, TENSORBOARD_CONFIG)

    @property
    def folder(self):
        """The version folder (the `R/<name>` folder for the older format)."""
        if self.version is None:
            return os.path.join(self.run_dir, self.name)
        return version_folder(self.run_dir, self.name, self.version)


def version_folder(run_dir, name, version):
    """`R/projector-export/<name>/v<version>`."""
    return os.path.join(run_dir, EXPORTS_FOLDER, name, f"v{version}")


def parse_version_path(relative):
    """(name, version) of a config path `projector-export/<name>/v<N>/<file>` (a URL prefix may precede it), else None."""
    parts = relative.replace("\\", "/").split("/")
    for i in range(len(parts) - 3):
        if parts[i] == EXPORTS_FOLDER and (match := _VERSION.fullmatch(parts[i + 2])):
            return parts[i + 1], int(match.group(1))
    return None


def read_tensorboard_config(run_dir):
    """The run's `ProjectorConfig` (empty when there is none)."""
    config = ProjectorConfig()
    path = os.path.join(run_dir, TENSORBOARD_CONFIG)
    if os.path.isfile(path):
        try:
            with open(path, encoding="utf-8") as f:
                text_format.Parse(f.read(), config)
        except (UnicodeDecodeError, text_format.ParseError) as error:
            raise ExportError(f"{path} does not parse ({str(error).splitlines()[0]}), and TensorBoard fails on it "
                              "too: repair or remove it (`projector-export validate` says where)") from None
    return config


def read_standalone_config(run_dir):
    """The run's standalone `projector_config.json` as a dict (no entries when there is none)."""
    path = os.path.join(run_dir, STANDALONE_CONFIG)
    if not os.path.isfile(path):
        return {"embeddings": []}
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
        if isinstance(config.get("embeddings"), list):
            return config
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        pass
    raise ExportError(f"{path} is not a projector config ({{\"embeddings\": [...]}}): repair or remove it")


def list_exports(logdir, run):
    """Every export of `logdir/run` in config order, as `Export`s (no file is read but the config)."""
    run_dir = resolve_run_dir(logdir, run)
    return [_describe(run_dir, entry) for entry in read_tensorboard_config(run_dir).embeddings if entry.tensor_name]


def find_export(logdir, run, name):
    """The `Export` named `name` in `logdir/run`; an `ExportError` listing the others when there is none."""
    exports = list_exports(logdir, run)
    for export in exports:
        if export.name == name:
            return export
    names = ", ".join(e.name for e in exports) or "none"
    raise ExportError(f"{resolve_run_dir(logdir, run)} has no tensor {name!r}: its tensors are {names}")


def read_vectors(export):
    """The float32 (N, D) matrix of an `Export` (memory-mapped for the current format)."""
    path = export.files.get("vectors_bytes")
    if path is not None:
        _check_inside(export, path)
        expected = export.shape[0] * export.shape[1] * 4
        if os.path.getsize(path) != expected:
            raise ExportError(f"{path}: {os.path.getsize(path)} bytes where shape {list(export.shape)} needs "
                              f"{expected}: re-export {export.name!r}")
        return np.memmap(path, "<f4", mode="r", shape=export.shape)
    return _read_legacy_tensor(export.run_dir, export.name)


def read_metadata(export):
    """The metadata `DataFrame` of an `Export` (the projector's header rule), or None."""
    from exporter.sources.files import read_metadata as read_metadata_file

    path = export.files.get("metadata")
    return None if path is None else read_metadata_file(_check_inside(export, path))


def _check_inside(export, path):
    """`path`, unless its real location is outside the run folder (a symlinked version folder or file)."""
    if resolve_inside(export.run_dir, path) is None:
        raise ExportError(f"{path} resolves outside {export.run_dir} (a symlink out), and projector-export reads "
                          f"nothing outside the logdir: replace the symlink with the files, or re-export {export.name!r}")
    return path


def read_export(logdir, run, name):
    """Export `name` of `logdir/run` read back as an `EmbeddingTable` (vectors bit-exact, labels as shown)."""
    from exporter.table import EmbeddingTable

    export = find_export(logdir, run, name)
    return EmbeddingTable(np.array(read_vectors(export)), read_metadata(export))


def resolve_run_dir(logdir, run):
    """`logdir/run`, refusing run names that would leave the logdir."""
    if not isinstance(logdir, (str, os.PathLike)) or not isinstance(run, (str, os.PathLike)):
        what, value = ("logdir", logdir) if not isinstance(logdir, (str, os.PathLike)) else ("run", run)
        raise ExportError(f"{what} is {value!r}, not a folder name: pass a string such as "
                          f"{'logdir' if what == 'logdir' else 'default'!r}")
    run = os.fspath(run)
    parts = [p for p in str(run).replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or not _SAFE_NAME.fullmatch(p) for p in parts):
        raise ExportError(
            f"run {run!r} must be a relative folder name inside the logdir (letters, digits, '_', '.', '-', '/')"
        )
    for part in parts:
        _check_length("run name part", part)
    root = os.path.realpath(logdir)
    run_dir = os.path.realpath(os.path.join(root, *parts))
    if os.path.commonpath([root, run_dir]) != root:
        raise ExportError(f"run {run!r} resolves outside {logdir} (a symlink?): pick another run name")
    return run_dir


def safe_tensor_name(name):
    """`name` if the projector's URLs can carry it and no run-level file has it, else an `ExportError`."""
    name = str(name)
    _check_length("tensor name", name)
    suggestion = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "embedding"
    if not _SAFE_NAME.fullmatch(name):
        raise ExportError(
            f"tensor name {name!r} would break the projector's URLs or leave the run folder: "
            f"use letters, digits, '_', '.', '-' (for example {suggestion!r})"
        )
    if name in RESERVED_NAMES or "tfevents" in name or name.startswith((MARKER_PREFIX, LEGACY_PREFIX)):
        raise ExportError(
            f"tensor name {name!r} is the name of a file TensorBoard reads in the run folder "
            "(configs, checkpoints, event files): pick another name, e.g. 'embedding'"
        )
    return name


def _check_length(what, name):
    """Folder names longer than the file system's limit (255 bytes nearly everywhere) fail with ENAMETOOLONG."""
    size = len(os.fsencode(name))
    if size > _NAME_MAX:
        raise ExportError(f"{what} {name[:40]!r}... is {size} bytes, at most {_NAME_MAX} fit in a folder name: "
                          "use a shorter name")


def _describe(run_dir, entry):
    shape = tuple(entry.tensor_shape)
    located = parse_version_path(entry.tensor_path) if entry.tensor_path else None
    if located is None:  # the older format: tensor in the run's checkpoint, files in R/<name>/
        files = {}
        for key, relative in (("metadata", entry.metadata_path), ("bookmarks", entry.bookmarks_path)):
            if relative:
                files[key] = os.path.join(run_dir, relative)
        tsv = os.path.join(run_dir, entry.tensor_name, VECTORS_TSV)
        if os.path.isfile(tsv):
            files["vectors_tsv"] = tsv
        return Export(run_dir, entry.tensor_name, shape, None, files)
    name, version = located
    folder = version_folder(run_dir, name, version)
    files = {key: os.path.join(folder, filename) for key, filename in FILE_NAMES.items()
             if os.path.isfile(os.path.join(folder, filename))}
    if os.path.isdir(folder):
        files.update((f"picture_{match.group(1)}", os.path.join(folder, match.group(0)))
                     for match in map(PICTURE.fullmatch, sorted(os.listdir(folder))) if match)
    return Export(run_dir, entry.tensor_name, shape, version, files)


def legacy_checkpoint(run_dir):
    """The prefix of the older format's checkpoint of `run_dir`, or None."""
    state = os.path.join(run_dir, STATE_FILE)
    if not os.path.isfile(state):
        return None
    with open(state, encoding="utf-8") as f:
        match = re.search(rf'^model_checkpoint_path: "({re.escape(LEGACY_PREFIX)}-\d+)"$', f.read(), re.M)
    return os.path.join(run_dir, match.group(1)) if match else None


def _read_legacy_tensor(run_dir, name):
    prefix = legacy_checkpoint(run_dir)
    if prefix is None:
        raise ExportError(f"{run_dir}: export {name!r} has no tensor file and the run no checkpoint: re-export it")
    try:
        import tensorflow as tf  # only exports of the older format need it
    except ImportError:
        raise ExportError(f"{prefix}: export {name!r} has the older format (a TensorFlow checkpoint), which only "
                          "TensorFlow reads: install tensorflow once, and the next export into the run converts "
                          "it, or re-export it") from None

    reader = tf.train.load_checkpoint(prefix)
    if not reader.has_tensor(name):
        raise ExportError(f"{prefix} holds no tensor {name!r}: re-export it")
    return np.asarray(reader.get_tensor(name), np.float32)
