"""`projector-export text`: sentence embeddings of any texts (all-MiniLM-L6-v2 by default), exported."""

from exporter.cli.common import add_destination_args, add_export_options, export_options, report


def register(subparsers):
    parser = subparsers.add_parser(
        "text",
        help="embed the texts of a CSV/TSV/text file (or a list of words) with a BERT sentence encoder",
        description="Embed every text with a BERT sentence encoder, mean pooled over its word pieces and "
        "scaled to unit length as all-MiniLM-L6-v2 is meant to be used, and export one point per text "
        "with the text, its label and its length in word pieces as metadata. Batches are streamed, so "
        "memory stays flat however many texts there are. Examples: projector-export text reviews.csv "
        "--text-column review --label-column stars --logdir logdir --run reviews --name sentences;  "
        "projector-export text words.txt --words --logdir logdir --run words --name words",
    )
    parser.add_argument("file", metavar="FILE",
                        help=".csv or .tsv with a header, or a text file with one text (or word) per line")
    parser.add_argument("--text-column", metavar="COL", help="column holding the texts (.csv/.tsv)")
    parser.add_argument("--label-column", metavar="COL", help="extra metadata column, e.g. the class")
    parser.add_argument("--words", action="store_true",
                        help="word mode: FILE lists words (one per line, or a column); repeats are dropped "
                        "and the word is the only label, ready for `projector-export neighbors`")
    add_encoder_args(parser)
    add_destination_args(parser, default_name="sentences")
    add_export_options(parser)
    parser.set_defaults(handler=run)


def add_encoder_args(parser):
    parser.add_argument("--bert", metavar="DIR",
                        help="Hugging Face BERT folder or keras-hub preset (default: the packaged all-MiniLM-L6-v2)")
    parser.add_argument("--max-length", type=int, metavar="N",
                        help="word pieces per text; longer texts are truncated (default: the model's, 256 for MiniLM)")
    parser.add_argument("--batch-size", type=int, default=64, help="texts per forward pass (default: %(default)s)")


def run(args):
    from exporter.export import export_embeddings
    from exporter.sources.sentence_encoder import SentenceEncoder

    texts, metadata = read_texts(args)
    encoder = SentenceEncoder.load(args.bert, max_length=args.max_length)
    (vectors,), lengths = encoder.apply(encoder.pooler, texts, batch_size=args.batch_size)
    if not args.words:
        metadata["tokens"] = lengths
    result = export_embeddings(
        vectors, metadata, logdir=args.logdir, run=args.run, name=args.name,
        drop_nonfinite=args.drop_nonfinite, **export_options(args),
    )
    report(result)


def read_texts(args):
    """(texts, metadata) from args.file: a DataFrame of text (+ label) columns, or the words themselves."""
    import pandas as pd

    from exporter.errors import ExportError
    from exporter.sources.sentence_encoder import check_texts
    from exporter.sources.text_table import TEXT_COLUMN, column, read_text_table

    frame = read_text_table(args.file)
    is_table = args.file.endswith((".csv", ".tsv"))
    if is_table and not args.text_column:
        raise ExportError(f"{args.file}: say which column holds the texts with --text-column "
                          f"(columns: {', '.join(map(str, frame.columns))})")
    texts = check_texts(column(frame, args.text_column if is_table else TEXT_COLUMN, args.file))
    if args.words:
        words = list(dict.fromkeys(t.strip() for t in texts))
        return words, words
    metadata = pd.DataFrame({"text": texts})
    if args.label_column:
        if not is_table:
            raise ExportError(f"{args.file}: --label-column needs a .csv or .tsv file with a header")
        metadata[args.label_column] = column(frame, args.label_column, args.file)
    return texts, metadata
