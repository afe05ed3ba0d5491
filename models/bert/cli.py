"""`projector-train bert`: fine-tune BERT on GoEmotions, export [CLS] embeddings before and after.

Example (the command's options; `train_and_export` fine-tunes, so it runs in
tests/integration/training/test_bert.py, which checks both exports):
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["bert", "--epochs", "2", "--logdir", "logs"])
>>> args.epochs, args.run, args.max_length, [str(layout) for layout in args.layouts]
(2, 'bert', 64, ['tsne', 'umap'])
"""

import argparse
import os

from models import arguments as options
from models import LAYOUTS
from models.bert import RUN

MODEL_FILE = "emotion_classifier.keras"
SCALARS_DIR = "fine_tuning"
#: Word pieces per text when fine-tuning (GoEmotions comments are short; longer ones are truncated).
TRAIN_MAX_LENGTH = 64


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
    options.add_max_length(parser, default=TRAIN_MAX_LENGTH)
    options.add_seed(parser, help="shuffling and initialisation seed")
    options.add_logdir(parser)
    options.add_run(parser, default=RUN)
    options.add_layouts(parser)
    parser.add_argument("--save", metavar="FILE.keras",
                        help=f"where to save the fine-tuned model (default: LOGDIR/RUN/{MODEL_FILE})")
    parser.set_defaults(handler=run)


def run(args):
    import keras

    from models.bert.data import SAMPLE_DIR, check_emotions, download_simplified, load_goemotions

    keras.utils.set_random_seed(args.seed)
    emotions = check_emotions(args.emotions)
    data = download_simplified() if args.data == "download" else args.data or SAMPLE_DIR
    train, test = (load_goemotions(data, split, emotions, seed=args.seed) for split in ("train", "test"))
    print(f"fine-tuning on {len(train)} examples, exporting {len(test)} test examples", flush=True)
    outcome = train_and_export((train, test), logdir=args.logdir, run=args.run, bert=args.bert, epochs=args.epochs,
                               max_length=args.max_length, model_path=args.save, layouts=args.layouts)
    for result in outcome.exports.values():
        print(f"exported {result.name}: {result.shape[0]} x {result.shape[1]} -> {result.run_dir}")
    print(f"test accuracy {outcome.metrics['accuracy']:.3f}, macro-F1 {outcome.metrics['macro_f1']:.3f}; "
          f"model saved to {outcome.model_path}")


def run_demo(logdir):
    """Fine-tunes the packaged MiniLM on the bundled sample (about a minute on 2 cores) and exports it."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    run(parser.parse_args(["bert", "--logdir", os.fspath(logdir)]))


def train_and_export(data=None, *, logdir="logdir", run=None, layouts=LAYOUTS, bert=None, epochs=2,
                     max_length=TRAIN_MAX_LENGTH, batch_size=32, model_path=None, verbose="auto"):
    """Trains on `data` = (train, test) DataFrames (text, emotion; None: the bundled sample), exports `test`
    before/after into `logdir/run` (default run: bert), saves the model; returns a `models.outcome.Outcome`.

    The emotions are those of train, in sorted order; `model_path` defaults to
    `logdir/run/emotion_classifier.keras`; `verbose` is Keras's (2: one line per epoch).
    Its metrics are the test split's accuracy and macro-F1; its extras the test split's
    embeddings "before" and "after" fine-tuning and their "metadata".
    """
    from exporter import SentenceEncoder, resolve_run_dir
    from models.bert.data import SAMPLE_DIR, load_goemotions
    from models.bert.export import export_before_after, predict, prediction_metadata
    from models.bert.model import build_classifier
    from models.bert.train import fine_tune, scores
    from models.outcome import Outcome
    from models.saving import save_model, staged_run

    run = run or RUN
    train, test = data if data is not None else (load_goemotions(SAMPLE_DIR, split) for split in ("train", "test"))
    emotions = sorted(train["emotion"].unique())
    encoder = SentenceEncoder.load(bert, max_length=max_length)
    model = build_classifier(encoder.backbone, len(emotions))
    with staged_run(logdir, run) as staging:
        before, _, _ = predict(model, encoder, test["text"])
        fine_tune(model, encoder, train["text"], train["emotion"].map(emotions.index), epochs=epochs,
                  batch_size=batch_size, tensorboard_dir=os.path.join(staging, SCALARS_DIR), verbose=verbose)
        after, probabilities, lengths = predict(model, encoder, test["text"])
        metadata = prediction_metadata(test["text"], test["emotion"], probabilities, lengths, emotions)
        exports = {r.name: r for r in export_before_after(before, after, metadata, logdir=logdir, run=run,
                                                          layouts=layouts)}
        save_model(model, model_path or os.path.join(staging, MODEL_FILE))
    accuracy, macro_f1 = scores(test["emotion"].map(emotions.index).to_numpy(int), probabilities)
    model_path = model_path or os.path.join(logdir, run, MODEL_FILE)
    return Outcome(resolve_run_dir(logdir, run), exports, model_path, {"accuracy": accuracy, "macro_f1": macro_f1},
                   {"before": before, "after": after, "metadata": metadata})
