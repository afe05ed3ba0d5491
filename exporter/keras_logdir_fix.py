"""Repairs what Keras 3's `TensorBoard(embeddings_freq=...)` callback wrote, so the projector shows it.

The callback saves `train/keras_embedding.ckpt-<epoch>.weights.h5` snapshots, which the
projector cannot read, and a `projector_config.pbtxt` naming a checkpoint key that does
not exist (keras-team/keras#20210). `fix_keras_logdir` exports the latest snapshot's
Embedding layers into the `train` run with the metadata the callback was given, then drops
the broken entries; runs of projector-export's older checkpoint format are converted too.
`projector-export fix` calls it.

Example:
>>> import tempfile
>>> fix_keras_logdir(tempfile.mkdtemp())
KerasLogdirFix(configs=(), upgraded={})
"""

import dataclasses
import glob
import os
import re

from exporter.errors import ExportError
from exporter.export import export_table, upgrade_run
from exporter.export_options import ExportOptions
from exporter.run.commit import remove_entries

__all__ = ["FixedConfig", "KerasLogdirFix", "fix_keras_logdir"]

KERAS_TENSOR_NAME = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
SNAPSHOTS = "keras_embedding.ckpt-*.weights.h5"
_EMBEDDING_LAYER = re.compile(r"^embedding(?:_(\d+))?$")


@dataclasses.dataclass(frozen=True)
class FixedConfig:
    """One callback config repaired: its folder, the snapshot read, an `Export` per Embedding layer,
    and the config file the broken entries were removed from."""

    folder: str
    snapshot: str
    exports: tuple
    config: str


@dataclasses.dataclass(frozen=True)
class KerasLogdirFix:
    """What `fix_keras_logdir` did: the configs repaired, and {run: names converted} of older-format runs."""

    configs: tuple
    upgraded: dict


def fix_keras_logdir(logdir, *, vocab_trim=False, vocab_pad=False, unicode_errors="strict", drop_nonfinite=False,
                     options=None):
    """Exports the Embedding layers the Keras callback saved under `logdir` and drops its broken config entries.

    Everything is read before anything is written: a snapshot or metadata file that
    cannot be read is an `ExportError` and changes nothing.

    Args:
      logdir: the `log_dir` given to `keras.callbacks.TensorBoard`.
      vocab_trim, vocab_pad: with more rows than metadata lines (Embedding(max_tokens) above the
        words seen), export only the labelled rows, or label the others "[row N]".
      unicode_errors, drop_nonfinite: see `export_embeddings`.
      options: the `ExportOptions` of the exports.

    Returns:
      A `KerasLogdirFix` (empty when there was nothing to fix).
    """
    options = options or ExportOptions()
    plans = [(folder, *_plan(folder, vocab_trim=vocab_trim, vocab_pad=vocab_pad, unicode_errors=unicode_errors,
                             drop_nonfinite=drop_nonfinite)) for folder in _broken_config_folders(logdir)]
    older = _older_format_runs(logdir)
    if not plans and not older and not os.path.isdir(logdir):
        raise ExportError(f"{logdir}: no such folder")
    configs = []
    for folder, snapshot, tables, run_dir in plans:
        run = os.path.relpath(run_dir, logdir)
        exports = tuple(export_table(table, options, logdir=logdir, run=run, name=name) for name, table in tables)
        configs.append(FixedConfig(folder, snapshot, exports, remove_entries(folder, KERAS_TENSOR_NAME)))
    return KerasLogdirFix(tuple(configs), {run: upgrade_run(logdir, run) for run in older})


def _older_format_runs(logdir):
    """Runs (relative to `logdir`) whose exports are in projector-export's older checkpoint format."""
    from exporter.run.folder import legacy_checkpoint

    return [os.path.relpath(folder, logdir) for folder, _, _ in os.walk(logdir) if legacy_checkpoint(folder)]


def _broken_config_folders(logdir):
    from exporter.run.folder import TENSORBOARD_CONFIG, read_tensorboard_config

    for folder, _, files in os.walk(logdir):
        if TENSORBOARD_CONFIG in files:
            config = read_tensorboard_config(folder)
            if any(e.tensor_name == KERAS_TENSOR_NAME for e in config.embeddings):
                yield folder


def _plan(folder, *, vocab_trim, vocab_pad, unicode_errors, drop_nonfinite):
    """Reads everything first: (the snapshot read, [(tensor name, EmbeddingTable)], the run folder)."""
    from exporter.sources import keras_archive
    from exporter.sources.files import read_metadata
    from exporter.run.folder import read_tensorboard_config
    from exporter.sources.vocabulary import Vocabulary, labels_for_rows
    from exporter.table import EmbeddingTable

    run_dir = os.path.join(folder, "train")
    snapshots = glob.glob(os.path.join(glob.escape(run_dir), SNAPSHOTS))
    if not snapshots:
        raise ExportError(f"{folder}: its projector config is the Keras callback's, but {run_dir} holds no {SNAPSHOTS}")
    latest = max(snapshots, key=lambda path: int(re.search(r"ckpt-(\d+)\.weights", path).group(1)))
    latest = _inside(folder, os.path.relpath(latest, folder), "the latest snapshot")
    layers = sorted(
        (t for t in keras_archive.list_tensors(latest) if t.exportable and _EMBEDDING_LAYER.match(t.layer or "")),
        key=lambda t: int(_EMBEDDING_LAYER.match(t.layer).group(1) or 0),
    )
    entries = [e for e in read_tensorboard_config(folder).embeddings if e.tensor_name == KERAS_TENSOR_NAME]
    if len(layers) < len(entries):
        raise ExportError(f"{latest}: {len(entries)} embeddings configured but {len(layers)} Embedding layers saved")
    tables = []
    for entry, tensor in zip(entries, layers):
        vectors, metadata = keras_archive.read_tensor(latest, tensor), None
        if entry.metadata_path:
            path = _inside(folder, entry.metadata_path, "metadata_path")
            # The callback's usual case: Embedding(max_tokens) above the words the vectorizer saw.
            metadata = labels_for_rows(Vocabulary(path, read_metadata(path, unicode_errors)), rows=len(vectors),
                                       tensor=tensor.name, trim=vocab_trim, pad=vocab_pad,
                                       unlabelled=None, subject=f"Embedding layer {tensor.layer!r} of {latest}")
            vectors = vectors[: len(metadata)]
        tables.append((tensor.layer, EmbeddingTable.build(vectors, metadata, drop_nonfinite=drop_nonfinite)))
    return latest, tables, run_dir


def _inside(folder, relative, field):
    """The real path of `relative` in the config's `folder`; outside it (absolute, '..', a symlink out) an
    `ExportError`. TensorBoard 2.21 refuses such asset paths the same way (`_rel_to_abs_asset_path`)."""
    from exporter.inside_folder import resolve_inside

    path = resolve_inside(folder, relative)
    if path is None:
        raise ExportError(f"{os.path.join(folder, 'projector_config.pbtxt')}: {field} {relative!r} resolves outside "
                          "the config's folder (absolute, '..' or a symlink out): refused, fix reads nothing "
                          "outside it (TensorBoard refuses it too): put the file inside the folder, relative path")
    return path
