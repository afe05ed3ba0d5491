"""`projector-export fix`: repair what Keras 3's `TensorBoard(embeddings_freq=...)` callback wrote.

The callback saves `train/keras_embedding.ckpt-<epoch>.weights.h5` snapshots, which the
projector cannot read, and a `projector_config.pbtxt` naming a checkpoint key that does
not exist (keras-team/keras#20210). `fix` exports the latest snapshot's Embedding
layers into the `train` run with the metadata the callback was given, then drops the
broken entries.
"""

import glob
import os
import re

from exporter.cli.arguments import add_logdir
from exporter.cli.common import add_export_options, add_unicode_errors_arg, add_vocab_fit_args, export_options

KERAS_TENSOR_NAME = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
SNAPSHOTS = "keras_embedding.ckpt-*.weights.h5"
_EMBEDDING_LAYER = re.compile(r"^embedding(?:_(\d+))?$")


def register(subparsers):
    parser = subparsers.add_parser(
        "fix",
        help="make the Keras 3 TensorBoard callback's embeddings (embeddings_freq) visible in the projector",
        description="Keras 3's TensorBoard(embeddings_freq=...) writes .weights.h5 snapshots and a projector "
        "config TensorBoard cannot use (keras-team/keras#20210). This exports the latest snapshot's "
        "Embedding layers (tensors 'embedding', 'embedding_1', ... in layer order) into the run beside "
        "the snapshots, keeping the embeddings_metadata files, and removes the broken config entries. It also "
        "converts runs holding exports of projector-export's older checkpoint layout to tensor files. "
        "Example: projector-export fix --logdir logs",
    )
    add_logdir(parser, positional=True, help="the log_dir given to keras.callbacks.TensorBoard")
    add_vocab_fit_args(parser)
    add_unicode_errors_arg(parser)
    add_export_options(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.errors import ExportError

    plans = [_plan(folder, args) for folder in _broken_config_folders(args.logdir)]
    older = _older_layout_runs(args.logdir)
    if not plans and not older:
        if not os.path.isdir(args.logdir):
            raise ExportError(f"{args.logdir}: no such folder")
        print(f"nothing to fix: no projector config in {args.logdir} names {KERAS_TENSOR_NAME}, "
              "and no run holds exports of the older checkpoint layout")
        return
    for plan in plans:
        _apply(args.logdir, plan, export_options(args))
    for run in older:
        _upgrade(args.logdir, run)


def _older_layout_runs(logdir):
    """Runs (relative to `logdir`) whose exports are in projector-export's older checkpoint layout."""
    from exporter.run.folder import legacy_checkpoint

    return [os.path.relpath(folder, logdir) for folder, _, _ in os.walk(logdir) if legacy_checkpoint(folder)]


def _upgrade(logdir, run):
    """Converts a run's older-layout exports (tensors in a TensorFlow checkpoint) to tensor files."""
    from exporter.export import upgrade_run

    names = upgrade_run(logdir, run)
    print(f"{os.path.join(logdir, run)}: converted {len(names)} export(s) of the older checkpoint layout to tensor "
          f"files, which TensorBoard reads with or without TensorFlow: {', '.join(names)}")


def _broken_config_folders(logdir):
    from exporter.run.folder import TENSORBOARD_CONFIG, read_tensorboard_config

    for folder, _, files in os.walk(logdir):
        if TENSORBOARD_CONFIG in files:
            config = read_tensorboard_config(folder)
            if any(e.tensor_name == KERAS_TENSOR_NAME for e in config.embeddings):
                yield folder


def _plan(folder, args):
    """Reads everything first: ([(tensor name, EmbeddingTable)], run folder, config folder)."""
    from exporter.errors import ExportError
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
            metadata = labels_for_rows(Vocabulary(path, read_metadata(path, args.unicode_errors)), rows=len(vectors),
                                       tensor=tensor.name, trim=args.vocab_trim, pad=args.vocab_pad,
                                       unlabelled=None, subject=f"Embedding layer {tensor.layer!r} of {latest}")
            vectors = vectors[: len(metadata)]
        tables.append((tensor.layer, EmbeddingTable.build(vectors, metadata, drop_nonfinite=args.drop_nonfinite)))
    print(f"{folder}: {len(tables)} embedding(s) from {os.path.basename(latest)}")
    return tables, run_dir, folder


def _inside(folder, relative, field):
    """The real path of `relative` in the config's `folder`; outside it (absolute, '..', a symlink out) an
    `ExportError`. TensorBoard 2.21 refuses such asset paths the same way (`_rel_to_abs_asset_path`)."""
    from exporter.errors import ExportError
    from exporter.inside_folder import resolve_inside

    path = resolve_inside(folder, relative)
    if path is None:
        raise ExportError(f"{os.path.join(folder, 'projector_config.pbtxt')}: {field} {relative!r} resolves outside "
                          "the config's folder (absolute, '..' or a symlink out): refused, fix reads nothing "
                          "outside it (TensorBoard refuses it too): put the file inside the folder, relative path")
    return path


def _apply(logdir, plan, options):
    from exporter.cli.common import report
    from exporter.export import export_table
    from exporter.run.folder import read_tensorboard_config
    from exporter.run import tensorboard_config

    tables, run_dir, folder = plan
    for name, table in tables:
        report(export_table(table, logdir=logdir, run=os.path.relpath(run_dir, logdir), name=name, options=options))
    config = read_tensorboard_config(folder)
    kept = [e for e in config.embeddings if e.tensor_name != KERAS_TENSOR_NAME]
    if kept or os.path.realpath(folder) == os.path.realpath(run_dir):
        del config.embeddings[:]
        config.embeddings.extend(kept)
        tensorboard_config.write_config(folder, config)
    else:
        os.unlink(os.path.join(folder, tensorboard_config.FILENAME))
    print(f"removed the callback's broken entries from {os.path.join(folder, tensorboard_config.FILENAME)}")
