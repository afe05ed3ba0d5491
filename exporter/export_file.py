"""Exports from a file on disk: a vector file, or one tensor of a model file or checkpoint.

Only the rows the export keeps are read (`rows_kept`): a 10^6-row tensor sampled to
1,000 points reads 1,000 rows. `projector-export import` and `checkpoint` call these.

Example:
>>> import numpy as np, os, tempfile
>>> folder = tempfile.mkdtemp()
>>> np.save(os.path.join(folder, "v.npy"), np.random.default_rng(0).normal(size=(500, 8)))
>>> result = export_vector_file(os.path.join(folder, "v.npy"), logdir=folder, run="npy",
...                             options=ExportOptions(max_points=20))
>>> result.shape
(20, 8)
"""

import warnings

import numpy as np

from exporter.errors import ExportWarning
from exporter.export import export_embeddings
from exporter.export_options import ExportOptions
from exporter.table import sample_indices

__all__ = ["export_model_tensor", "export_vector_file", "rows_kept"]


def export_vector_file(path, *, metadata=None, logdir="logdir", run="default", name="embedding",
                       unicode_errors="strict", drop_nonfinite=False, options=None, vector_column="vector"):
    """Exports a matrix file (.npy, TSV/CSV, word2vec binary or text, GloVe text, Parquet shards) with its labels.

    Args:
      path: the vector file; the words of word2vec/GloVe files and labelled TSV are its labels.
        A `.parquet` file or pattern (any Beam file system): shards merged in order, streaming
        (`exporter.pipeline.merge`), the metadata in the columns besides `vector_column`.
      metadata: a labels file (.tsv, .csv or .txt) instead of the file's own words.
      logdir, run, name: where: `logdir/run`, tensor `name`.
      unicode_errors, drop_nonfinite: see `export_embeddings`.
      options: the `ExportOptions`.
      vector_column: Parquet only: the column of vectors.

    Returns:
      The `Export`.
    """
    from exporter.sources import word_vectors
    from exporter.sources.files import read_metadata, read_vectors
    from exporter.sources.limits import check_rows

    options = options or ExportOptions()
    if path.lower().endswith(".parquet"):
        return _export_parquet(path, metadata, logdir, run, name, unicode_errors, drop_nonfinite, options,
                               vector_column)
    if word_vectors.is_word2vec_binary(path):
        vectors, labels = word_vectors.read_word_vectors(path, unicode_errors)
    else:
        vectors, labels = read_vectors(path, unicode_errors)
    labels = read_metadata(metadata, unicode_errors) if metadata else labels
    if isinstance(vectors, np.memmap) and vectors.ndim == 2 and (labels is None or len(labels) == len(vectors)):
        # A .npy is memory-mapped: only the rows the export's sampling keeps are read.
        picked = rows_kept(len(vectors), options, drop_nonfinite)
        check_rows(vectors.shape, vectors.dtype.itemsize, picked, "the array", source=path)
        vectors, labels = np.array(vectors[picked]), _rows_of(labels, picked)
    return export_embeddings(vectors, labels, logdir=logdir, run=run, name=name, drop_nonfinite=drop_nonfinite,
                             options=options)


def export_model_tensor(path, *, tensor=None, include_state=False, vocab="auto", vocab_trim=False, vocab_pad=False, logdir="logdir",
                        run="default", name="embedding", unicode_errors="strict", drop_nonfinite=False,
                        options=None):
    """Exports one 2-D tensor of a model file, checkpoint or vector file, a label per row from its vocabulary.

    Args:
      path: a .keras/.h5/.weights.h5 file, SavedModel folder, checkpoint, keras-hub or
        Hugging Face folder, or word-vector file (see `exporter.sources.on_disk`).
      tensor: the tensor's name, its last part or its layer; None when there is one 2-D tensor.
      include_state: allow `tensor` to name optimizer state (Adam moments, momentum), hidden otherwise.
      vocab: "auto" (a vocabulary found in or beside `path`), a vocabulary file, or "none".
      vocab_trim, vocab_pad: with more rows than labels, export only the labelled rows, or
        label the others "[row N]".
      logdir, run, name: where: `logdir/run`, tensor `name`.
      unicode_errors, drop_nonfinite: see `export_embeddings`.
      options: the `ExportOptions`.

    Returns:
      (the `Export`, where the labels came from or None).
    """
    from exporter.sources import on_disk, vocabulary

    options = options or ExportOptions()
    disk_format, found = on_disk.find_tensor(path, tensor, include_state=include_state)
    # Formats that read single rows are read after sampling; the others whole, now (their shape is the matrix's).
    whole = None if disk_format.reads_rows else on_disk.read_rows(path, disk_format, found)
    rows = found.shape[0] if whole is None else len(whole)
    chosen = _vocabulary(path, vocab, rows, unicode_errors)
    labels = None
    if chosen is not None:
        labels = vocabulary.labels_for_rows(chosen, rows=rows, tensor=found.name, trim=vocab_trim, pad=vocab_pad)
        rows = len(labels)
    picked = rows_kept(rows, options, drop_nonfinite)
    matrix = on_disk.read_rows(path, disk_format, found, picked) if whole is None else whole[picked]
    result = export_embeddings(matrix, _rows_of(labels, picked), logdir=logdir, run=run, name=name,
                               drop_nonfinite=drop_nonfinite, options=options)
    return result, None if chosen is None else chosen.source


def _export_parquet(pattern, metadata, logdir, run, name, unicode_errors, drop_nonfinite, options, vector_column):
    """Parquet shards merged in order, the matrix streamed through a file beside the logdir."""
    from exporter.errors import ExportError
    from exporter.export import export_table
    from exporter.pipeline.merge import merge_shards, scratch_beside

    if metadata:
        raise ExportError("--metadata: Parquet shards carry their metadata in the columns besides the vectors")
    with scratch_beside(logdir) as scratch:
        table, _ = merge_shards(pattern, scratch=scratch, vector_column=vector_column, drop_nonfinite=drop_nonfinite,
                                unicode_errors=unicode_errors)
        return export_table(table, options, logdir=logdir, run=run, name=name)


def rows_kept(num_points, options, drop_nonfinite=False):
    """The rows of a `num_points`-row source an export with `options` keeps, for a reader to read only those.

    The rows `EmbeddingTable.sample` keeps; every row (a slice) when not sampling, or when
    `stratify` or `drop_nonfinite` choose rows by values not read yet.
    """
    if options.max_points is None or options.max_points >= num_points or options.stratify or drop_nonfinite:
        return slice(0, num_points)
    return sample_indices(num_points, options.max_points, seed=options.seed)


def _vocabulary(path, vocab, rows, unicode_errors):
    from exporter.sources import vocabulary

    if vocab == "none":
        return None
    if vocab != "auto":
        return vocabulary.read_vocabulary(vocab, unicode_errors=unicode_errors)
    chosen = vocabulary.choose_vocabulary(vocabulary.find_vocabularies(path, unicode_errors), rows)
    if chosen is None:
        warnings.warn(f"{path}: no vocabulary found, rows are unlabelled: pass --vocab FILE", ExportWarning,
                      stacklevel=3)
    return chosen


def _rows_of(labels, picked):
    if labels is None or isinstance(picked, slice):
        return labels
    return labels.iloc[picked].reset_index(drop=True)
