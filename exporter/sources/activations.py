"""Any layer's outputs over a dataset: sentence embeddings, softmax outputs, probes.

Example:
>>> import keras, numpy as np
>>> inputs = keras.Input((3,))
>>> hidden = keras.layers.Dense(4, name="hidden")(inputs)
>>> model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(hidden))
>>> layer_outputs(model, "hidden", np.ones((10, 3)), batch_size=4, progress=False).shape
(10, 4)
"""

import contextlib
import difflib
import sys
import warnings

import numpy as np
from tqdm.auto import tqdm

from exporter.errors import ExportError
from exporter.sources.length_batches import LengthBatches, end_to_end, padded_rows

#: Texts read by the TextVectorization per call when batching by length (bounds the padded id matrix).
_READ_CHUNK = 4096


def layer_outputs(model, layer, inputs, *, batch_size=256, progress=True, by_length=True):
    """Float32 (N, D) outputs of `layer` (a name or a layer of `model`), batch by batch, in input order.

    Args:
      model: a functional or Sequential Keras model (one with symbolic inputs).
      layer: the layer's name (also of a layer inside a nested model: its unique
        name, or its path such as "functional/global_max_pooling1d"), or the layer;
        outputs with more than one feature axis are flattened to D values per example.
      inputs: an array or list of N examples (strings for text models), or a
        batched `tf.data.Dataset` of inputs or (inputs, labels) pairs.
      batch_size: examples per forward pass for arrays and lists.
      progress: show a progress bar.
      by_length: texts for a model whose TextVectorization gives ids of varying length into a masking
        Embedding are batched by token count (`LengthBatches`), as padding then cannot change the outputs;
        False keeps input order.

    Only one batch of activations is in flight at a time; the result is filled in
    place when N is known, so memory is the output matrix plus one batch.
    """
    return LayerReader(model, layer)(inputs, batch_size=batch_size, progress=progress, by_length=by_length)


class LayerReader:
    """`layer_outputs(model, layer, ...)` for many calls: the layer is found and its stage models built once.

    A new stage model traces its predict function again, so rebuilding them per call cost a small masked text
    model 0.069 s instead of 0.019 s per call of 1,024 texts (measured): a Beam worker keeps one reader for all
    its batches (`exporter.pipeline.infer.LayerOutputsHandler`).

    Example:
    >>> import keras, numpy as np
    >>> inputs = keras.Input((3,))
    >>> model = keras.Model(inputs, keras.layers.Dense(4, name="hidden")(inputs))
    >>> read = LayerReader(model, "hidden")
    >>> [read(np.ones((n, 3)), progress=False).shape for n in (2, 5)]
    [(2, 4), (5, 4)]
    """

    def __init__(self, model, layer):
        self.model = model
        self.chain = _locate(model, layer) if isinstance(layer, str) else [model, layer]
        self._stages = {}  # id(the layer reading strings, or None) -> its stage models

    def __call__(self, inputs, *, batch_size=256, progress=True, by_length=True):
        """Float32 (N, D) outputs over `inputs`, in input order: see `layer_outputs`."""
        import keras

        model, target = self.model, self.chain[-1]
        texts = isinstance(inputs, (list, tuple)) or (isinstance(inputs, np.ndarray) and inputs.dtype.kind in "OUS")
        masked = _masked_varying_reader(model) if by_length and texts else None
        reader = masked or (_string_reader(model) if keras.backend.backend() != "tensorflow" else None)
        if id(reader) not in self._stages:
            self._stages[id(reader)] = _stages(self.chain, reader)
        stages = self._stages[id(reader)]
        batches, total = _by_length(masked, inputs, batch_size) if masked else _batches(inputs, batch_size, reader)
        out, chunks = None, []
        with _ids_narrowing_quietly(reader):
            for rows, values in tqdm(batches, total=total, desc=f"{target.name} outputs", unit="batch",
                                     disable=not progress):
                for stage in stages:  # one model per nesting level: a nested model's layers are not wired to the outer inputs
                    values = stage.predict_on_batch(values)
                values = np.asarray(values, np.float32)
                values = values.reshape(len(values), -1)
                if rows is None:
                    chunks.append(values)
                    continue
                if out is None:
                    out = np.empty((len(inputs), values.shape[1]), np.float32)
                out[rows] = values
        if total is None:
            if not chunks:
                raise ExportError("the dataset yielded no examples: nothing to export")
            return np.concatenate(chunks)
        if out is None:
            raise ExportError("no inputs were given: nothing to export")
        return out


def find_layer(model, name):
    """`model`'s layer called `name`, nested models searched too (see `layer_outputs`);
    a misspelt or ambiguous name gets the candidates."""
    return _locate(model, name)[-1]


def layer_paths(model):
    """{path: [model, nested model, ..., layer]} of every layer, nested ones as "outer/inner"."""
    import keras

    paths = {}

    def walk(container, prefix, chain):
        for layer in container.layers:
            path = prefix + layer.name
            paths[path] = [*chain, layer]
            if isinstance(layer, keras.Model):
                walk(layer, path + "/", [*chain, layer])

    walk(model, "", [model])
    return paths


