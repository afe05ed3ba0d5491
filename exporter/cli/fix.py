"""`projector-export fix`: repair what Keras 3's `TensorBoard(embeddings_freq=...)` callback wrote
(`exporter.keras_logdir_fix` does it)."""

import os

from exporter.cli.arguments import add_logdir
from exporter.cli.common import add_export_options, add_unicode_errors_arg, add_vocab_fit_args, export_options, report


def register(subparsers):
    parser = subparsers.add_parser(
        "fix",
        help="make the Keras 3 TensorBoard callback's embeddings (embeddings_freq) visible in the projector",
        description="Keras 3's TensorBoard(embeddings_freq=...) writes .weights.h5 snapshots and a projector "
        "config TensorBoard cannot use (keras-team/keras#20210). This exports the latest snapshot's "
        "Embedding layers (tensors 'embedding', 'embedding_1', ... in layer order) into the run beside "
        "the snapshots, keeping the embeddings_metadata files, and removes the broken config entries. It also "
        "converts runs holding exports of projector-export's older checkpoint format to tensor files. "
        "Example: projector-export fix --logdir logs",
    )
    add_logdir(parser, positional=True, help="the log_dir given to keras.callbacks.TensorBoard")
    add_vocab_fit_args(parser)
    add_unicode_errors_arg(parser)
    add_export_options(parser)
    parser.set_defaults(handler=run)


def run(args):
    from exporter.keras_logdir_fix import KERAS_TENSOR_NAME, fix_keras_logdir

    fixed = fix_keras_logdir(args.logdir, vocab_trim=args.vocab_trim, vocab_pad=args.vocab_pad,
                             unicode_errors=args.unicode_errors, drop_nonfinite=args.drop_nonfinite,
                             options=export_options(args))
    if not fixed.configs and not fixed.upgraded:
        print(f"nothing to fix: no projector config in {args.logdir} names {KERAS_TENSOR_NAME}, "
              "and no run holds exports of the older checkpoint format")
    for config in fixed.configs:
        print(f"{config.folder}: {len(config.exports)} embedding(s) from {os.path.basename(config.snapshot)}")
        for result in config.exports:
            report(result)
        print(f"removed the callback's broken entries from {config.config}")
    for run, names in fixed.upgraded.items():
        print(f"{os.path.join(args.logdir, run)}: converted {len(names)} export(s) of the older checkpoint format to "
              f"tensor files, which TensorBoard reads with or without TensorFlow: {', '.join(names)}")
