"""`ProjectorCallback`: watch embeddings learn in TensorBoard's projector during `model.fit`.

Example:
>>> import keras, numpy as np, tempfile
>>> words = ["aaa", "bbb", "ccc", "ddd"]
>>> model = keras.Sequential([keras.Input((1,)), keras.layers.Embedding(4, 3, name="embedding"),
...                           keras.layers.Flatten(), keras.layers.Dense(1)])
>>> model.compile("adam", "mse")
>>> logdir = tempfile.mkdtemp()
>>> callback = ProjectorCallback(logdir, "demo", embeddings={"embedding": words}, watch=["bbb"], keep=2)
>>> _ = model.fit(np.arange(4)[:, None], np.zeros(4), epochs=3, verbose=0, callbacks=[callback])
>>> callback.snapshots
['embedding.epoch-002', 'embedding.epoch-003']

Keras 3's own `TensorBoard(embeddings_freq=...)` writes files the projector cannot
read (keras-team/keras#20210); this callback writes through `export_table`.
"""

import collections
import dataclasses
import difflib
import re
import time
import warnings

import keras
import numpy as np
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.plugins.scalar.summary_v2 import scalar_pb
from tensorboard.plugins.text.summary_v2 import text_pb
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from exporter.errors import ExportError, ExportWarning
from exporter.run import folder as run_folder
from exporter.export import export_table, remove_export, written_table
from exporter.export_options import ExportOptions
from exporter.layouts import make_layouts
from exporter.sources.activations import find_layer, layer_outputs
from exporter.sources.keras_embedding import embedding_table
from exporter.table import EmbeddingTable
from exporter.vectors import cosine_neighbours, unit_rows

#: The metadata column holding each point's distance from the previous snapshot.
MOVED_COLUMN = "moved"


