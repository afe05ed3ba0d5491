"""Which word each row is: vocabularies found next to or inside a model, checked against the rows.

Found automatically (`--vocab auto`): a `TextVectorization` / `StringLookup` vocabulary
inside a `.keras` archive, a `vocab.txt` / `vocabulary.txt` beside a checkpoint or in
a SavedModel's `assets/`, a keras-hub preset's `assets/tokenizer/vocabulary.txt`, a
Hugging Face `vocab.txt` or `tokenizer.json`, the words of a word-vector file.

Example:
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
>>> _ = open(path, "w").write("[PAD]\\n[UNK]\\nthe\\n")
>>> labels_for_rows(read_vocabulary(path), rows=3, tensor="words")["label"].tolist()
['[PAD]', '[UNK]', 'the']
"""

import dataclasses
import glob
import os
import warnings
import zipfile

import pandas as pd

from exporter.errors import ExportError, ExportWarning
from exporter.inside_folder import resolve_inside
from exporter.sources.keras_embedding import PAD_LABEL
from exporter.sources.special_files import refuse_special_file
from exporter.sources.text_encoding import not_utf8_error, open_text
from exporter.table import LABEL_COLUMN
from exporter.untrusted_json import parse_json

#: File names (relative to a model's folder) searched for a vocabulary, in order.
VOCABULARY_FILES = (
    "vocab.txt",
    "vocabulary.txt",
    "tokenizer.json",
    "assets/tokenizer/vocabulary.txt",
    "assets/*vocab*.txt",
)


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """Labels for rows 0..len-1, where they came from, and the layer that owns them if known."""

    source: str
    labels: pd.DataFrame
    owner: str | None = None
    #: A token holding a line break to `str.splitlines()`: Keras's load_model splits it and fails.
    broken_token: str | None = None

    def __len__(self):
        return len(self.labels)

    def describe(self):
        owner = f" (layer {self.owner})" if self.owner else ""
        first = ", ".join(repr(t) for t in self.labels.iloc[:5, 0])
        return f"{self.source}{owner}: {len(self)} entries [{first}{', ...' if len(self) > 5 else ''}]"


def read_vocabulary(path, owner=None, unicode_errors="strict"):
    """A vocabulary file: one token per line (`.txt`), `tokenizer.json`, or a metadata `.tsv`/`.csv`.

    Bytes that are not UTF-8 follow `unicode_errors` (see `text_encoding`).
    """
    from exporter.sources.files import read_metadata

    refuse_special_file(path, "--vocab ")
    if not os.path.isfile(path):
        raise ExportError(f"--vocab {path}: no such file (or pass --vocab auto / none)")
    if path.endswith((".tsv", ".csv")):
        return Vocabulary(path, read_metadata(path, unicode_errors), owner)
    try:
        with open_text(path, unicode_errors) as f:
            text = f.read()
    except UnicodeDecodeError:
        raise not_utf8_error(path) from None
    if path.endswith(".json"):
        return Vocabulary(path, _token_frame(_tokenizer_json_tokens(path, text)), owner)
    return Vocabulary(path, _token_frame(_lines(text)), owner)


def find_vocabularies(path, unicode_errors="strict"):
    """Every vocabulary found in or beside `path` (a model file or folder), most specific first.

    A word-vector file's words follow `unicode_errors` (see `text_encoding`); files beside
    `path` that cannot be read as a vocabulary are skipped.
    """
    from exporter.sources import keras_archive, word_vectors

    if os.path.isfile(path) and keras_archive.is_keras_archive(path):
        found = _archive_vocabularies(path)
    elif os.path.isfile(path) and (word_vectors.is_word2vec_binary(path) or word_vectors.is_word_vectors_text(path)):
        return [Vocabulary(path, _token_frame(word_vectors.read_word_vectors(path, unicode_errors)[1]))]
    else:
        found = []
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    seen = set()
    for pattern in VOCABULARY_FILES:
        for candidate in sorted(glob.glob(os.path.join(glob.escape(folder), pattern))):
            if os.path.isfile(candidate) and candidate not in seen and resolve_inside(folder, candidate):
                seen.add(candidate)
                try:
                    found.append(read_vocabulary(candidate))
                except ExportError:  # e.g. a keras-hub tokenizer.json, which is a config, not a vocabulary
                    continue
    return found


def choose_vocabulary(vocabularies, rows):
    """The vocabulary with exactly `rows` entries, else the first one (None if there is none)."""
    fitting = [v for v in vocabularies if len(v) == rows]
    return (fitting or vocabularies or [None])[0]


