"""`projector-train softmax`: a news classifier whose softmax outputs are the points.

Example:
    projector-train softmax --logdir logdir            # bundled AG News sample
    projector-train softmax --data /data/ag_news_csv   # or --data download
    tensorboard --logdir logdir   # run "softmax", tensor "probabilities"; colour by "true_class"
"""

import os

from models import arguments as options
from models.distribute import add_strategy_argument
from models import LAYOUTS
from models.softmax import RUN

DEMO_EPOCHS = 3


def register(subparsers):
    parser = subparsers.add_parser(
        "softmax",
        help="train a news classifier (AG News / DBpedia) and export its softmax outputs",
        description="Train a TF-IDF bigram -> Dense(softmax) classifier, write its scalars and "
        "news_classifier.keras to LOGDIR/RUN/, and export its test-set probability vectors as tensor "
        "'probabilities' (columns title, kind, true_class, predicted_class, confidence, correct), with "
        "one anchor point per class at its one-hot vertex and one at its class mean, plus "
        "class_correlation.png. Example: projector-train softmax --data download --dataset dbpedia",
    )
    options.add_data(
        parser,
        help="a folder with classes.txt, train.csv (or train*.csv[.gz]) and test.csv in the official "
        "class,title,content format, or 'download' for the official archive of --dataset "
        "(default: the bundled AG News sample)",
    )
    parser.add_argument("--dataset", choices=("ag_news", "dbpedia"), default="ag_news",
                        help="which archive --data download fetches (default: %(default)s)")
    options.add_epochs(parser, default=DEMO_EPOCHS)
    options.add_batch_size(parser, default=64, help="global batch size")
    options.add_vocab_size(parser, default=50_000, help="vocabulary size: most frequent words and bigrams",
                           old=("--max-tokens",))
    options.add_logdir(parser)
    options.add_run(parser, default=RUN)
    options.add_seed(parser, help="shuffling and initialisation seed")
    add_strategy_argument(parser)
    options.add_layouts(parser)
    parser.set_defaults(handler=run)


def run(args):
    train_and_export(args.data, dataset=args.dataset, logdir=args.logdir, run=args.run, epochs=args.epochs,
                     batch_size=args.batch_size, max_tokens=args.vocab_size, seed=args.seed,
                     strategy=args.strategy, layouts=args.layouts)


def run_demo(logdir):
    """Trains on the bundled AG News sample and exports into `logdir/softmax`."""
    train_and_export(None, logdir=logdir, epochs=DEMO_EPOCHS)


def train_and_export(data=None, *, logdir="logdir", run=None, layouts=LAYOUTS, dataset="ag_news",
                     strategy="default", seed=0, **options):
    """Loads `data` (see `load_news`; None: the bundled sample), trains, saves the model and exports into
    `logdir/run` (default run: softmax); prints a summary and returns a `models.outcome.Outcome`."""
    from exporter import resolve_run_dir
    from models.distribute import is_chief, make_strategy
    from models.outcome import Outcome
    from models.saving import staged_run
    from models.softmax.data import load_news
    from models.softmax.export import export_probabilities
    from models.softmax.train import MODEL_FILE, train_classifier

    run = run or RUN
    strategy = make_strategy(strategy)  # first: multi-worker must start before other TensorFlow ops
    news = load_news(data, dataset=dataset, seed=seed)
    print(f"{len(news.train)} training and {len(news.test)} test rows, {len(news.class_names)} classes", flush=True)
    with staged_run(logdir, run) as staging:
        model, history = train_classifier(news, run_dir=staging, strategy=strategy, seed=seed, **options)
        if not is_chief(strategy):
            return Outcome(resolve_run_dir(logdir, run), {})
        metrics = {"test_accuracy": history["val_accuracy"][-1]}
        result = export_probabilities(model, news, logdir=logdir, run=run, layouts=layouts)
    n, d = result.shape
    print(f"test accuracy {metrics['test_accuracy']:.4f}; exported {result.name}: {n} x {d} -> {result.run_dir}")
    return Outcome(result.run_dir, {result.name: result}, os.path.join(result.run_dir, MODEL_FILE), metrics)

