"""`projector-export activations`: a saved Keras text model's layer outputs over a CSV/TSV of texts."""

from exporter.cli.arguments import add_batch_size, add_data, add_label_column, add_text_column
from exporter.cli.common import (
    add_destination_args, add_export_options, add_unicode_errors_arg, export_options, report,
)

UNSAFE_HELP = (
    "allow the .keras file to run Python code it carries (Lambda layers, custom functions) while "
    "loading. Off by default because such code runs with your permissions: pass it only for "
    "files you trust"
)


def register(subparsers):
    parser = subparsers.add_parser(
        "activations",
        help="run a saved Keras text model over a CSV/TSV and export one layer's outputs",
        description="Load a .keras (or legacy .h5) text model in Keras safe mode, run it over the "
        "texts of --data in batches, and export the named layer's outputs, one point per text, with "
        "the text (and label) as metadata. Example: projector-export activations model.keras "
        "--layer pooled --data reviews.csv --text-column text --label-column label --logdir logdir "
        "--run imdb --name sentences",
    )
    parser.add_argument("model", metavar="MODEL", help="a saved Keras model taking raw strings (.keras or .h5)")
    parser.add_argument("--layer", required=True, help="layer whose outputs to export (see model.summary())")
    add_data(parser, required=True,
             help="CSV or TSV (by extension) with a header, or text (one per line, column 'text')")
    add_text_column(parser, required=True)
    add_label_column(parser)
    add_batch_size(parser, default=256, help="texts per forward pass")
    parser.add_argument("--unsafe", action="store_true", help=UNSAFE_HELP)
    parser.add_argument("--custom-objects", action="append", default=[], metavar="FILE.py|MODULE",
                        help="import this Python file or module first, so the functions and classes the model was "
                        "built with (e.g. a registered custom_standardization) can be rebuilt; it runs that code, "
                        "so pass only code you trust (repeatable)")
    add_unicode_errors_arg(parser)
    add_destination_args(parser, default_name="activations")
    add_export_options(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.export import export_embeddings
    from exporter.sources.activations import layer_outputs

    frame = _read_texts(args.data, [c for c in (args.text_column, args.label_column) if c], args.unicode_errors)
    model = _load_model(args.model, unsafe=args.unsafe, custom_objects=args.custom_objects)
    texts = frame[args.text_column].to_numpy(dtype=object)
    outputs = layer_outputs(model, args.layer, texts, batch_size=args.batch_size)
    result = export_embeddings(
        outputs, frame, logdir=args.logdir, run=args.run, name=args.name,
        drop_nonfinite=args.drop_nonfinite, options=export_options(args),
    )
    report(result)


def _read_texts(path, columns, unicode_errors):
    import pandas as pd

    from exporter.errors import ExportError
    from exporter.sources.text_table import column, read_text_table

    frame = read_text_table(path, unicode_errors=unicode_errors)
    if frame.empty:
        raise ExportError(f"--data {path}: no rows")
    return pd.DataFrame({name: column(frame, name, path) for name in columns})


def _load_model(path, *, unsafe, custom_objects=()):
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
