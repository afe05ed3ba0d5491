"""`projector-export checkpoint`: one tensor of a model file or checkpoint, with its vocabulary."""

from exporter.cli.common import add_export_args, add_vocab_fit_args, export_options, report
from exporter.cli.inspect import FORMATS_HELP


def register(subparsers):
    parser = subparsers.add_parser(
        "checkpoint",
        help="export one tensor of a .keras/.h5/SavedModel/checkpoint/safetensors/word2vec file",
        description=f"Export one 2-D tensor with a label per row. {FORMATS_HELP} "
        "Example: projector-export checkpoint model.keras --tensor embedding --logdir logdir --run imdb --name words",
    )
    parser.add_argument("path", metavar="PATH", help="model file, checkpoint prefix or folder, or vector file")
    parser.add_argument("--tensor", metavar="NAME",
                        help="tensor name, its last part, or its layer (see `inspect`); optional when "
                        "there is only one 2-D tensor")
    parser.add_argument("--vocab", default="auto", metavar="auto|FILE|none",
                        help="row labels: 'auto' finds a TextVectorization/StringLookup vocabulary in a .keras "
                        "archive, a vocab.txt beside a checkpoint, a keras-hub/Hugging Face tokenizer "
                        "vocabulary, or a word-vector file's words; FILE is one token per line, a "
                        "tokenizer.json, or a metadata .tsv/.csv; 'none' exports unlabelled (default: auto)")
    parser.add_argument("--all", action="store_true",
                        help="allow --tensor to name optimizer state (Adam moments, momentum), hidden otherwise")
    add_vocab_fit_args(parser)
    add_export_args(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.export_file import export_model_tensor

    result, labelled_by = export_model_tensor(
        args.path, tensor=args.tensor, include_state=args.all, vocab=args.vocab, vocab_trim=args.vocab_trim,
        vocab_pad=args.vocab_pad, logdir=args.logdir, run=args.run, name=args.name, unicode_errors=args.unicode_errors,
        drop_nonfinite=args.drop_nonfinite, options=export_options(args),
    )
    if labelled_by:
        print(f"rows labelled by {labelled_by}")
    report(result)
