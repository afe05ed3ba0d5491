"""`projector-export inspect`: what a model file, checkpoint or vector file offers for export."""

from exporter.cli.common import add_unicode_errors_arg

FORMATS_HELP = (
    "Reads .keras archives, .weights.h5, legacy .h5, SavedModel folders, TensorFlow checkpoints "
    "(object-based TF2 and name-based TF1), keras-hub preset folders, Hugging Face safetensors folders, "
    "word2vec binary and word2vec/GloVe text. Nothing in the file is executed: weights are read as data."
)


def register(subparsers):
    parser = subparsers.add_parser(
        "inspect",
        help="list the exportable tensors and vocabularies of a model, checkpoint or vector file",
        description=f"List every 2-D tensor (name, shape, dtype, owning layer) and every vocabulary "
        f"found, to choose --tensor and --vocab for `projector-export checkpoint`. {FORMATS_HELP} "
        "Example: projector-export inspect model.keras",
    )
    parser.add_argument("path", metavar="PATH", help="model file, checkpoint prefix or folder, or vector file")
    parser.add_argument("--all", action="store_true",
                        help="also list tensors that are not 2-D, and optimizer state (Adam moments, momentum)")
    add_unicode_errors_arg(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.sources.file_contents import file_contents

    contents = file_contents(args.path, args.unicode_errors)
    print(f"{args.path}: {contents.format}")
    print(f"exportable tensors (2-D): {len(contents.exportable)}")
    for tensor in contents.exportable:
        print(f"  {tensor.describe()}")
    others = contents.others
    slots = sum(1 for t in others if t.slot_of)
    if args.all:
        print(f"other tensors: {len(others)}")
        for tensor in others:
            print(f"  {tensor.describe()}")
    elif others:
        hidden = f"{slots} optimizer state, {len(others) - slots} not 2-D" if slots else "not 2-D"
        print(f"other tensors: {len(others)} ({hidden}; --all lists them)")
    print(f"vocabularies: {len(contents.vocabularies)}")
    for vocabulary in contents.vocabularies:
        print(f"  {vocabulary.describe()}")
