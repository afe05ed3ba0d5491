"""Exports computed over files of texts: sentence embeddings, and a saved Keras model's layer outputs.

Each runs in-process, or as an Apache Beam pipeline when given a `PipelineRun` (`exporter.pipeline`:
read -> key -> batch -> infer -> Parquet shards -> merge); either way the table is exported like
every export. `projector-export text` and `activations` call these.

Example:
>>> from exporter.errors import ExportError
>>> try:
...     export_sentence_embeddings("words.txt", words=True, pipeline=PipelineRun("local"))
... except ExportError as error:
...     print(error)
--words needs every word at once (repeats are dropped): run it without --runner
"""

import dataclasses
import os

from exporter.errors import ExportError
from exporter.export_options import ExportOptions


@dataclasses.dataclass(frozen=True)
class PipelineRun:
    """How to run an extraction as a Beam pipeline.

    Args:
      runner: "local" (Beam's FnApiRunner with `workers` processes, offline) or a Beam runner name.
      workers: worker processes of the local runner.
      beam_args: further command-line options for Beam's `PipelineOptions` (--project, ...).
      output: keep the Parquet shards in this folder (any Beam path); None: a temporary folder.
    """

    runner: str
    workers: int = 2
    beam_args: tuple = ()
    output: str = None


def export_sentence_embeddings(data, *, text_column=None, label_column=None, words=False, bert=None, max_length=None,
                               batch_size=64, unicode_errors="strict", logdir="logdir", run="default",
                               name="sentences", drop_nonfinite=False, options=None, pipeline=None):
    """Exports a BERT sentence encoder's embedding of every text of `data`, one point per text.

    Args:
      data: a .csv/.tsv with a header or a file of one text per line (`read_texts`); with
        `pipeline`, a file pattern (.csv/.tsv/.parquet or text) on any Beam file system.
      text_column, label_column, words: see `exporter.sources.text_table.read_texts`.
      bert, max_length: see `SentenceEncoder.load` (default: the packaged all-MiniLM-L6-v2).
      batch_size: texts per forward pass.
      unicode_errors: bytes of `data` that are not UTF-8 (see `exporter.sources.text_encoding`).
      logdir, run, name, drop_nonfinite: see `export_embeddings`.
      options: the `ExportOptions`.
      pipeline: a `PipelineRun` to run as a Beam pipeline; None: in-process.

    Returns:
      The `Export`; its metadata: the text, its label and (unless `words`) its length in word pieces.
    """
    from exporter.export import export_embeddings
    from exporter.sources.sentence_encoder import SentenceEncoder
    from exporter.sources.text_table import read_texts

    where = dict(logdir=logdir, run=run, name=name, drop_nonfinite=drop_nonfinite, options=options or ExportOptions())
    if pipeline is not None:
        return _sentence_embeddings_pipeline(pipeline, data, text_column, label_column, words, bert, max_length,
                                             batch_size, unicode_errors, where)
    texts, metadata = read_texts(data, text_column=text_column, label_column=label_column, words=words,
                                 unicode_errors=unicode_errors)
    encoder = SentenceEncoder.load(bert, max_length=max_length)
    (vectors,), lengths = encoder.apply(encoder.pooler, texts, batch_size=batch_size)
    if not words:
        metadata["tokens"] = lengths
    return export_embeddings(vectors, metadata, **where)


