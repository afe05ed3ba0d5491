"""`projector-export text`: sentence embeddings of any texts (all-MiniLM-L6-v2 by default), exported."""

from exporter.cli.arguments import (
    add_batch_size, add_data, add_label_column, add_max_length, add_text_column,
)
from exporter.cli.common import add_export_args, export_options, report
from exporter.cli.runner import add_runner_args, pipeline_logging, pipeline_run


def register(subparsers):
    parser = subparsers.add_parser(
        "text",
        help="embed the texts of a CSV/TSV/text file (or a list of words) with a BERT sentence encoder",
        description="Embed every text with a BERT sentence encoder, mean pooled over its word pieces and "
        "scaled to unit length as all-MiniLM-L6-v2 is meant to be used, and export one point per text "
        "with the text, its label and its length in word pieces as metadata. Batches are streamed, so "
        "memory stays flat however many texts there are. Examples: projector-export text --data reviews.csv "
        "--text-column review --label-column stars --logdir logdir --run reviews --name sentences;  "
        "projector-export text --data words.txt --words --logdir logdir --run words --name words",
    )
    add_data(parser, positional=True,
             help=".csv or .tsv with a header, or a text file with one text (or word) per line")
    add_text_column(parser)
    add_label_column(parser)
    parser.add_argument("--words", action="store_true",
                        help="word mode: --data lists words (one per line, or a column); repeats are dropped "
                        "and the word is the only label, ready for `projector-export neighbours`")
    add_encoder_args(parser)
    add_export_args(parser, "sentences")
    add_runner_args(parser)
    parser.set_defaults(handler=run)


def add_encoder_args(parser):
    parser.add_argument("--bert", metavar="DIR",
                        help="Hugging Face BERT folder or keras-hub preset (default: the packaged all-MiniLM-L6-v2)")
    add_max_length(parser, default_help="the model's, 256 for MiniLM")
    add_batch_size(parser, default=64, help="texts per forward pass")


def run(args):
    from exporter.export_texts import export_sentence_embeddings

    with pipeline_logging(args):
        result = export_sentence_embeddings(
            args.data, text_column=args.text_column, label_column=args.label_column, words=args.words,
            bert=args.bert, max_length=args.max_length, batch_size=args.batch_size,
            unicode_errors=args.unicode_errors, logdir=args.logdir, run=args.run, name=args.name,
            drop_nonfinite=args.drop_nonfinite, options=export_options(args), pipeline=pipeline_run(args),
        )
    report(result)