def labels_for_rows(vocabulary, *, rows, tensor, trim=False, pad=False, unlabelled="--vocab none", subject=None):
    """The vocabulary's labels when they fit `rows`. With fewer labels than rows, `trim`
    keeps them (only the first len(vocabulary) rows are exported) and `pad` labels the
    other rows "[row N]". Else an `ExportError` that says by how much, why, and which
    flag fixes it (`unlabelled`: the command's flag for no labels, or None; `subject`: what
    has the rows, "tensor '<tensor>'" by default)."""
    entries = len(vocabulary)
    if entries == rows or (trim and entries < rows):
        return vocabulary.labels
    if pad and entries < rows:
        extra = pd.DataFrame({vocabulary.labels.columns[0]: [f"[row {i}]" for i in range(entries, rows)]})
        return pd.concat([vocabulary.labels, extra], ignore_index=True)
    if rows > entries:
        extra = rows - entries
        why = (
            "one extra row: a padding/mask row or one OOV bucket the vocabulary does not list"
            if extra == 1
            else f"{extra} rows without a token: OOV buckets, padding rows, or an Embedding input_dim "
            "above the vocabulary size (max_tokens larger than the words seen)"
        )
        fix = (f"--vocab-trim exports only the first {entries} rows, --vocab-pad labels the other {extra} "
               f"'[row {entries}]' to '[row {rows - 1}]'") + (
                   f", {unlabelled} exports all {rows} unlabelled" if unlabelled else "")
    else:
        why = f"{entries - rows} more tokens than rows: a vocabulary of another model, or a wrong file"
        fix = "pass the right file with --vocab FILE, or --vocab none to export unlabelled"
    raise ExportError(f"{subject or f'tensor {tensor!r}'} has {rows} rows but {vocabulary.source} has {entries} entries ({why}): {fix}")


def check_reloadable(path):
    """An `ExportError` naming why Keras's load_model would fail on the `.keras` archive at `path`, found in a
    second without loading it: a vocabulary token holding a line break to `str.splitlines()`, which Keras
    reads vocabularies back with (the token becomes two: "repeated term")."""
    if not path.endswith(".keras"):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)  # said as an error here
        broken = next((v for v in _archive_vocabularies(path) if v.broken_token is not None), None)
    if broken is not None:
        raise ExportError(
            f"{path}: Keras cannot reload this model: layer {broken.owner!r} has the token {broken.broken_token!r}, "
            "which holds a line break to the str.splitlines() Keras reads vocabularies with, so it becomes two "
            "tokens ('repeated term'): export the embedding with `projector-export checkpoint` (it reads the "
            "vocabulary as written), or replace such characters with spaces before adapting the vectorizer and "
            "save the model again")


def _archive_vocabularies(path):
    """`assets/layers/<layer>/vocabulary.txt` of TextVectorization / StringLookup layers."""
    from exporter.sources.keras_archive import archive_layer_names, read_member

    names = archive_layer_names(path)
    found = {}
    with zipfile.ZipFile(path) as archive:
        for entry in sorted(archive.namelist(), key=len):
            parts = entry.split("/")
            if parts[:2] == ["assets", "layers"] and parts[-1] == "vocabulary.txt":
                # The longest layer path the config names: nested models' layers are layers/<model>/layers/<layer>.
                owner = next((names[key] for key in ("/".join(parts[1:end]) for end in range(len(parts) - 1, 2, -1))
                              if key in names), parts[2])
                if owner not in found:  # TextVectorization also stores its inner lookup layer's copy
                    tokens = _lines(read_member(archive, entry, path).decode("utf-8"), keras_asset=True)
                    broken = next((t for t in tokens if t and t.splitlines() != [t]), None)  # 'great\x85' too
                    if broken is not None:
                        warnings.warn(
                            f"{path}: layer {owner!r} has tokens holding line breaks such as {broken!r}: the labels "
                            "here are right, but Keras' own load_model splits them (str.splitlines) and fails: "
                            "replace those characters before adapting the vectorizer", ExportWarning)
                    found[owner] = Vocabulary(f"{path}:{entry}", _token_frame(tokens), owner, broken)
    return list(found.values())


def _lines(text, keras_asset=False):
    """Tokens one per line. Keras writes them '\\n'-joined with no final newline, and the
    padding token '' first, so an empty first line is a token, a final newline is not."""
    lines = text.split("\n")
    if lines[-1] == "" and not keras_asset:
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _tokenizer_json_tokens(path, text):
    try:
        model = parse_json(text, path, dict)["model"]
        vocab = model["vocab"]
    except (ValueError, KeyError, TypeError):  # JSONError is a ValueError
        raise ExportError(f"{path}: not a Hugging Face tokenizer.json (no model.vocab)") from None
    if isinstance(vocab, dict):  # WordPiece / BPE: {token: id}
        tokens = [""] * len(vocab)
        for token, index in vocab.items():
            if not 0 <= index < len(tokens):
                raise ExportError(f"{path}: token ids are not 0..{len(tokens) - 1}")
            tokens[index] = token
        return tokens
    return [entry[0] for entry in vocab]  # Unigram: [[token, score], ...]


def _token_frame(tokens):
    return pd.DataFrame({LABEL_COLUMN: [str(t) if t != "" else PAD_LABEL for t in tokens]})
