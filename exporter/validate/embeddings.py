"""Checks every embedding of one run the way TensorBoard's projector serves it.

Mirrors `ProjectorPlugin._augment_configs_with_checkpoint_info` (which entries
exist, with which shape), then `/tensor`, `/metadata`, `/bookmarks` and
`/sprite_image` per listed tensor, and the frontend's filter (2-D, both dims > 1).
"""

import os
import re

import numpy as np
from tensorboard.plugins.projector import projector_plugin

from exporter.validate import tensors
from exporter.validate.assets import check_bookmarks, check_sprite
from exporter.projector_rules import TENSORBOARD_MAX_POINTS
from exporter.validate.findings import ERROR, WARNING
from exporter.validate.metadata import check_metadata

#: Characters the frontend puts into `?run=...&name=...` unencoded, which then break the request.
URL_BREAKING = re.compile(r"[&#+%?]")


def check_run(report, run_config):
    """Adds findings for every embedding TensorBoard lists (or fails to list) in this run."""
    config, run = run_config.config, run_config.run
    path = run_config.config_path if os.path.isfile(run_config.config_path) else run_config.config_dir
    if URL_BREAKING.search(run):
        report.add(ERROR, run_config.config_dir, f"run name {run!r} holds one of & # + % ?, which the projector "
                   "sends unencoded", "rename the run folder (letters, digits, '_', '.', '-', '/')")
    loaded = _tensor_path_matrices(report, run_config)
    entries = {}
    for number, embedding in enumerate(config.embeddings, start=1):
        name = embedding.tensor_name[:-2] if embedding.tensor_name.endswith(":0") else embedding.tensor_name
        if not name and not (number == 1 and run_config.checkpoint):
            report.add(ERROR, path, f"embedding {number} has no tensor_name", "set tensor_name (projector-export does)")
            continue
        if name in entries:
            report.add(ERROR, path, f"tensor_name {name!r} appears twice: TensorBoard uses only the first entry",
                       "keep one entry per tensor (projector-export replaces entries on re-export)")
            continue
        if name and URL_BREAKING.search(name):
            report.add(ERROR, path, f"tensor_name {name!r} holds one of & # + % ?, which the projector sends "
                       "unencoded", "rename it with letters, digits, '_', '.', '-'")
        entries[name] = embedding
    template = entries.pop("", None)  # TensorBoard's "special embedding": metadata for every checkpoint tensor
    shapes = {name: list(e.tensor_shape) for name, e in entries.items()}
    shapes.update({name: list(m.shape) for name, m in loaded.items() if m is not None and not shapes.get(name)})
    reader = _checkpoint_reader(report, run_config)
    if reader is not None and entries and not loaded:
        report.add(WARNING, path, f"run {run!r}: its embeddings live only in a TensorFlow checkpoint, which a "
                   "TensorBoard without TensorFlow (the usual Keras-on-JAX or PyTorch set-up) cannot read",
                   "re-export them with projector-export (any export into a run of its older format converts "
                   "the run's exports to tensor files, or run `projector-export fix --logdir LOGDIR`)")
    if reader is not None:
        matrices = tensors.checkpoint_matrices(reader)
        own_dir = projector_plugin._assets_dir_to_logdir(run_config.config_dir)
        foreign = sorted(set(matrices) - set(entries))
        if foreign and os.path.realpath(os.path.dirname(run_config.checkpoint)) != os.path.realpath(own_dir):
            report.add(WARNING, path, f"run {run!r} has no checkpoint of its own, so TensorBoard also shows "
                       f"{foreign} from the parent folder's {run_config.checkpoint}",
                       "give the run its own checkpoint, or keep runs in sibling folders, not nested")
        for name, shape in matrices.items():
            entries.setdefault(name, template)
            shapes[name] = shapes.get(name) or list(shape)
    for name, embedding in entries.items():
        if not name or (name in loaded and loaded[name] is None):  # unnamed, or its file already reported
            continue
        matrix = loaded.get(name)
        if matrix is None and (embedding is None or not embedding.tensor_path):
            matrix = reader.get_tensor(name) if reader is not None and reader.has_tensor(name) else None
        report.embeddings.append(f"{run}/{name}")
        _check_embedding(report, run_config, name, embedding, shapes.get(name, []), matrix)


def _checkpoint_reader(report, run_config):
    if not run_config.checkpoint:
        return None
    reader = tensors.open_checkpoint(run_config.checkpoint)
    if reader is None:
        report.add(ERROR, run_config.checkpoint, "TensorBoard cannot read this checkpoint",
                   "re-save it with tf.train.Checkpoint(...).save() or re-export with projector-export")
    return reader


