"""`projector-train sentiment`: the "Word embeddings" tutorial model on IMDb, exported as word vectors.

Example:
    projector-train sentiment --epochs 5 --logdir logdir
    tensorboard --logdir logdir   # run "sentiment", tensor "words"; colour by "sentiment"
"""

from exporter.cli.common import at_least
from models.distribute import add_strategy_argument

DEMO_EPOCHS = 15


def register(subparsers):
    parser = subparsers.add_parser(
        "sentiment",
        help="train the IMDb sentiment model (TextVectorization -> Embedding -> pooling -> Dense) "
        "and export its word embeddings",
        description="Train the TensorFlow 'Word embeddings' tutorial model on IMDb reviews, write its "
        "scalars and sentiment.keras to LOGDIR/sentiment/, and export the Embedding rows as tensor "
        "'words' of run 'sentiment' (columns word, count, rank, sentiment). Example: "
        "projector-train sentiment --data /data/aclImdb_v1.tar.gz --epochs 8",
    )
    parser.add_argument(
        "--data", metavar="PATH",
        help="aclImdb_v1.tar.gz, its aclImdb/ folder, a folder with train.csv.gz/test.csv.gz, one CSV "
        "(id,rating,sentiment,review,url), or 'download' for the official Stanford tarball "
        "(default: the bundled 2,400-review sample)",
    )
    parser.add_argument("--epochs", type=at_least(1), metavar="N", default=DEMO_EPOCHS,
                        help="most epochs; the best validation epoch is kept (default: %(default)s)")
    parser.add_argument("--logdir", default="logdir", help="TensorBoard log directory (default: %(default)s)")
    parser.add_argument("--vocab-size", type=at_least(3), metavar="N", default=20000,
                        help="vocabulary size, padding and [UNK] included (default: %(default)s)")
    parser.add_argument("--sequence-length", type=at_least(1), metavar="N", default=400,
                        help="tokens kept per review (default: %(default)s)")
    parser.add_argument("--embedding-dim", type=at_least(1), metavar="N", default=16,
                        help="embedding size (default: %(default)s)")
    parser.add_argument("--batch-size", type=at_least(1), metavar="N", default=256,
                        help="global batch size (default: %(default)s)")
    add_strategy_argument(parser)
    parser.set_defaults(handler=run)


def run(args):
    from models.sentiment.data import download
    from models.sentiment.model import Hyperparameters

    params = Hyperparameters(
        vocab_size=args.vocab_size, sequence_length=args.sequence_length, embedding_dim=args.embedding_dim
    )
    data = download() if args.data == "download" else args.data  # None: the bundled sample
    train_and_export(data, logdir=args.logdir, epochs=args.epochs, params=params,
                     strategy=args.strategy, batch_size=args.batch_size)


def run_demo(logdir):
    """Trains on the bundled sample and exports into `logdir/sentiment`."""
    train_and_export(None, logdir=logdir, epochs=DEMO_EPOCHS)


def train_and_export(data, *, logdir, **options):
    from models.sentiment.export import export_words
    from models.sentiment.train import train

    trained = train(data, logdir=logdir, **options)
    if trained.test_accuracy is not None:
        print(f"test accuracy: {trained.test_accuracy:.4f}")
    if trained.is_chief:
        result = export_words(trained, logdir=logdir)
        n, d = result.shape
        print(f"exported {result.name}: {n} x {d} -> {result.run_dir} (model: {trained.run_dir}/sentiment.keras)")
    return trained



