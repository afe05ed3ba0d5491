"""A saved Keras text model (.keras or legacy .h5) loaded the way `activations` does, or one clear error.

Example:
>>> import keras, os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "tiny.keras")
>>> inputs = keras.Input((3,))
>>> keras.Model(inputs, keras.layers.Dense(2, name="out")(inputs)).save(path)
>>> load_text_model(path).get_layer("out").units
2
"""


def load_text_model(path, *, unsafe=False, custom_objects=()):
    """The Keras model saved at `path` (.keras or legacy .h5), loaded in safe mode unless `unsafe`.

    `custom_objects`: Python files or module names imported first (their code runs).
    A file Keras cannot load is one `ExportError` saying why and what to pass.
    """
    import os
    import zipfile

    import keras

    from exporter.errors import ExportError
    from exporter.sources import keras_archive, vocabulary
    from exporter.sources.user_code import import_custom_objects

    if os.path.isdir(path):
        raise ExportError(
            f"{path}: Keras 3 cannot load a SavedModel folder as a model: save it as .keras, or export its "
            "tensors with `projector-export checkpoint`"
        )
    if not os.path.isfile(path):
        raise ExportError(f"{path}: no such file")
    if keras_archive.is_keras_archive(path) or keras_archive.is_hdf5(path):
        keras_archive.list_tensors(path)  # Keras would follow HDF5 references out of the file; refuse them first
        vocabulary.check_reloadable(path)  # in a second, not after a minute of loading
    objects = import_custom_objects(custom_objects)
    try:
        return keras.saving.load_model(path, safe_mode=not unsafe, compile=False, custom_objects=objects)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ExportError(f"{path}: cannot load the model, the file is truncated or corrupt ({error})") from None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ExportError(f"{path}: {why_unloadable(str(error), bool(custom_objects))}") from None


def why_unloadable(message, given_objects):
    """What a Keras load error means for the user, from its innermost "Exception encountered" part."""
    import re

    # "A total of 2 objects could not be loaded. Example error message for object <...>:\n\n<the cause>\n\n..."
    example = re.search(r"could not be loaded\. Example error message for object .*?:\n\n(.+?)(\n\nList of|$)", message,
                        re.DOTALL)
    if example:
        message = example.group(1)
    missing = re.search(r"Could not locate (function|class) '([^']+)'", message)
    if missing:
        kind, name = missing.groups()
        where = "the modules given with --custom-objects do not define it" if given_objects else "Keras does not know it"
        return (f"the model needs the Python {kind} {name.split('>')[-1]!r} ({name!r} when registered), and {where}: "
                "pass --custom-objects FILE.py (or a module name), the code that defines it, such as the training "
                "script's module (its code runs: only for code you trust)")
    if "safe_mode" in message or "lambda" in message.lower():
        return ("it carries Python code (a Lambda layer or custom function) that safe mode does not run: "
                "pass --unsafe only if you trust the file")
    innermost = message.split("Exception encountered:")[-1].strip()
    return f"cannot load the model: {innermost.split('. ')[0].splitlines()[0]}"
