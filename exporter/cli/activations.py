"""`projector-export activations`: a saved Keras text model's layer outputs over a CSV/TSV of texts."""

from exporter.cli.arguments import add_batch_size, add_data, add_label_column, add_text_column
from exporter.cli.common import add_export_args, export_options, report
from exporter.cli.runner import add_runner_args, pipeline_logging, pipeline_run

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
    add_export_args(parser, "activations")
    add_runner_args(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.export_texts import export_layer_outputs

    with pipeline_logging(args):
        result = export_layer_outputs(
            args.model, args.layer, args.data, text_column=args.text_column, label_column=args.label_column,
            batch_size=args.batch_size, unsafe=args.unsafe, custom_objects=args.custom_objects,
            unicode_errors=args.unicode_errors, logdir=args.logdir, run=args.run, name=args.name,
            drop_nonfinite=args.drop_nonfinite, options=export_options(args), pipeline=pipeline_run(args),
        )
    report(result)
