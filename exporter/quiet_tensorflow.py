"""Keeps TensorFlow's C++ start-up lines off stderr when exporter is what imports it.

On a CPU machine `import tensorflow` and its first device probe print about ten lines
(oneDNN, CPU features, "Could not find cuda drivers", a `cuInit` CUDA error) through
absl before TF_CPP_MIN_LOG_LEVEL applies, so the variable cannot hide them: file
descriptor 2 goes to /dev/null for that import and probe only. A TensorFlow imported
before exporter, or PROJECTOR_EXPORT_VERBOSE=1 (as for the CLI), keeps every line.

Example:
>>> import sys, exporter.quiet_tensorflow as quiet
>>> quiet.install()
>>> sum(isinstance(finder, quiet.QuietImport) for finder in sys.meta_path) <= 1
True
"""

import contextlib
import importlib.abc
import importlib.util
import os
import sys


class QuietImport(importlib.abc.MetaPathFinder):
    """Finds `tensorflow` with the next finders and runs its import (and device probe) without stderr."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: also keeps the lookup below from finding us again
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):  # resources, get_data, ...: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with _stderr_to_devnull():
            self._loader.exec_module(module)
            module.config.list_physical_devices()  # the CUDA probe, now rather than at the first op


def install():
    """Quiets the next `import tensorflow` of this process, unless it already happened or PROJECTOR_EXPORT_VERBOSE is set."""
    if "tensorflow" in sys.modules or os.environ.get("PROJECTOR_EXPORT_VERBOSE"):
        return
    if not any(isinstance(finder, QuietImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, QuietImport())


@contextlib.contextmanager
def _stderr_to_devnull():
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def quiet_native_logs():
    """Sends C++ log lines (CUDA probing, oneDNN notes) written to fd 2 to /dev/null.

    TensorFlow's absl logging prints them before TF_CPP_MIN_LOG_LEVEL applies.
    Python's own stderr (errors, warnings, progress bars) keeps the terminal.
    Set PROJECTOR_EXPORT_VERBOSE=1 to see everything.
    """
    if os.environ.get("PROJECTOR_EXPORT_VERBOSE"):
        return
    terminal = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(terminal, "w", buffering=1)
