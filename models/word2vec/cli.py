"""`projector-train word2vec`: skip-gram word2vec on an artificial language, a snapshot per epoch."""

from models import arguments as options
from models import LAYOUTS

at_least = options.at_least

#: Sizes of `run_demo`: both languages train and export in well under 90 s on 2 cores.
DEMO = {"num_sentences": 2000, "epochs": 8}


def register(subparsers):
    parser = subparsers.add_parser(
        "word2vec",
        help="word2vec on a 26-word artificial language, watched epoch by epoch in the projector",
        description="Generate the 'proximity' language (each word sits beside its alphabet neighbours) or "
        "the 'random' one, train skip-gram word2vec with negative sampling, and export the word vectors after "
        "every epoch as tensors embedding.epoch-NNN (with a 'moved' column and a 3-D PCA picture pca.png), "
        "plus scalars sim(bbb, ...) and bbb's nearest neighbours. Example: projector-train word2vec "
        "--language proximity --epochs 10 --logdir logdir; then tensorboard --logdir logdir",
    )
    parser.add_argument("--language", choices=("proximity", "random"), default="proximity",
                        help="which language to generate (default: %(default)s)")
    options.add_epochs(parser, default=10)
    options.add_logdir(parser)
    options.add_run(parser, default=None, default_help="word2vec-<language>")
    parser.add_argument("--sentences", type=at_least(1), metavar="N", default=5000,
                        help="sentences to generate (default: %(default)s)")
    parser.add_argument("--sentence-length", type=at_least(2), metavar="N", default=7,
                        help="words per sentence (default: %(default)s)")
    parser.add_argument("--width", type=at_least(1), metavar="N", default=2,
                        help="proximity language: next word at most this many letters away (default: %(default)s)")
    options.add_vocab_size(parser, default=26, minimum=2, help="vocabulary size: aaa, bbb, ...; at most 26",
                           old=("--words",))
    options.add_embedding_dim(parser, default=16, minimum=2, old=("--dim",))
    parser.add_argument("--every", type=at_least(1), metavar="N", default=1,
                        help="export a snapshot every N epochs (default: %(default)s)")
    parser.add_argument("--keep", type=at_least(1), metavar="N",
                        help="keep only the newest N snapshots (default: all)")
    parser.add_argument("--watch", metavar="WORD", default="bbb",
                        help="word whose similarities are logged as scalars (default: %(default)s)")
    options.add_seed(parser, help="seed of the language and the training")
    options.add_layouts(parser)
    parser.set_defaults(handler=run)


def run(args):
    train_and_export(
        args.language, logdir=args.logdir, run=args.run, epochs=args.epochs, num_sentences=args.sentences,
        sentence_length=args.sentence_length, width=args.width, num_words=args.vocab_size, dim=args.embedding_dim,
        every=args.every, keep=args.keep, watch=args.watch, seed=args.seed, layouts=args.layouts,
    )


def run_demo(logdir):
    """Trains both languages on a small sample and exports their snapshots into `logdir`."""
    for language in ("proximity", "random"):
        train_and_export(language, logdir=logdir, verbose=2, **DEMO)


def train_and_export(data=None, *, logdir="logdir", run=None, layouts=LAYOUTS, **options):
    """Trains on the language `data` ("proximity", the default, or "random"), exporting a snapshot per epoch
    into `logdir/run` (default run: word2vec-<language>); prints how well it learned and returns a
    `models.outcome.Outcome` (its exports: the snapshots on disk, oldest first)."""
    from exporter import resolve_run_dir
    from models.outcome import Outcome
    from models.word2vec.ground_truth import chance_level, neighbours_within
    from models.word2vec.train import train, word_vectors

    language = data or "proximity"
    run = run or f"word2vec-{language}"
    exports = {}
    model = train(language, logdir=logdir, run=run, layouts=layouts,
                  on_snapshot=lambda result: exports.__setitem__(result.name, result), **options)
    vectors = word_vectors(model)
    within = neighbours_within(vectors)
    print(f"{language}: both nearest neighbours within 2 letters for {within:.0%} of words "
          f"(chance {chance_level(len(vectors)):.1%}) -> {logdir}/{run}")
    keep = options.get("keep")
    on_disk = dict(list(exports.items())[-keep:]) if keep else exports
    return Outcome(resolve_run_dir(logdir, run), on_disk, None, {"neighbours_within_2": within})