def export_layer_outputs(model, layer, data, *, text_column, label_column=None, batch_size=256, unsafe=False,
                         custom_objects=(), unicode_errors="strict", logdir="logdir", run="default",
                         name="activations", drop_nonfinite=False, options=None, pipeline=None):
    """Exports the outputs of layer `layer` of the saved Keras text model `model` over the texts of `data`.

    Args:
      model: a .keras (or legacy .h5) model taking raw strings, loaded in Keras safe mode.
      layer: the name of the layer whose outputs are exported, one point per text.
      data: a .csv/.tsv with a header, or text (one per line, column "text"); with `pipeline`,
        a file pattern on any Beam file system.
      text_column, label_column: the columns of `data` holding the texts and a label (metadata).
      batch_size: texts per forward pass.
      unsafe, custom_objects: see `exporter.sources.keras_model.load_text_model`.
      unicode_errors: bytes of `data` that are not UTF-8 (see `exporter.sources.text_encoding`).
      logdir, run, name, drop_nonfinite: see `export_embeddings`.
      options: the `ExportOptions`.
      pipeline: a `PipelineRun` to run as a Beam pipeline; None: in-process.

    Returns:
      The `Export`.
    """
    from exporter.export import export_embeddings
    from exporter.sources.activations import find_layer, layer_outputs
    from exporter.sources.keras_model import load_text_model
    from exporter.sources.text_table import read_columns

    where = dict(logdir=logdir, run=run, name=name, drop_nonfinite=drop_nonfinite, options=options or ExportOptions())
    columns = [c for c in (text_column, label_column) if c]
    if pipeline is not None:
        from exporter.pipeline.infer import LayerOutputsHandler

        objects = tuple(custom_objects)
        find_layer(load_text_model(model, unsafe=unsafe, custom_objects=objects), layer)  # before any worker starts
        handler = LayerOutputsHandler(os.path.abspath(model), layer, batch_size, text_column, unsafe, objects)
        return _export_pipeline(pipeline, data, handler, {c: c for c in columns}, text_column, unicode_errors, where)
    frame = read_columns(data, columns, unicode_errors)
    keras_model = load_text_model(model, unsafe=unsafe, custom_objects=custom_objects)
    outputs = layer_outputs(keras_model, layer, frame[text_column].to_numpy(dtype=object), batch_size=batch_size)
    return export_embeddings(outputs, frame, **where)


def _sentence_embeddings_pipeline(pipeline, data, text_column, label_column, words, bert, max_length, batch_size,
                                  unicode_errors, where):
    if words:
        raise ExportError("--words needs every word at once (repeats are dropped): run it without --runner")
    if not data:
        raise ExportError("no texts: give the files with --data PATTERN (.csv/.tsv/.parquet, or one text per line)")
    if bert and not os.path.exists(bert):
        raise ExportError(f"--bert {bert}: no such folder")
    from exporter.pipeline.infer import SentenceEncoderHandler
    from exporter.sources.sentence_encoder import packaged_minilm_dir

    bert = bert or packaged_minilm_dir()  # checked here, before any worker starts
    column = text_column or "text"
    names = {column: "text", **({label_column: label_column} if label_column else {})}
    handler = SentenceEncoderHandler(bert, max_length, batch_size, column)
    return _export_pipeline(pipeline, data, handler, names, text_column, unicode_errors, where,
                            extra_schema={"tokens": "int64"})


def _export_pipeline(pipeline, data, handler, names, text_column, unicode_errors, where, extra_schema=None):
    """Runs `handler` over the files `data` matches as `pipeline` says and exports the merged table.

    `names`: {input column: metadata column}, the texts' first; `text_column` None: plain text
    files only hold texts (a table's must be named)."""
    from exporter.export import export_table
    from exporter.pipeline.extract import extracted
    from exporter.pipeline.options import pipeline_options
    from exporter.pipeline.read import match_shards

    runner, options = pipeline_options(pipeline.runner, pipeline.workers, list(pipeline.beam_args))
    found = match_shards(data, text_column=text_column, needed=list(names)[1:], unicode_errors=unicode_errors)
    with extracted(found, handler, names=names, extra_schema=extra_schema or {}, runner=runner, options=options,
                   output=pipeline.output, logdir=where["logdir"], drop_nonfinite=where["drop_nonfinite"],
                   unicode_errors=unicode_errors) as table:
        return export_table(table, where["options"], logdir=where["logdir"], run=where["run"], name=where["name"])
