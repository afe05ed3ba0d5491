"""What a file on disk offers: its tensors (name, shape, dtype, owning layer) and how to pick one.

Example:
>>> tensors = [TensorInfo("emb/embeddings", (20, 3), "float32", "emb"),
...            TensorInfo("out/kernel", (3, 1), "float32", "out")]
>>> pick_tensor(tensors, "emb", source="model.keras").name
'emb/embeddings'
>>> [t.name for t in tensors if t.exportable]
['emb/embeddings']
"""

import dataclasses
import difflib

from exporter.errors import ExportError


@dataclasses.dataclass(frozen=True)
class TensorInfo:
    """One stored tensor: `name` is what `--tensor` accepts, `key` where the reader finds it."""

    name: str
    shape: tuple
    dtype: str
    layer: str | None = None
    key: str | None = None
    #: The variable this tensor is optimizer state of (Adam moments, momentum), if it is.
    slot_of: str | None = None

    @property
    def is_matrix(self):
        """The projector lists only 2-D tensors with both sides > 1."""
        return len(self.shape) == 2 and min(self.shape) > 1

    @property
    def exportable(self):
        """A matrix that is not optimizer state (whose rows are not words, though shaped like them)."""
        return self.is_matrix and self.slot_of is None

    def describe(self):
        shape = " x ".join(str(s) for s in self.shape) or "scalar"
        owner = f"  (optimizer state of {self.slot_of})" if self.slot_of else f"  (layer {self.layer})" if self.layer else ""
        return f"{self.name}  {shape}  {self.dtype}{owner}"


def pick_tensor(tensors, query, *, source, include_state=False):
    """The tensor `query` names: an exact name, else the one exportable tensor whose
    name or layer ends with `query` (after a '/' or '.'); `query=None` accepts a lone
    exportable tensor. Anything else is an `ExportError` listing the candidates; so is
    optimizer state named exactly, unless `include_state` (`--all`)."""
    exportable = [t for t in tensors if t.exportable]
    if query is None:
        if len(exportable) == 1:
            return exportable[0]
        if not exportable:
            raise ExportError(f"{source}: holds no 2-D tensor the projector can show ({_listing(tensors)})")
        raise ExportError(f"{source}: several 2-D tensors, pick one with --tensor: {_listing(exportable)}")
    exact = [t for t in tensors if t.name == query]
    found = exact or [t for t in exportable if _ends_with(t.name, query) or _ends_with(t.layer or "", query)]
    if len(found) > 1:
        raise ExportError(f"{source}: --tensor {query!r} is ambiguous, it matches {_listing(found)}: give the full name")
    if not found:
        close = difflib.get_close_matches(query, [t.name for t in tensors], n=3, cutoff=0.3)
        hint = f"did you mean {', '.join(map(repr, close))}?" if close else f"2-D tensors: {_listing(exportable)}"
        raise ExportError(f"{source}: no tensor {query!r}: {hint}")
    tensor = found[0]
    if tensor.slot_of and not include_state:
        raise ExportError(f"{source}: tensor {tensor.name!r} is optimizer state of {tensor.slot_of} (Adam moments, "
                          "momentum), shaped like the weights but not them: export the weights (--tensor "
                          f"{tensor.slot_of}), or pass --all to export the optimizer state anyway")
    if not tensor.is_matrix:
        raise ExportError(
            f"{source}: tensor {tensor.name!r} has shape {tensor.shape}, the projector needs 2-D "
            f"(N x D, both > 1): 2-D tensors are {_listing(exportable)}"
        )
    return tensor


def _ends_with(path, query):
    """`query` is `path` or its last components (after a '/' or, in Hugging Face names, a '.')."""
    return path == query or path.endswith("/" + query) or path.endswith("." + query)


def _listing(tensors):
    if not tensors:
        return "none"
    shown = ", ".join(f"{t.name} {list(t.shape)}" for t in tensors[:12])
    return shown + (f", ... ({len(tensors) - 12} more)" if len(tensors) > 12 else "")
