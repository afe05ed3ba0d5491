"""Which projector configs TensorBoard reads in a logdir, found exactly the way it finds them.

Runs are folders holding an event file (a folder with only `projector_config.pbtxt`
is never found, tensorboard#3629); the logdir root is always run "."; a run's
`plugins/projector/` assets folder may hold the config instead; checkpoints come
from `tf.train.latest_checkpoint(run)` or, failing that, the run's parent folder.
TensorBoard's own helpers are used wherever they exist, so the answer is the same.

Example:
>>> import tempfile
>>> from exporter.validate.findings import Report
>>> [c.run for c in find_configs(tempfile.mkdtemp(), Report())]
[]
"""

import dataclasses
import fnmatch
import glob
import os

from google.protobuf import text_format
from tensorboard.plugins.projector import metadata as projector_metadata
from tensorboard.plugins.projector import projector_plugin
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

from exporter.inside_folder import resolve_inside
from exporter.validate.findings import ERROR, WARNING
from exporter.validate.folders import walk_folders
from exporter.tensor_bundle import STATE_FILE, latest_checkpoint

CONFIG_FILE = projector_metadata.PROJECTOR_FILENAME


@dataclasses.dataclass
class RunConfig:
    """One run's config as TensorBoard holds it before adding the checkpoint's tensors."""

    run: str
    config_path: str
    config: ProjectorConfig
    checkpoint: str | None

    @property
    def config_dir(self):
        return os.path.dirname(self.config_path)


def find_runs(logdir, report=None):
    """{run name: folder}: folders with an event file, as TensorBoard lists them.

    TensorBoard's `io_wrapper.GetLogdirSubdirectories` walks with `tf.io.gfile`
    (importing TensorFlow); this walks the same way: a folder is a run when a file
    name in it contains "tfevents", and symlinked folders are followed, but each
    real folder only once (`walk_folders`: symlink cycles are reported, not followed).
    """
    logdir = os.path.abspath(logdir)
    runs = {}
    for folder, files in walk_folders(logdir, report):
        if any("tfevents" in name for name in files):
            runs[os.path.relpath(folder, logdir)] = folder
    return dict(sorted(runs.items()))


def files_named(top, pattern):
    """Paths of the files matching `pattern` (fnmatch) under `top`, each real folder walked once."""
    return [os.path.join(folder, name) for folder, files in walk_folders(top)
            for name in fnmatch.filter(files, pattern)]


def find_configs(logdir, report):
    """The `RunConfig` of every run TensorBoard's projector will serve; skipped configs become findings."""
    logdir = os.path.abspath(logdir)
    runs = find_runs(logdir, report)
    pairs = list(runs.items())
    for run, folder in list(pairs):
        assets = os.path.join(folder, projector_metadata.PLUGINS_DIR, projector_metadata.PLUGIN_ASSETS_NAME)
        if os.path.isfile(os.path.join(assets, CONFIG_FILE)):
            pairs.append((run, assets))
    if "." not in runs:
        pairs.append((".", logdir))
    _report_unreachable(logdir, {os.path.realpath(folder) for _, folder in pairs}, report)
    configs = {}
    for run, folder in pairs:  # later pairs win, as in TensorBoard
        loaded = _load(run, folder, report, logdir)
        if loaded is not None:
            configs[run] = loaded
    return list(configs.values())


