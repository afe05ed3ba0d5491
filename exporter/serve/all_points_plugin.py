"""TensorBoard's own projector plugin, serving every row instead of the frontend's 100,000.

`AllPointsProjectorPlugin` subclasses `ProjectorPlugin` and changes five things:

- `/tensor` and `/metadata` answer the frontend's `num_rows=100000` with up to
  `max_points` rows (default: all); every other route is TensorBoard's.
- Raw float32 `tensor_path` files (with `tensor_shape`) and checkpoint tensors are
  streamed in 4 MB pieces with plain reads (`exporter.serve.tensor_files`): no copy of the
  matrix is held, however big it is. Checkpoints are read without TensorFlow
  (`exporter.tensor_bundle`).
- `/metadata` is re-cut so no character straddles the frontend's 1,000,000-byte
  decoding slices (see `exporter.writers.tsv.align_to_slices`).
- Configs reload when a `projector_config.pbtxt`, a `checkpoint` state file or a
  tensor file changes (TensorBoard's plugin reloads only when a checkpoint prefix
  changes, and never without TensorFlow).
- Damage stays where it is: a run whose config or tensors cannot be read, or that
  resolves outside the logdir, is skipped with one warning line (TensorBoard answers
  500 on every route for every run); a tensor file that is gone, truncated, or whose
  size does not match its shape is a 4xx for that tensor (TensorBoard parses it as
  text, or dies of SIGBUS on its memory map).

Example:
>>> check_tensorboard()  # raises ExportError if TensorBoard changed what this relies on
>>> plugin = AllPointsProjectorPlugin.with_max_points(None)
>>> plugin.__name__
'AllPointsProjectorPlugin'
"""

import inspect
import os
import sys
import urllib.parse

from tensorboard import version
from tensorboard.backend.http_util import Respond
from tensorboard.plugins import base_plugin
from tensorboard.plugins.projector import metadata as projector_metadata
from tensorboard.plugins.projector import projector_plugin
from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin
from werkzeug import wrappers

from exporter.tensor_bundle import STATE_FILE, CheckpointBundle, latest_checkpoint
from exporter.errors import ExportError
from exporter.inside_folder import resolve_inside
from exporter.serve.tensor_files import Damaged, RawTensor, checkpoint_tensor, tensor_file
from exporter.writers.tsv import align_to_slices

# The parts of TensorBoard's plugin this subclass relies on: name -> parameters.
_METHODS = {
    "_update_configs": ["self"],
    "_append_plugin_asset_directories": ["self", "run_path_pairs"],
    "_read_latest_config_files": ["self", "run_path_pairs"],
    "_augment_configs_with_checkpoint_info": ["self"],
    "_get_metadata_file_for_tensor": ["self", "tensor_name", "config"],
    "_get_reader_for_run": ["self", "run"],
    "_serve_tensor": [],  # WSGI apps wrapped by werkzeug: only their presence is checked
    "_serve_metadata": [],
    "get_plugin_apps": ["self"],
}
_FUNCTIONS = {"_rel_to_abs_asset_path": ["fpath", "config_fpath"], "_assets_dir_to_logdir": ["assets_dir"]}
_ATTRIBUTES = ("tensor_cache", "_configs", "config_fpaths", "_run_paths", "logdir", "readers", "data_provider")