def _locate(model, name):
    paths = layer_paths(model)
    if name in paths:
        return paths[name]
    by_name = [path for path in paths if path.rsplit("/", 1)[-1] == name]
    if len(by_name) == 1:
        return paths[by_name[0]]
    if by_name:
        raise ExportError(f"several layers are called {name!r}: give the path, one of {', '.join(by_name)}")
    close = difflib.get_close_matches(name, paths, n=3, cutoff=0.4)
    hint = f"did you mean {', '.join(map(repr, close))}?" if close else f"layers are: {', '.join(paths)}"
    raise ExportError(f"the model has no layer {name!r}: {hint}")


def _stages(chain, reader):
    """Models to apply in turn, from the model's inputs (or `reader`'s output) to the target's output:
    one per nesting level, each from where the next nested model is called to its output."""
    import keras

    stages = []
    inputs = reader.output if reader else chain[0].inputs
    for container, layer in zip(chain, chain[1:]):
        last = layer is chain[-1]
        try:
            if isinstance(layer, keras.Model) or not last:
                (node,) = layer._inbound_nodes  # where `container` calls the nested model
                end = node.output_tensors if last else node.input_tensors
                end = end[0] if len(end) == 1 else end
            else:
                end = layer.output
            stages.append(keras.Model(inputs, end))
        except (AttributeError, ValueError, TypeError) as error:
            raise ExportError(
                f"cannot read layer {chain[-1].name!r} of this model ({str(error).splitlines()[0]}); give a "
                "functional or Sequential model built on keras.Input, each nested model called once"
            ) from None
        if not last:
            inputs = layer.inputs
    return stages


@contextlib.contextmanager
def _ids_narrowing_quietly(reader):
    """JAX computes in int32: the text layer's int64 token ids narrow, harmlessly (ids < 2**31)."""
    if reader is None:
        yield
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Explicitly requested dtype int64", category=UserWarning)
        yield


def _string_reader(model):
    """The one layer reading a model's string input (TextVectorization, StringLookup), or None.

    On JAX and PyTorch a string tensor cannot enter a compiled model: that layer runs
    eagerly on each batch and the rest of the model on its output, as Keras advises.
    """
    import keras

    if not any(getattr(i, "dtype", None) == "string" for i in model.inputs):
        return None
    readers = [l for l in model.layers if not isinstance(l, keras.layers.InputLayer)
               and any(t is i for t in keras.tree.flatten(l.input) for i in model.inputs)]
    if len(model.inputs) != 1 or len(readers) != 1:
        raise ExportError(
            f"this model's string inputs feed {len(readers)} layers: on the {keras.backend.backend()} backend "
            "only a model whose one string input goes into one layer (e.g. TextVectorization) can be run: "
            "use KERAS_BACKEND=tensorflow, or pass token ids to a model without the text layer")
    return readers[0]


def _batches(inputs, batch_size, reader):
    """(iterable of (rows of the result or None, model-ready batch), number of batches or None)."""
    tf = sys.modules.get("tensorflow")  # a tf.data.Dataset implies TensorFlow is already imported
    if tf is not None and isinstance(inputs, tf.data.Dataset):
        return ((None, _read(reader, _features(element))) for element in inputs), None
    n = len(inputs)
    if isinstance(inputs, (list, tuple)) or (isinstance(inputs, np.ndarray) and inputs.dtype.kind in "OUS"):
        import tensorflow as tf

        convert = tf.constant  # strings must reach TextVectorization as a string tensor
    else:
        convert = np.asarray
    batches = ((slice(start, start + batch_size), _read(reader, convert(inputs[start : start + batch_size])))
               for start in range(0, n, batch_size))
    return batches, -(-n // batch_size)


def _read(reader, batch):
    return reader(batch) if reader else batch


def _by_length(reader, texts, batch_size):
    """`_batches` of `texts` read by `reader` once, then batched by token count, widths rounded."""
    import tensorflow as tf

    chunks = []
    for start in range(0, max(len(texts), 1), _READ_CHUNK):
        ids = np.asarray(reader(tf.constant(list(texts[start : start + _READ_CHUNK]), tf.string)))
        chunks.append((ids[ids != 0], (ids != 0).sum(axis=1)))  # 0 is TextVectorization's padding, trailing only
    pieces = end_to_end(chunks)
    plan = LengthBatches(pieces[2], batch_size)
    return ((rows, padded_rows(pieces, rows, width)) for rows, width in plan), len(plan)


def _masked_varying_reader(model):
    """The model's TextVectorization if its ids vary in length and reach only `Embedding(mask_zero=True)`
    layers, else None: only then can the width a batch is padded to not change any output."""
    import keras

    try:
        reader = _string_reader(model)
    except ExportError:
        return None
    if not isinstance(reader, keras.layers.TextVectorization):
        return None
    config = reader.get_config()
    if config.get("output_mode") != "int" or config.get("output_sequence_length"):
        return None
    consumers = []
    for candidate in model.layers:
        try:
            if any(t is reader.output for t in keras.tree.flatten(candidate.input)):
                consumers.append(candidate)
        except (AttributeError, ValueError):  # a layer called more than once has no one input
            return None
    masking = [c for c in consumers if isinstance(c, keras.layers.Embedding) and c.mask_zero]
    return reader if consumers and len(masking) == len(consumers) else None


def _features(element):
    return element[0] if isinstance(element, tuple) else element
