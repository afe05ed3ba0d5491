"""`projector-train sentiment`: the "Word embeddings" tutorial model on IMDb, exported as word vectors.

Example:
    projector-train sentiment --epochs 5 --logdir logdir
    tensorboard --logdir logdir   # run "sentiment", tensor "words"; colour by "sentiment"
"""

import os

from models import arguments as options
from models.distribute import add_strategy_argument
from models import LAYOUTS
from models.sentiment import RUN

DEMO_EPOCHS = 15


def register(subparsers):
    parser = subparsers.add_parser(
        "sentiment",
        help="train the IMDb sentiment model (TextVectorization -> Embedding -> pooling -> Dense) "
        "and export its word embeddings",
        description="Train the TensorFlow 'Word embeddings' tutorial model on IMDb reviews, write its "
        "scalars and sentiment.keras to LOGDIR/RUN/, and export the Embedding rows as tensor "
        "'words' of that run (columns word, count, rank, sentiment). Example: "
        "projector-train sentiment --data /data/aclImdb_v1.tar.gz --epochs 8",
    )
    options.add_data(
        parser,
        help="aclImdb_v1.tar.gz, its aclImdb/ folder, a folder with train.csv.gz/test.csv.gz, one CSV "
        "(id,rating,sentiment,review,url), or 'download' for the official Stanford tarball "
        "(default: the bundled 2,400-review sample)",
    )
    options.add_epochs(parser, default=DEMO_EPOCHS, help="most epochs; the best validation epoch is kept")
    options.add_logdir(parser)
    options.add_run(parser, default=RUN)
    options.add_vocab_size(parser, default=20000, minimum=3, help="vocabulary size, padding and [UNK] included")
    options.add_max_length(parser, default=400, old=("--sequence-length",))
    options.add_embedding_dim(parser, default=16)
    options.add_batch_size(parser, default=256, help="global batch size")
    options.add_seed(parser, help="shuffling and initialisation seed")
    add_strategy_argument(parser)
    options.add_layouts(parser)
    parser.set_defaults(handler=run)


def run(args):
    from models.sentiment.data import download
    from models.sentiment.model import Hyperparameters

    params = Hyperparameters(
        vocab_size=args.vocab_size, sequence_length=args.max_length, embedding_dim=args.embedding_dim
    )
    data = download() if args.data == "download" else args.data  # None: the bundled sample
    train_and_export(data, logdir=args.logdir, run=args.run, epochs=args.epochs, params=params,
                     strategy=args.strategy, batch_size=args.batch_size, seed=args.seed, layouts=args.layouts)


def run_demo(logdir):
    """Trains on the bundled sample and exports into `logdir/sentiment`."""
    train_and_export(None, logdir=logdir, epochs=DEMO_EPOCHS)


def train_and_export(data=None, *, logdir="logdir", run=None, layouts=LAYOUTS, **options):
    """Trains on `data` (see `data.load_imdb`; None: the bundled sample), saves the model, exports the word
    vectors into `logdir/run` (default run: sentiment); prints a summary and returns a `models.outcome.Outcome`."""
    from models.outcome import Outcome
    from models.sentiment.export import export_words
    from models.sentiment.train import MODEL_FILE, train

    run = run or RUN
    trained = train(data, logdir=logdir, run=run, **options)
    metrics = {} if trained.test_accuracy is None else {"test_accuracy": trained.test_accuracy}
    if metrics:
        print(f"test accuracy: {trained.test_accuracy:.4f}")
    exports = {}
    if trained.is_chief:
        result = export_words(trained, logdir=logdir, run=run, layouts=layouts)
        exports[result.name] = result
        n, d = result.shape
        print(f"exported {result.name}: {n} x {d} -> {result.run_dir} (model: {trained.run_dir}/{MODEL_FILE})")
    return Outcome(trained.run_dir, exports, os.path.join(trained.run_dir, MODEL_FILE), metrics,
                   {"trained": trained})
