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
    add_unicode_errors_arg(parser)
    add_destination_args(parser, default_name="activations")
    add_export_options(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.export import export_embeddings
    from exporter.sources.activations import layer_outputs

    frame = _read_texts(args.data, [c for c in (args.text_column, args.label_column) if c], args.unicode_errors)
    model = _load_model(args.model, unsafe=args.unsafe)
    texts = frame[args.text_column].to_numpy(dtype=object)
    outputs = layer_outputs(model, args.layer, texts, batch_size=args.batch_size)
    result = export_embeddings(
        outputs, frame, logdir=args.logdir, run=args.run, name=args.name,
        drop_nonfinite=args.drop_nonfinite, **export_options(args),
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


def _load_model(path, *, unsafe):
    import os

    import keras

    from exporter.errors import ExportError
    from exporter.sources import keras_archive

    if os.path.isdir(path):
        raise ExportError(
            f"{path}: Keras 3 cannot load a SavedModel folder as a model: save it as .keras, or export its "
            "tensors with `projector-export checkpoint`"
        )
    if not os.path.isfile(path):
        raise ExportError(f"{path}: no such file")
    if keras_archive.is_keras_archive(path) or keras_archive.is_hdf5(path):
        keras_archive.list_tensors(path)  # Keras would follow HDF5 references out of the file; refuse them first
    try:
        return keras.saving.load_model(path, safe_mode=not unsafe, compile=False)
    except ValueError as error:
        if "safe_mode" in str(error) or "lambda" in str(error).lower():
            raise ExportError(
                f"{path} carries Python code (a Lambda layer or custom function) that safe mode does not run: "
                "pass --unsafe only if you trust the file"
            ) from None
        raise ExportError(f"{path}: cannot load the model: {str(error).splitlines()[0]}") from None
    except (OSError, TypeError, KeyError) as error:
        raise ExportError(f"{path}: cannot load the model (truncated or corrupt?): {str(error)[:200]}") from None
