"""`projector-export checkpoint`: one tensor of a model file or checkpoint, with its vocabulary."""

from exporter.cli.common import (
    add_destination_args, add_export_options, add_unicode_errors_arg, add_vocab_fit_args, exported_rows, export_options,
    report,
)
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
    add_unicode_errors_arg(parser)
    add_destination_args(parser)
    add_export_options(parser)
    parser.set_defaults(handler=run)


def run(args):
    import warnings

    from exporter.errors import ExportWarning
    from exporter.export import export_embeddings
    from exporter.sources import on_disk, vocabulary

    disk_format, tensor = on_disk.find_tensor(args.path, args.tensor, include_state=args.all)
    # Formats that read single rows are read after sampling; the others whole, now (their shape is the matrix's).
    whole = None if disk_format.reads_rows else on_disk.read_rows(args.path, disk_format, tensor)
    rows = tensor.shape[0] if whole is None else len(whole)
    if args.vocab == "none":
        chosen = None
    elif args.vocab == "auto":
        chosen = vocabulary.choose_vocabulary(vocabulary.find_vocabularies(args.path, args.unicode_errors), rows)
        if chosen is None:
            warnings.warn(f"{args.path}: no vocabulary found, rows are unlabelled: pass --vocab FILE", ExportWarning)
    else:
        chosen = vocabulary.read_vocabulary(args.vocab, unicode_errors=args.unicode_errors)
    labels = None
    if chosen is not None:
        labels = vocabulary.labels_for_rows(chosen, rows=rows, tensor=tensor.name, trim=args.vocab_trim,
                                            pad=args.vocab_pad)
        rows = len(labels)
        print(f"rows labelled by {chosen.source}")
    # The rows the export's sampling keeps, read alone: a 10^6-row tensor sampled to 1000 reads 1000.
    picked = exported_rows(args, rows)
    if labels is not None and not isinstance(picked, slice):
        labels = labels.iloc[picked].reset_index(drop=True)
    matrix = on_disk.read_rows(args.path, disk_format, tensor, picked) if whole is None else whole[picked]
    result = export_embeddings(
        matrix, labels, logdir=args.logdir, run=args.run, name=args.name,
        drop_nonfinite=args.drop_nonfinite, options=export_options(args),
    )
    report(result)
