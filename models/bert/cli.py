"""`projector-train bert`: fine-tune BERT on GoEmotions, export [CLS] embeddings before and after."""

import argparse
import os

from exporter import cli_arguments as options

DEFAULT_RUN = "bert"


def register(subparsers):
    from models.bert.data import DEFAULT_EMOTIONS

    parser = subparsers.add_parser(
        "bert",
        help="fine-tune a BERT emotion classifier on GoEmotions; export its embeddings before and after",
        description="Fine-tunes BERT ([CLS] -> layer 'flatten' -> Dense(softmax)) on single-label GoEmotions "
        "examples of the chosen emotions and exports the test split's 'flatten' embeddings before and after "
        "fine-tuning as tensors flatten_before and flatten_after of one run, with text, emotion, predicted, "
        "confidence, correct and tokens as metadata. Example: projector-train bert --epochs 2 --logdir logdir",
    )
    options.add_data(parser, help="simplified GoEmotions folder (train.tsv, test.tsv) or a raw goemotions_N.csv "
                     "(default: the bundled sample; 'download' fetches the official release)")
    parser.add_argument("--bert", metavar="DIR",
                        help="Hugging Face BERT folder or keras-hub preset (default: the packaged all-MiniLM-L6-v2)")
    options.add_epochs(parser, default=3, help="fine-tuning epochs")
    parser.add_argument("--emotions", default=",".join(DEFAULT_EMOTIONS),
                        help="comma-separated emotions to keep (default: %(default)s)")
    options.add_max_length(parser, default=64)
    options.add_seed(parser, help="shuffling and initialisation seed")
    options.add_logdir(parser)
    options.add_run(parser, default=DEFAULT_RUN)
    parser.add_argument("--save", metavar="FILE.keras",
                        help="where to save the fine-tuned model (default: LOGDIR/RUN/emotion_classifier.keras)")
    parser.set_defaults(handler=run)


def run(args):
    import keras

    from models.bert.data import SAMPLE_DIR, check_emotions, download_simplified, load_goemotions
    from models.bert.pipeline import fine_tune_and_export

    keras.utils.set_random_seed(args.seed)
    emotions = check_emotions(args.emotions)
    data = download_simplified() if args.data == "download" else args.data or SAMPLE_DIR
    train, test = (load_goemotions(data, split, emotions, seed=args.seed) for split in ("train", "test"))
    print(f"fine-tuning on {len(train)} examples, exporting {len(test)} test examples", flush=True)
    outcome = fine_tune_and_export(train, test, logdir=args.logdir, run=args.run, bert=args.bert, epochs=args.epochs,
                                   max_length=args.max_length, model_path=args.save)
    for result in outcome.exports.values():
        print(f"exported {result.name}: {result.shape[0]} x {result.shape[1]} -> {result.run_dir}")
    print(f"test accuracy {outcome.accuracy:.3f}, macro-F1 {outcome.macro_f1:.3f}; model saved to {outcome.model_path}")


def run_demo(logdir):
    """Fine-tunes the packaged MiniLM on the bundled sample (about a minute on 2 cores) and exports it."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    run(parser.parse_args(["bert", "--logdir", os.fspath(logdir)]))