def _tensor_path_matrices(report, run_config):
    """{tensor name: matrix, or None if unreadable} of the run's `tensor_path` files, read as TensorBoard does."""
    matrices = {}
    for embedding in run_config.config.embeddings:
        if not embedding.tensor_path:
            continue
        name = embedding.tensor_name[:-2] if embedding.tensor_name.endswith(":0") else embedding.tensor_name
        matrices[name] = None
        path = _asset(report, run_config, embedding.tensor_path, "tensor_path")
        if path is None:
            continue
        if not os.path.isfile(path):
            report.add(ERROR, run_config.config_path, f"tensor_path {embedding.tensor_path!r} does not exist",
                       "fix the path (relative to the config's folder)")
            continue
        try:
            try:
                matrix = tensors.read_tensor_tsv(path)
            except UnicodeDecodeError:
                matrix = tensors.read_tensor_binary(path, list(embedding.tensor_shape))
        except tensors.TensorFileError as error:
            shape = list(embedding.tensor_shape)
            if len(shape) == 2 and os.path.getsize(path) == shape[0] * shape[1] * 4 and error.line is not None:
                message = (f"raw float32 for tensor_shape {shape} whose first line (up to the first 0x0A byte) "
                           f"is valid UTF-8, so TensorBoard parses it as text: {error}")
                fix = ("give TensorBoard this tensor as TSV, or re-export with projector-export (it detects "
                       "this and writes a TSV tensor_path)")
            else:
                message, fix = str(error), "write D tab-separated numbers per line, nothing else"
            report.add(ERROR, path, f"{message}; TensorBoard raises while loading configs (HTTP 500), then lists "
                       "neither this tensor nor the tensors of runs read after it", fix, error.line)
            continue
        matrices[name] = matrix
        if matrix.size > 1_000_000:
            report.add(WARNING, path, f"a {matrix.shape[0]} x {matrix.shape[1]} tensor_path TSV is parsed by a "
                       "pure-Python loop whenever TensorBoard loads configs: slow",
                       "store it as raw float32 (a .bytes tensor_path with tensor_shape; projector-export does)")
    return matrices


def _asset(report, run_config, relative, field):
    """The absolute path TensorBoard resolves `relative` to, or None (with a finding) when it refuses."""
    try:
        return projector_plugin._rel_to_abs_asset_path(relative, run_config.config_path)
    except ValueError:
        report.add(ERROR, run_config.config_path, f"{field} {relative!r} resolves outside the config's folder "
                   "(absolute, '..' or a symlink out): TensorBoard answers HTTP 400",
                   "put the file inside the run folder and use a relative path")
        return None


def _check_embedding(report, run_config, name, embedding, shape, matrix):
    where = run_config.config_path
    label = f"tensor {name!r} of run {run_config.run!r}"
    if matrix is None:
        report.add(ERROR, where, f"{label} is not in the checkpoint ({run_config.checkpoint}) and has no "
                   "tensor_path: /tensor answers HTTP 400", "export it (projector-export) or remove the entry")
        return
    if len(shape) != 2 or min(shape) <= 1:
        report.add(ERROR, where, f"{label} has shape {shape}: the projector lists only 2-D tensors with "
                   "at least 2 points and 2 dimensions", "export an (N, D) matrix with N >= 2 and D >= 2")
        return
    if list(matrix.shape) != shape:
        report.add(ERROR, where, f"{label}: tensor_shape {shape} in the config, but the tensor is "
                   f"{list(matrix.shape)}: the projector cuts rows by the config's width",
                   "fix tensor_shape or re-export the tensor")
        return
    bad = np.flatnonzero(~np.isfinite(np.asarray(matrix, np.float32)).all(axis=1))
    if bad.size:
        shown = ", ".join(map(str, bad[:5])) + (", ..." if bad.size > 5 else "")
        report.add(ERROR, where, f"{label}: {bad.size} rows hold NaN or Inf (rows {shown}, 0-based): the "
                   "view's centroid becomes NaN", "fix those rows, or re-export with --drop-nonfinite")
    if shape[0] > TENSORBOARD_MAX_POINTS:
        report.add(WARNING, where, f"{label} has {shape[0]} points; TensorBoard shows only the first "
                   f"{TENSORBOARD_MAX_POINTS}", "view every point with `projector-export serve LOGDIR`, or re-export with "
                   "--max-points (random or --stratify)")
    shown = min(shape[0], TENSORBOARD_MAX_POINTS)
    if embedding is None:
        return
    columns = None
    if embedding.metadata_path:
        path = _asset(report, run_config, embedding.metadata_path, "metadata_path")
        if path and _exists(report, where, path, "metadata_path"):
            columns = check_metadata(report, path, shown, limit=TENSORBOARD_MAX_POINTS)
    if embedding.bookmarks_path:
        path = _asset(report, run_config, embedding.bookmarks_path, "bookmarks_path")
        if path and _exists(report, where, path, "bookmarks_path"):
            check_bookmarks(report, path, shown, columns)
    if embedding.sprite.image_path:
        path = _asset(report, run_config, os.path.expanduser(embedding.sprite.image_path), "sprite image_path")
        if path and _exists(report, where, path, "sprite image_path"):
            check_sprite(report, where, path, list(embedding.sprite.single_image_dim), shown)


def _exists(report, where, path, field):
    if os.path.isfile(path):
        return True
    report.add(ERROR, where, f"{field} {path} does not exist: TensorBoard answers HTTP 400",
               "fix the path (relative to the config's folder)")
    return False
