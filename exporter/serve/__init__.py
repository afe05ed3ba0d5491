"""`serve`: the real TensorBoard, every tab, with a projector that shows every point.

TensorBoard's projector frontend asks for at most 100,000 rows (tensorboard#773);
`serve` runs TensorBoard through its program API with its default plugins, the
projector replaced by `AllPointsProjectorPlugin` (a subclass of TensorBoard's own),
which answers with every row (or `max_points`). TensorFlow is never imported:
TensorBoard runs on its TensorFlow stub and tensors come from raw float32 files.
Runs are found as TensorBoard finds them, except that each real folder is entered once
(a symlink loop made TensorBoard's walk endless, a logdir 1,000 deep a RecursionError)
and none whose real location is outside the logdir (`exporter.validate.folders`).

Example (blocks until Ctrl-C, so not run here):
>>> serve("logdir", port=6006)          # doctest: +SKIP
"""

import os
import sys
import types

from exporter.errors import ExportError


def serve(logdir, *, host="127.0.0.1", port=6006, max_points=None, reload_interval=5):
    """Serves `logdir` on http://host:port/ until Ctrl-C or SIGTERM; returns TensorBoard's exit status.

    Args:
      logdir: the log directory (runs are folders with an event file).
      host, port: where to listen (port 0: any free port).
      max_points: rows of each tensor the projector gets (None: all).
      reload_interval: seconds between TensorBoard's scans for new runs and scalars.
    """
    if not os.path.isdir(logdir):
        raise ExportError(f"serve: {logdir} is not a folder: pass the log directory you exported into")
    tensorboard_program, plugins = _tensorboard(max_points)
    board = tensorboard_program.TensorBoard(plugins=plugins, server_class=_server(tensorboard_program))
    board.configure(
        logdir=os.path.abspath(logdir), host=host, port=port, reload_interval=reload_interval, load_fast="false"
    )
    status = board.main()  # werkzeug turns Ctrl-C into a normal return
    if status == 0:
        print("serve: stopped", file=sys.stderr)
    return status


def _tensorboard(max_points):
    """(tensorboard.program, default plugins with the projector replaced), TensorFlow-free."""
    from tensorboard import default, program
    from tensorboard.backend.event_processing import io_wrapper
    from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin

    from exporter.serve.all_points_plugin import AllPointsProjectorPlugin, check_tensorboard

    check_tensorboard()
    io_wrapper.GetLogdirSubdirectories = _run_folders  # what TensorBoard's multiplexer lists runs with
    # TensorBoard's own switch (//tensorboard/compat:no_tensorflow): its lazy `tf` becomes the stub.
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))
    projector = AllPointsProjectorPlugin.with_max_points(max_points)
    plugins = [projector if p is ProjectorPlugin else p for p in default.get_plugins()]
    if projector not in plugins:
        plugins.append(projector)
    return program, plugins


_reported = set()


def _run_folders(path):
    """`io_wrapper.GetLogdirSubdirectories`: folders under `path` holding an event file, each real folder once,
    none outside `path`; each symlink cut is one warning line."""
    from exporter.validate.findings import Report
    from exporter.validate.folders import walk_folders

    report = Report()
    folders = tuple(folder for folder, files in walk_folders(path, report, stay_inside=True)
                    if any("tfevents" in name for name in files))
    for finding in report.findings:
        if str(finding) not in _reported:
            _reported.add(str(finding))
            print(f"serve: warning: {finding.path}: {finding.message}; fix: {finding.fix}", file=sys.stderr, flush=True)
    return folders


def _server(tensorboard_program):
    """TensorBoard's server factory, its start-up failures (port taken or out of range) as one `ExportError`."""

    def make(wsgi_app, flags):
        try:
            return tensorboard_program.create_port_scanning_werkzeug_server(wsgi_app, flags)
        except tensorboard_program.TensorBoardServerException as error:
            raise ExportError(f"serve: {error.msg}: pass another --port (0: any free port) or --host") from None

    return make