class ProjectorCallback(keras.callbacks.Callback):
    """Exports layers every `every` epochs into one run, as tensors `<layer>.epoch-NNN`.

    A snapshot is taken before the first epoch (`epoch-000` for a fresh model),
    after every `every`-th epoch and after the last one. Each carries the layer's
    metadata plus a column `moved`: how far each point moved since the previous one.

    Args:
      logdir, run: where the snapshots go (`logdir/run`, one TensorBoard run).
      embeddings: {Embedding layer name: its vocabulary} (a token list or a
        `TextVectorization` / `StringLookup`): row i is exported as word i.
      outputs: {layer name: metadata of the probe rows, or None}: that layer's
        outputs on `probe` (a fixed array, list or batched `tf.data.Dataset`).
      watch: vocabulary words whose nearest neighbours (cosine) are logged at each
        snapshot as TensorBoard text and scalars `<layer>/sim(word, neighbour)`; a
        dict {word: [other words]} also logs those pairs at every snapshot.
      neighbours: how many nearest neighbours a watched word lists.
      keep: keep only the newest `keep` snapshots of each layer (older ones are
        removed from disk and config together); None keeps all.
      on_snapshot: called as `on_snapshot(result, table, epoch)` after each export
        (`Export`, the exported `EmbeddingTable`), e.g. to draw a picture.
      layouts: full-data layouts per snapshot ("tsne", "umap:neighbors=5", "pca"; see `exporter.layouts`),
        each started from the previous snapshot's, so points move smoothly from epoch to epoch.
      options: the `ExportOptions` of every snapshot (default: its defaults).
      **export_options: fields of `ExportOptions` by name (normalize=, pca_bookmark=, ...),
        replacing those of `options`; a misspelt one fails here, not at the first snapshot.
    """

    def __init__(
        self,
        logdir="logdir",
        run="default",
        *,
        embeddings=None,
        outputs=None,
        probe=None,
        every=1,
        keep=None,
        watch=(),
        neighbours=5,
        on_snapshot=None,
        layouts=(),
        options=None,
        **export_options,
    ):
        super().__init__()
        self.run_dir = run_folder.resolve_run_dir(logdir, run)
        self.logdir, self.run = logdir, run
        self.embeddings = dict(embeddings or {})
        self.outputs = dict(outputs or {})
        if not self.embeddings and not self.outputs:
            raise ExportError("nothing to export: name Embedding layers in embeddings= or layers in outputs=")
        if self.outputs and probe is None:
            raise ExportError("outputs= needs probe=: the fixed inputs whose layer outputs are exported")
        if set(self.embeddings) & set(self.outputs):
            raise ExportError(f"layers {sorted(set(self.embeddings) & set(self.outputs))} are in both "
                              "embeddings= and outputs=: their snapshot names would collide")
        if every < 1 or (keep is not None and keep < 1) or neighbours < 1:
            raise ExportError("every, keep and neighbours must be at least 1")
        self.probe = probe
        self.every, self.keep, self.neighbours = every, keep, neighbours
        self.on_snapshot = on_snapshot
        if layouts:
            export_options["layouts"] = layouts
        self.options = ExportOptions.from_keywords(export_options, options)
        if self.options.layouts and self.options.max_points is not None:
            raise ExportError("layouts= with max_points= would lay out other points each epoch: sample the "
                              "vocabulary or probe instead")
        self._layouts = {}  # layer -> {layout key: the previous snapshot's coordinates}
        self._tracked = _check_watch(watch, {layer: _tokens(v) for layer, v in self.embeddings.items()})
        self._previous = {}
        self._written = collections.defaultdict(list)
        self._writer = None
        self._epoch = None
        self._snapshot_epoch = None

    @property
    def snapshots(self):
        """The tensor names of the snapshots on disk, oldest first, layer by layer."""
        return [name for layer in (*self.embeddings, *self.outputs) for name in self._written[layer]]

    def on_train_begin(self, logs=None):
        # Misspelt layers and wrong vocabularies fail here, before anything is written.
        for layer, vocabulary in self.embeddings.items():
            embedding_table(self.model, vocabulary, layer=layer)
        for layer in self.outputs:
            find_layer(self.model, layer)
        for layer in (*self.embeddings, *self.outputs):
            self._written[layer] = _existing_snapshots(self.run_dir, layer)
        # TensorBoard's own writer, not tf.summary: the callback runs on every Keras backend.
        self._writer = EventFileWriter(self.run_dir)
        self._epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        if self._epoch is None:  # the first epoch of this fit(): the starting point
            self._epoch = epoch
            self._snapshot(epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._epoch = epoch + 1
        if self._epoch % self.every == 0:
            self._snapshot(self._epoch)

    def on_train_end(self, logs=None):
        if self._epoch is not None:
            self._snapshot(self._epoch)  # the final state, unless just taken
        self._writer.close()

    def _snapshot(self, epoch):
        if epoch == self._snapshot_epoch:  # e.g. a later fit() starting where the last one ended
            return
        self._snapshot_epoch = epoch
        for layer, vocabulary in self.embeddings.items():
            table = embedding_table(self.model, vocabulary, layer=layer)
            self._export(layer, table, epoch)
            self._log_watched(layer, table, epoch)
        for layer, metadata in self.outputs.items():
            vectors = layer_outputs(self.model, layer, self.probe, progress=False)
            if metadata is None:
                metadata = {"index": np.arange(len(vectors))}
            self._export(layer, EmbeddingTable.build(vectors, metadata), epoch)
        self._writer.flush()

    def _export(self, layer, table, epoch):
        """Exports `table` with its `moved` column, then drops snapshots beyond `keep`."""
        previous = self._previous.get(layer)
        if previous is None or previous.shape != table.vectors.shape:
            moved = np.zeros(table.num_points)
        else:
            moved = np.linalg.norm(table.vectors - previous, axis=1)
        self._previous[layer] = table.vectors
        metadata = table.metadata.copy()
        metadata[MOVED_COLUMN] = np.round(moved.astype(np.float64), 6)
        table = EmbeddingTable(table.vectors, metadata)
        name = snapshot_name(layer, epoch)
        with warnings.catch_warnings():
            if previous is not None:  # hints were shown at the first snapshot: not every epoch
                warnings.simplefilter("ignore", ExportWarning)
            options = dataclasses.replace(self.options, layouts=self._layout(layer, table))
            result = export_table(table, options, logdir=self.logdir, run=self.run, name=name)
        written = self._written[layer]
        if name in written:
            written.remove(name)
        written.append(name)
        while self.keep is not None and len(written) > self.keep:
            remove_export(self.logdir, self.run, written.pop(0))
        if self.on_snapshot is not None:
            self.on_snapshot(result, table, epoch)

    def _layout(self, layer, table):
        """This snapshot's layouts, each started from the previous snapshot's layout of `layer`."""
        if not self.options.layouts:
            return ()
        computed = make_layouts(written_table(table, self.options), self.options.layouts,
                                color_by=self.options.color_by, seed=self.options.seed,
                                init=self._layouts.get(layer), progress=False)
        self._layouts[layer] = {layout.spec.key: layout.coordinates for layout in computed}
        return computed

    def _log_watched(self, layer, table, epoch):
        labels = table.metadata.iloc[:, 0].tolist()
        unit = unit_rows(table.vectors)
        for word, tracked in self._tracked.get(layer, {}).items():
            row = labels.index(word)
            order, cosines = cosine_neighbours(unit, unit[row], self.neighbours, exclude=[row])
            tracked.update(dict.fromkeys(labels[i] for i in order))
            lines = [f"| {labels[i]} | {cosine:.3f} |" for i, cosine in zip(order, cosines)]
            similarity = unit @ unit[row]
            self._write(epoch, text_pb(f"{layer}/neighbours({word})",
                                       "\n".join(["| neighbour | cosine |", "|---|---|", *lines])))
            for other in tracked:
                self._write(epoch, scalar_pb(f"{layer}/sim({word}, {other})", similarity[labels.index(other)]))

    def _write(self, step, summary):
        self._writer.add_event(Event(wall_time=time.time(), step=step, summary=summary))


def snapshot_name(layer, epoch):
    """The tensor name of `layer` after `epoch` epochs, e.g. `embedding.epoch-003`."""
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', layer).lstrip('.') or 'layer'}.epoch-{epoch:03d}"


def _existing_snapshots(run_dir, layer):
    """Snapshot names of `layer` already in the run (an earlier fit), oldest epoch first."""
    pattern = re.compile(re.escape(snapshot_name(layer, 0)[: -len("000")]) + r"(\d+)$")
    found = [(int(m.group(1)), e.tensor_name) for e in run_folder.read_tensorboard_config(run_dir).embeddings
             if (m := pattern.match(e.tensor_name))]
    return [name for _, name in sorted(found)]


def _tokens(vocabulary):
    tokens = vocabulary.get_vocabulary() if hasattr(vocabulary, "get_vocabulary") else vocabulary
    return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in tokens]


def _check_watch(watch, vocabularies):
    """{layer: {word: ordered set of words to log sim() with}} for the layers whose vocabulary has the word."""
    pairs = watch if isinstance(watch, dict) else {word: () for word in watch}
    tracked = {}
    for word, others in pairs.items():
        layers = [layer for layer, tokens in vocabularies.items() if word in tokens]
        if not layers:
            every_token = [t for tokens in vocabularies.values() for t in tokens]
            close = difflib.get_close_matches(word, every_token, n=3)
            hint = f"did you mean {', '.join(map(repr, close))}?" if close else "watch words of embeddings= vocabularies"
            raise ExportError(f"watched word {word!r} is in no embeddings= vocabulary: {hint}")
        for layer in layers:
            missing = [o for o in others if o not in vocabularies[layer]]
            if missing:
                raise ExportError(f"watch[{word!r}] names words not in the vocabulary of {layer!r}: {missing[:5]}")
            tracked.setdefault(layer, {})[word] = dict.fromkeys(o for o in others if o != word)
    return tracked