class AllPointsProjectorPlugin(ProjectorPlugin):
    """`ProjectorPlugin` that serves up to `max_points` rows (None: all), streamed from the files."""

    max_points = None

    @classmethod
    def with_max_points(cls, max_points):
        """This class with `max_points` set, for `program.TensorBoard(plugins=[...])`."""
        return type(cls.__name__, (cls,), {"max_points": max_points})

    def __init__(self, context):
        super().__init__(context)
        self.tensor_cache = _Tensors({})
        self._stamp = None
        self._warned = set()

    # --- config loading ----------------------------------------------------------------

    def _update_configs(self):
        """TensorBoard's, reloading when the run list or `_files_stamp` changes (TensorBoard re-parses the
        config of every run without one per request: one unparsable config was a 500 for every route)."""
        run_paths = {}
        if self.data_provider and self.logdir:
            runs = self.data_provider.list_runs(projector_plugin.context.RequestContext(), experiment_id="")
            run_paths = {run.run_name: os.path.join(self.logdir, run.run_name) for run in runs}
        if run_paths == self._run_paths and self._stamp == self._files_stamp():
            return
        self._run_paths = run_paths
        pairs = list(run_paths.items())
        self._append_plugin_asset_directories(pairs)
        if "." not in run_paths:
            pairs.append((".", self.logdir))
        self.readers = {}
        self._configs, self.config_fpaths = self._read_latest_config_files(pairs)
        self._augment_configs_with_checkpoint_info()

    def _append_plugin_asset_directories(self, run_path_pairs):
        for run, folder in list(run_path_pairs):
            pairs = [(run, folder)]
            try:
                super()._append_plugin_asset_directories(pairs)
            except (OSError, ValueError) as error:  # e.g. a file named plugins
                self._skip(run, f"plugin assets not read: cannot list {folder}/plugins ({error})")
            run_path_pairs.extend(pairs[1:])

    def _read_latest_config_files(self, run_path_pairs):
        configs, fpaths = {}, {}
        for run, assets_dir in run_path_pairs:  # later pairs win, as in TensorBoard
            fpath = os.path.join(assets_dir, projector_metadata.PROJECTOR_FILENAME)
            if resolve_inside(self.logdir, assets_dir) is None or (
                    os.path.lexists(fpath) and resolve_inside(self.logdir, fpath) is None):
                self._skip(run, f"skipped: {fpath} resolves outside the logdir (a symlink out), and serve "
                           "reads nothing there: move it into the logdir")
                continue
            try:
                config = self._read_config(run, assets_dir, fpath)
            except Exception as error:  # TensorBoard's parser on a user's file: any failure skips this run only
                self._skip(run, f"skipped: cannot read {fpath} ({type(error).__name__}: {str(error)[:200]}): "
                           "repair or re-export it (`projector-export validate` says where)")
                continue
            if config is not None:
                configs[run], fpaths[run] = config, fpath
        return configs, fpaths

    def _read_config(self, run, assets_dir, fpath):
        """The run's config as TensorBoard reads it, checkpoint found without TensorFlow; None: nothing to show."""
        configs, _ = super()._read_latest_config_files([(run, assets_dir)])
        config = configs.get(run) or projector_plugin.ProjectorConfig()
        if run not in configs and os.path.isfile(fpath):
            with open(fpath, encoding="utf-8") as f:
                projector_plugin.text_format.Parse(f.read(), config)
        if not config.model_checkpoint_path:
            # TensorBoard finds checkpoints only through TensorFlow: the same two folders, without it
            # (the parent only while it is in the logdir).
            folder = projector_plugin._assets_dir_to_logdir(assets_dir)
            parent = os.path.join(folder, os.pardir)
            prefix = latest_checkpoint(folder) or (resolve_inside(self.logdir, parent) and latest_checkpoint(parent))
            config.model_checkpoint_path = prefix or ""
        if config.model_checkpoint_path or any(e.tensor_path for e in config.embeddings):
            return config
        return None

    def _get_reader_for_run(self, run):
        if run not in self.readers:
            prefix = self._configs[run].model_checkpoint_path
            self.readers[run] = None
            if prefix and any(resolve_inside(self.logdir, os.path.abspath(p)) is None
                              for p in (prefix, prefix + ".index")):
                self._skip(run, f"checkpoint {prefix} not read: it resolves outside the logdir")
            elif prefix:
                try:
                    self.readers[run] = CheckpointBundle(prefix)
                except (OSError, ValueError) as error:
                    self._skip(run, f"checkpoint {prefix} not read: {error}")
        return self.readers[run]

    def _augment_configs_with_checkpoint_info(self):
        """TensorBoard's, one run at a time (a run it fails on is skipped), tensor files checked first."""
        configs, fpaths, files = self._configs, self.config_fpaths, {}
        kept_configs, kept_fpaths = {}, {}
        for run in list(configs):
            self._configs, self.config_fpaths = {run: configs[run]}, {run: fpaths[run]}
            try:
                files.update(self._tensor_files(run))
                self.tensor_cache = _Tensors(files)  # TensorBoard takes shapes from these, reads no such file
                super()._augment_configs_with_checkpoint_info()
            except Exception as error:  # TensorBoard reading a user's TSV or checkpoint: skip this run only
                self._skip(run, f"skipped: cannot read its tensors ({type(error).__name__}: {str(error)[:200]})")
                continue
            kept_configs.update(self._configs)
            kept_fpaths.update(self.config_fpaths)
        self._configs, self.config_fpaths = kept_configs, kept_fpaths
        self._stamp = self._files_stamp()

    def _tensor_files(self, run):
        """{(run, name): RawTensor or Damaged} for the run's `tensor_path` files TensorBoard must not parse."""
        found = {}
        for embedding in list(self._configs[run].embeddings):
            if not embedding.tensor_path:
                continue
            try:
                path = projector_plugin._rel_to_abs_asset_path(embedding.tensor_path, self.config_fpaths[run])
            except ValueError:
                continue  # TensorBoard logs why and skips it
            name = embedding.tensor_name.removesuffix(":0")
            tensor = tensor_file(path, list(embedding.tensor_shape))
            if isinstance(tensor, Damaged):
                self._skip(run, f"tensor {name!r} not served: {tensor.reason}")
                if len(embedding.tensor_shape) != 2:  # without a shape, the frontend cannot list it at all
                    self._configs[run].embeddings.remove(embedding)
                    continue
            if tensor is not None:
                found[(run, name)] = tensor
        return found

    def _skip(self, run, why):
        """Prints one warning line per reason (not again at every reload)."""
        line = f"serve: warning: run {run!r}: {why}"
        if line not in self._warned:
            self._warned.add(line)
            print(line, file=sys.stderr, flush=True)

    def _files_stamp(self):
        """(path, inode, mtime, size) of every config and tensor file: a change means re-export."""
        folders = [self.logdir, *(self._run_paths or {}).values()]
        paths = {os.path.join(f, name) for f in folders for name in (projector_metadata.PROJECTOR_FILENAME, STATE_FILE)}
        paths.update((self.config_fpaths or {}).values())
        paths.update(t.path for t in self.tensor_cache.files.values() if isinstance(t, RawTensor))
        return tuple(sorted((p, *_stat(p)) for p in paths))

    # --- routes ----------------------------------------------------------------------

    @wrappers.Request.application
    def _serve_tensor(self, request):
        self._update_configs()
        run, name = request.args.get("run"), (request.args.get("name") or "").removesuffix(":0")
        tensor = self.tensor_cache.files.get((run, name))
        if tensor is None and run in self._configs:
            reader = self._get_reader_for_run(run)
            if reader is not None and len(reader.get_variable_to_shape_map().get(name, ())) == 2:
                tensor = checkpoint_tensor(reader.get_tensor(name))
        if tensor is None:  # a TSV tensor (read by TensorBoard) or an error TensorBoard words
            return self._stock(ProjectorPlugin._serve_tensor, request)
        rows = 0 if isinstance(tensor, Damaged) else min(tensor.shape[0], self.max_points or tensor.shape[0])
        pieces = tensor if isinstance(tensor, Damaged) else tensor.stream(rows)
        if isinstance(pieces, Damaged):  # damaged when the configs loaded, or since (re-exported, truncated)
            return Respond(request, f"tensor {name!r} of run {run!r}: {pieces.reason}", "text/plain", pieces.code)
        return wrappers.Response(
            pieces, mimetype="application/octet-stream",
            # The headers TensorBoard's Respond() sets, which needs the whole body in one bytes object.
            headers={"Content-Length": str(rows * tensor.shape[1] * 4), "X-Content-Type-Options": "nosniff",
                     "Expires": "0", "Cache-Control": "no-cache, must-revalidate"},
            direct_passthrough=True,
        )

    @wrappers.Request.application
    def _serve_metadata(self, request):
        self._update_configs()
        run, name = request.args.get("run"), request.args.get("name")
        config = self._configs.get(run)
        fpath = config and name and self._get_metadata_file_for_tensor(name, config)
        try:
            path = fpath and projector_plugin._rel_to_abs_asset_path(fpath, self.config_fpaths[run])
        except ValueError:
            path = None
        if not path or not os.path.isfile(path):  # TensorBoard words the error
            return self._stock(ProjectorPlugin._serve_metadata, request)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as error:  # deleted or replaced since the check
            return Respond(request, f"{fpath}: {error.strerror}", "text/plain", 404)
        return Respond(request, align_to_slices(_first_rows(data, self.max_points)), "text/plain")

    def _stock(self, route, request):
        """TensorBoard's own `route` with `num_rows` replaced by `max_points` (or dropped)."""
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "num_rows"]
        if self.max_points:
            args.append(("num_rows", str(self.max_points)))
        environ = dict(request.environ, QUERY_STRING=urllib.parse.urlencode(args))
        return lambda _, start_response: route(self, environ, start_response)


