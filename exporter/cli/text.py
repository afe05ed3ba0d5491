"""`projector-export text`: sentence embeddings of any texts (all-MiniLM-L6-v2 by default), exported."""

import os

from exporter.cli.arguments import (
    add_batch_size, add_data, add_label_column, add_max_length, add_text_column,
)
from exporter.cli.common import (
    add_destination_args, add_export_options, add_unicode_errors_arg, export_options, report,
)
from exporter.cli.runner import add_runner_args, run_pipeline


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
    add_unicode_errors_arg(parser)
    add_destination_args(parser, default_name="sentences")
    add_export_options(parser)
    add_runner_args(parser)
    parser.set_defaults(handler=run)


def add_encoder_args(parser):
    parser.add_argument("--bert", metavar="DIR",
                        help="Hugging Face BERT folder or keras-hub preset (default: the packaged all-MiniLM-L6-v2)")
    add_max_length(parser, default_help="the model's, 256 for MiniLM")
    add_batch_size(parser, default=64, help="texts per forward pass")


def run(args):
    from exporter.export import export_embeddings
    from exporter.sources.sentence_encoder import SentenceEncoder

    if args.runner:
        return run_beam(args)
    texts, metadata = read_texts(args)
    encoder = SentenceEncoder.load(args.bert, max_length=args.max_length)
    (vectors,), lengths = encoder.apply(encoder.pooler, texts, batch_size=args.batch_size)
    if not args.words:
        metadata["tokens"] = lengths
    result = export_embeddings(
        vectors, metadata, logdir=args.logdir, run=args.run, name=args.name,
        drop_nonfinite=args.drop_nonfinite, options=export_options(args),
    )
    report(result)


def run_beam(args):
    """`text --runner ...`: the same embeddings as a Beam pipeline (exporter.pipeline)."""
    from exporter.errors import ExportError
    from exporter.pipeline.infer import SentenceEncoderHandler
    from exporter.sources.sentence_encoder import packaged_minilm_dir

    if args.words:
        raise ExportError("--words needs every word at once (repeats are dropped): run it without --runner")
    if not args.data:
        raise ExportError("no texts: give the files with --data PATTERN (.csv/.tsv/.parquet, or one text per line)")
    if args.bert and not os.path.exists(args.bert):
        raise ExportError(f"--bert {args.bert}: no such folder")
    bert = args.bert or packaged_minilm_dir()  # checked here, before any worker starts
    column = args.text_column or "text"
    names = {column: "text", **({args.label_column: args.label_column} if args.label_column else {})}
    handler = SentenceEncoderHandler(bert, args.max_length, args.batch_size, column)
    run_pipeline(args, handler, names=names, extra_schema={"tokens": "int64"})


def read_texts(args):
    """(texts, metadata) from args.data: a DataFrame of text (+ label) columns, or the words themselves."""
    import pandas as pd

    from exporter.errors import ExportError
    from exporter.sources.sentence_encoder import check_texts
    from exporter.sources.text_table import TEXT_COLUMN, column, read_text_table

    if not args.data:
        raise ExportError("no texts: give the file with --data PATH (.csv/.tsv with a header, or one text per line)")
    frame = read_text_table(args.data, unicode_errors=args.unicode_errors)
    is_table = args.data.endswith((".csv", ".tsv"))
    if is_table and not args.text_column:
        raise ExportError(f"{args.data}: say which column holds the texts with --text-column "
                          f"(columns: {', '.join(map(str, frame.columns))})")
    texts = check_texts(column(frame, args.text_column if is_table else TEXT_COLUMN, args.data))
    if args.words:
        words = list(dict.fromkeys(t.strip() for t in texts))
        return words, words
    metadata = pd.DataFrame({"text": texts})
    if args.label_column:
        if not is_table:
            raise ExportError(f"{args.data}: --label-column needs a .csv or .tsv file with a header")
        metadata[args.label_column] = column(frame, args.label_column, args.data)
    return texts, metadata