def _load(run, folder, report, logdir):
    """Mirrors `ProjectorPlugin._read_latest_config_files` for one (run, folder) pair; nothing outside
    `logdir` is read (a checkpoint there is reported instead)."""
    path = os.path.join(folder, CONFIG_FILE)
    config = ProjectorConfig()
    if os.path.isfile(path) and not inside(logdir, path):
        report.add(WARNING, path, f"run {run!r}: this config resolves outside the logdir (a symlink out): "
                   f"TensorBoard reads it, {NOT_READ}", "keep the config inside the logdir")
        return None
    if os.path.isfile(path):
        try:
            with open(path, encoding="utf-8") as f:
                text_format.Parse(f.read(), config)
        except (UnicodeDecodeError, text_format.ParseError) as error:
            report.add(ERROR, path, f"TensorBoard cannot parse this config ({error}), and the projector "
                       "then fails for every run", "rewrite it as a text ProjectorConfig, e.g. re-export the run")
            return None
    has_tensor_files = any(e.tensor_path for e in config.embeddings)
    for embedding in config.embeddings:
        if embedding.tensor_path:
            if not embedding.tensor_name:
                embedding.tensor_name = os.path.basename(embedding.tensor_path)
            break  # TensorBoard names only the first tensor_path entry
    checkpoint = config.model_checkpoint_path or None
    if checkpoint is not None and not glob.glob(glob.escape(checkpoint) + "*"):
        report.add(ERROR, path, f"model_checkpoint_path {checkpoint!r} matches no file, so TensorBoard skips "
                   f"run {run!r}" + (" (a relative path is resolved against TensorBoard's working directory)"
                                     if not os.path.isabs(checkpoint) else ""),
                   "remove model_checkpoint_path (TensorBoard then finds the run's checkpoint itself)")
        return None
    if checkpoint is not None and not checkpoint_inside(logdir, checkpoint):
        report.add(WARNING, path, f"run {run!r}: model_checkpoint_path {checkpoint!r} is outside the logdir (or "
                   f"a file of it is a symlink out): TensorBoard reads it, {NOT_READ}",
                   "keep the checkpoint inside the logdir, or remove model_checkpoint_path")
        if not has_tensor_files:
            return None
        checkpoint = ""
    if checkpoint is None:
        checkpoint, unread_state = _find_latest_checkpoint(projector_plugin._assets_dir_to_logdir(folder), logdir)
        if unread_state:
            report.add(WARNING, unread_state, f"run {run!r}: this checkpoint state file resolves outside the logdir "
                       f"(a symlink out): TensorBoard reads it, {NOT_READ}",
                       "keep the checkpoint inside the logdir (projector-export does)")
            if not has_tensor_files:
                return None
        if checkpoint and not checkpoint_inside(logdir, checkpoint):
            report.add(WARNING, path, f"run {run!r}: its checkpoint state file names {checkpoint!r}, outside the "
                       f"logdir (or a file of it is a symlink out): TensorBoard reads it, {NOT_READ}",
                       "keep the checkpoint inside the logdir (projector-export does)")
            checkpoint = None
        if not checkpoint and not has_tensor_files:
            if config.embeddings:
                # The Keras callback's config stays broken until `fix` replaces it: TensorBoard skips it and
                # shows the other runs, so it is a warning; no embedding at all is still an error (below).
                keras = _is_keras_callback_output(folder)
                report.add(WARNING if keras else ERROR, path, f"run {run!r}: no checkpoint and no tensor_path, so "
                           f"TensorBoard skips its {len(config.embeddings)} embedding(s)", _no_tensor_fix(folder, keras))
            return None
    return RunConfig(run, path, config, checkpoint or None)


def _find_latest_checkpoint(folder, logdir):
    """(prefix or None, unread state file or None): `projector_plugin._find_latest_checkpoint` (a TensorBoard
    with TensorFlow) without importing TensorFlow; the parent folder only while it is inside `logdir` (the root
    run's parent is not read), and no state file resolving outside `logdir` (returned unread instead)."""
    parent = os.path.join(folder, os.pardir)
    for candidate in (folder, parent) if inside(logdir, parent) else (folder,):
        state = os.path.join(candidate, STATE_FILE)
        if os.path.isfile(state) and not inside(logdir, state):
            return None, state
        if prefix := latest_checkpoint(candidate):
            return prefix, None
    return None, None


#: How a finding says a file was skipped because it resolves outside the logdir.
NOT_READ = "validate did not read it (it reads nothing outside the logdir)"


def inside(logdir, path):
    """Whether `path` (relative: to the working directory, as TensorBoard resolves it) is in `logdir`,
    symlinks followed (`resolve_inside`): validate opens no file for which this is False."""
    return resolve_inside(logdir, os.path.abspath(path)) is not None


def checkpoint_inside(logdir, prefix):
    """Whether checkpoint `prefix` and each file of it (V1 file, `.index`, `.data-*` shards) are in `logdir`."""
    files = [prefix, prefix + ".index", *glob.glob(glob.escape(prefix) + ".data-*-of-*")]
    return all(inside(logdir, file) for file in files)


def _is_keras_callback_output(folder):
    return bool(files_named(folder, "*.weights.h5"))


def _no_tensor_fix(folder, keras):
    if keras:
        return (f"this is Keras 3's TensorBoard(embeddings_freq=...) output, whose .weights.h5 snapshots "
                f"TensorBoard cannot read (keras-team/keras#20210): run `projector-export fix --logdir {folder}` "
                "(with --vocab-trim or --vocab-pad when the Embedding has more rows than the metadata)")
    return "export the tensors with projector-export (it writes tensor files), or set tensor_path"


def _report_unreachable(logdir, read_folders, report):
    """Configs in folders TensorBoard never looks at (no event file: tensorboard#3629)."""
    for path in files_named(logdir, CONFIG_FILE):
        if os.path.realpath(os.path.dirname(path)) not in read_folders:
            report.add(WARNING, path, "TensorBoard never reads this config: its folder holds no event file, "
                       "so it is not a run (tensorboard#3629)",
                       "write an event file there (projector-export does), e.g. tf.summary.create_file_writer(folder)")