class _Tensors:
    """Stands in for TensorBoard's one-slot tensor cache: checked tensor files first, then the cache."""

    def __init__(self, files):
        self.files = files
        self.loaded = projector_plugin.LRUCache(1)

    def get(self, key):
        return self.files[key] if key in self.files else self.loaded.get(key)

    def set(self, key, value):
        if key not in self.files:
            self.loaded.set(key, value)


def _stat(path):
    try:
        st = os.stat(path)
    except OSError:
        return (None, None, None)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _first_rows(data, max_points):
    """The metadata lines for the first `max_points` points: header kept, blank lines not counted."""
    if max_points is None:
        return data
    kept, header = 0, None
    for end, line in _lines(data):
        if not line.strip():
            continue
        if header is None:
            header = b"\t" in line
            if header:
                continue
        kept += 1
        if kept == max_points:
            return data[:end]
    return data


def _lines(data):
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        yield end, data[start:end]
        start = end


def check_tensorboard():
    """Raises one `ExportError` line if the installed TensorBoard lacks what the plugin overrides."""
    problems = []
    for name, params in _METHODS.items():
        method = getattr(ProjectorPlugin, name, None)
        if not callable(method):
            problems.append(f"ProjectorPlugin.{name} is gone")
        elif params and list(inspect.signature(method).parameters) != params:
            problems.append(f"ProjectorPlugin.{name}{inspect.signature(method)} is not ({', '.join(params)})")
    for name, params in _FUNCTIONS.items():
        function = getattr(projector_plugin, name, None)
        if not callable(function) or list(inspect.signature(function).parameters) != params:
            problems.append(f"projector_plugin.{name}({', '.join(params)}) is gone or changed")
    cache = getattr(projector_plugin, "LRUCache", None)
    if not (hasattr(cache, "get") and hasattr(cache, "set")):
        problems.append("projector_plugin.LRUCache is gone")
    if not problems:
        plugin = ProjectorPlugin(base_plugin.TBContext(logdir=None, data_provider=None))
        problems += [f"ProjectorPlugin().{a} is gone" for a in _ATTRIBUTES if not hasattr(plugin, a)]
        routes = plugin.get_plugin_apps()
        problems += [f"route {r} is gone" for r in (projector_plugin.TENSOR_ROUTE, projector_plugin.METADATA_ROUTE)
                     if r not in routes]
    from tensorboard import program
    from tensorboard.backend.event_processing import io_wrapper

    for module, name in ((io_wrapper, "GetLogdirSubdirectories"), (program, "create_port_scanning_werkzeug_server")):
        if not callable(getattr(module, name, None)):
            problems.append(f"{module.__name__}.{name} is gone")
    if problems:
        raise ExportError(
            f"serve: the installed TensorBoard {version.VERSION} changed its projector plugin "
            f"({'; '.join(problems)}): install tensorboard==2.21.0, which serve was built against"
        )
