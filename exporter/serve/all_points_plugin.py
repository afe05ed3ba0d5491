"""TensorBoard's own projector plugin, serving every row instead of the frontend's 100,000.

`AllPointsProjectorPlugin` subclasses `ProjectorPlugin` and changes four things:

- `/tensor` and `/metadata` answer the frontend's `num_rows=100000` with up to
  `max_points` rows (default: all); every other route is TensorBoard's.
- Raw float32 `tensor_path` files (with `tensor_shape`) and checkpoint tensors are
  memory-mapped and streamed in 4 MB pieces: no copy of the matrix is held, however
  big it is. Checkpoints are read without TensorFlow (`exporter.tensor_bundle`).
- `/metadata` is re-cut so no character straddles the frontend's 1,000,000-byte
  decoding slices (see `exporter.writers.tsv.align_to_slices`).
- Configs reload when a `projector_config.pbtxt`, a `checkpoint` state file or a
  mapped file changes (TensorBoard's plugin reloads only when a checkpoint prefix
  changes, and never without TensorFlow).

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

import numpy as np
from tensorboard import version
from tensorboard.backend.http_util import Respond
from tensorboard.plugins import base_plugin
from tensorboard.plugins.projector import metadata as projector_metadata
from tensorboard.plugins.projector import projector_plugin
from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin
from werkzeug import wrappers

from exporter.errors import ExportError
from exporter.tensor_bundle import STATE_FILE, CheckpointBundle, latest_checkpoint
from exporter.writers.tsv import align_to_slices

_CHUNK_BYTES = 4 << 20
# What a TSV tensor file may start with: anything else is raw float32.
_TSV_BYTES = frozenset(b"0123456789+-.eEinfatyINFATY \t\r\n")

# The parts of TensorBoard's plugin this subclass relies on: name -> parameters.
_METHODS = {
    "_update_configs": ["self"],
    "_read_latest_config_files": ["self", "run_path_pairs"],
    "_augment_configs_with_checkpoint_info": ["self"],
    "_get_metadata_file_for_tensor": ["self", "tensor_name", "config"],
    "_get_reader_for_run": ["self", "run"],
    "_serve_tensor": [],  # WSGI apps wrapped by werkzeug: only their presence is checked
    "_serve_metadata": [],
    "get_plugin_apps": ["self"],
}
_FUNCTIONS = {"_rel_to_abs_asset_path": ["fpath", "config_fpath"], "_assets_dir_to_logdir": ["assets_dir"]}
_ATTRIBUTES = ("tensor_cache", "_configs", "config_fpaths", "_run_paths", "logdir", "readers")


class AllPointsProjectorPlugin(ProjectorPlugin):
    """`ProjectorPlugin` that serves up to `max_points` rows (None: all) from memory-mapped files."""

    max_points = None

    @classmethod
    def with_max_points(cls, max_points):
        """This class with `max_points` set, for `program.TensorBoard(plugins=[...])`."""
        return type(cls.__name__, (cls,), {"max_points": max_points})

    def __init__(self, context):
        super().__init__(context)
        self.tensor_cache = _Tensors({})
        self._stamp = None

    # --- config loading ----------------------------------------------------------------

    def _update_configs(self):
        if self._stamp is not None and self._stamp != self._files_stamp():
            self._run_paths = None  # TensorBoard reloads every config when the run list "changed"
        super()._update_configs()

    def _read_latest_config_files(self, run_path_pairs):
        configs, fpaths = super()._read_latest_config_files(run_path_pairs)
        for run, assets_dir in run_path_pairs:
            fpath = os.path.join(assets_dir, projector_metadata.PROJECTOR_FILENAME)
            config = configs.get(run) or projector_plugin.ProjectorConfig()
            if run not in configs and os.path.isfile(fpath):
                with open(fpath, encoding="utf-8") as f:
                    projector_plugin.text_format.Parse(f.read(), config)
            if not config.model_checkpoint_path:
                # TensorBoard finds checkpoints only through TensorFlow: the same two folders, without it.
                folder = projector_plugin._assets_dir_to_logdir(assets_dir)
                prefix = latest_checkpoint(folder) or latest_checkpoint(os.path.join(folder, os.pardir))
                config.model_checkpoint_path = prefix or ""
            if config.model_checkpoint_path or any(e.tensor_path for e in config.embeddings):
                configs[run], fpaths[run] = config, fpaths.get(run, fpath)
        return configs, fpaths

    def _get_reader_for_run(self, run):
        if run not in self.readers:
            prefix = self._configs[run].model_checkpoint_path
            try:
                self.readers[run] = CheckpointBundle(prefix) if prefix else None
            except (OSError, ValueError) as error:
                print(f"serve: run {run!r}: cannot read checkpoint {prefix}: {error}", file=sys.stderr)
                self.readers[run] = None
        return self.readers[run]

    def _augment_configs_with_checkpoint_info(self):
        mapped = {}
        for run, config in self._configs.items():
            for embedding in config.embeddings:
                matrix = self._map(run, embedding)
                if matrix is not None:
                    mapped[(run, embedding.tensor_name.removesuffix(":0"))] = matrix
        self.tensor_cache = _Tensors(mapped)  # TensorBoard then takes shapes from the maps, reads nothing
        super()._augment_configs_with_checkpoint_info()
        self._stamp = self._files_stamp()

    def _map(self, run, embedding):
        """The raw float32 `tensor_path` file of `embedding`, memory-mapped, or None."""
        shape = list(embedding.tensor_shape)
        if not embedding.tensor_path or len(shape) != 2:
            return None
        try:
            path = projector_plugin._rel_to_abs_asset_path(embedding.tensor_path, self.config_fpaths[run])
        except ValueError:
            return None  # TensorBoard logs why and skips it
        if not _is_raw_float32(path, shape):
            return None
        return np.memmap(path, dtype="<f4", mode="r", shape=tuple(shape))

    def _files_stamp(self):
        """(path, inode, mtime, size) of every config and mapped file: a change means re-export."""
        folders = [self.logdir, *(self._run_paths or {}).values()]
        paths = {os.path.join(f, name) for f in folders for name in (projector_metadata.PROJECTOR_FILENAME, STATE_FILE)}
        paths.update((self.config_fpaths or {}).values())
        paths.update(m.filename for m in self.tensor_cache.mapped.values())
        return tuple(sorted((p, *_stat(p)) for p in paths))

    # --- routes ----------------------------------------------------------------------

    @wrappers.Request.application
    def _serve_tensor(self, request):
        self._update_configs()
        key = (request.args.get("run"), (request.args.get("name") or "").removesuffix(":0"))
        matrix = self.tensor_cache.mapped.get(key)
        reader = self._get_reader_for_run(key[0]) if matrix is None and key[0] in self._configs else None
        if reader is not None and reader.has_tensor(key[1]):
            matrix = reader.get_tensor(key[1])
        if matrix is None or matrix.ndim != 2:  # a TSV tensor (read by TensorBoard) or an error TensorBoard words
            return self._stock(ProjectorPlugin._serve_tensor, request)
        rows = matrix[: self.max_points]
        step = max(1, _CHUNK_BYTES // (4 * rows.shape[1]))
        return wrappers.Response(
            (np.asarray(rows[i : i + step], "<f4").tobytes() for i in range(0, len(rows), step)),
            mimetype="application/octet-stream",
            # The headers TensorBoard's Respond() sets, which needs the whole body in one bytes object.
            headers={"Content-Length": str(rows.size * 4), "X-Content-Type-Options": "nosniff",
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
        with open(path, "rb") as f:
            data = f.read()
        return Respond(request, align_to_slices(_first_rows(data, self.max_points)), "text/plain")

    def _stock(self, route, request):
        """TensorBoard's own `route` with `num_rows` replaced by `max_points` (or dropped)."""
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "num_rows"]
        if self.max_points:
            args.append(("num_rows", str(self.max_points)))
        environ = dict(request.environ, QUERY_STRING=urllib.parse.urlencode(args))
        return lambda _, start_response: route(self, environ, start_response)


class _Tensors:
    """Stands in for TensorBoard's one-slot tensor cache: mapped files first, then the cache."""

    def __init__(self, mapped):
        self.mapped = mapped
        self.loaded = projector_plugin.LRUCache(1)

    def get(self, key):
        return self.mapped[key] if key in self.mapped else self.loaded.get(key)

    def set(self, key, value):
        if key not in self.mapped:
            self.loaded.set(key, value)


def _is_raw_float32(path, shape):
    """True if `path` holds exactly N x D float32 values and does not start like a TSV file."""
    if len(shape) != 2 or _stat(path)[2] != shape[0] * shape[1] * 4:
        return False
    with open(path, "rb") as f:
        head = f.read(64)
    return not set(head) <= _TSV_BYTES


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
    if problems:
        raise ExportError(
            f"serve: the installed TensorBoard {version.VERSION} changed its projector plugin "
            f"({'; '.join(problems)}): install tensorboard==2.21.0, which serve was built against"
        )
