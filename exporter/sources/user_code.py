"""The user's own Python code, imported only on request: the custom objects a saved Keras model needs.

Keras rebuilds a model from its config, so functions and classes its author wrote
(a `custom_standardization`, a custom layer) must be importable. Importing a file runs
it: callers import only what the user names explicitly (`--custom-objects`).

Example:
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "my_layers.py")
>>> _ = open(path, "w").write("def custom_standardization(x):\\n    return x\\n")
>>> sorted(import_custom_objects([path]))
['custom_standardization']
"""

import importlib
import importlib.util
import inspect
import os
import sys

from exporter.errors import ExportError
from exporter.sources.special_files import refuse_special_file


def import_custom_objects(sources):
    """{name: function or class} defined by each Python file or module name in `sources`, imported in order.

    Registration decorators (`@keras.saving.register_keras_serializable`) run on import too.
    """
    objects = {}
    for source in sources:
        module = _import(source)
        objects.update({name: value for name, value in vars(module).items()
                        if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
                        and getattr(value, "__module__", None) == module.__name__})
    return objects


def _import(source):
    if not isinstance(source, str) or not source.strip():
        raise ExportError(f"--custom-objects {source!r}: empty: give a .py file or an importable module name")
    if not (source.endswith(".py") or os.path.sep in source):
        return _running_user_code(source, lambda: importlib.import_module(source))
    refuse_special_file(source, "--custom-objects ")
    if not os.path.isfile(source):
        raise ExportError(f"--custom-objects {source}: no such file")
    name = os.path.splitext(os.path.basename(source))[0]
    spec = importlib.util.spec_from_file_location(name, source)
    if spec is None or not source.endswith(".py"):
        raise ExportError(f"--custom-objects {source}: not a Python file: give the .py file that defines the "
                          "model's custom objects (or an importable module name)")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # so that its own pickling/registration can find it
    folder = os.path.dirname(os.path.abspath(source))
    sys.path.insert(0, folder)  # its sibling imports, as when the user runs it
    try:
        _running_user_code(source, lambda: spec.loader.exec_module(module))
    finally:
        sys.path.remove(folder)
    return module


def _running_user_code(source, run):
    """`run()`'s result; whatever the user's code raises, even `sys.exit()`, becomes one `ExportError` line."""
    try:
        return run()
    except SystemExit as error:  # a script's `sys.exit(0)` would end the export silently with status 0
        raise ExportError(f"--custom-objects {source}: importing it called sys.exit({error.code!r}): keep the "
                          "custom objects in a file that only defines them (script code under "
                          "`if __name__ == '__main__':`)") from None
    except ModuleNotFoundError as error:
        raise ExportError(f"--custom-objects {source}: cannot import it ({error}): give a .py file or an "
                          "importable module name") from None
    except Exception as error:  # the user's code: say where it failed, in one line
        raise ExportError(f"--custom-objects {source}: importing it failed: {type(error).__name__}: "
                          f"{str(error).splitlines()[0] if str(error) else ''}") from None
