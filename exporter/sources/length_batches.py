"""Length-aware batches: texts of similar length together, widths rounded, results put back in input order.

Example:
>>> [(rows.tolist(), width) for rows, width in LengthBatches([3, 40, 5, 38, 9], batch_size=2, step=8)]
[([1, 3], 40), ([4, 2], 16), ([0], 8)]

A batch is padded to its longest member, so in input order one long review makes
its 63 neighbours pay for its length; sorted, each batch is about as wide as its
texts. Widths are rounded up to a multiple of `step` so few distinct shapes reach
the model (each new shape costs a trace or a compile on backends that specialise
on shapes, and a new oneDNN primitive on TensorFlow). The caller writes each
batch's results to `out[rows]`: row i of the result stays input i.
"""

import numpy as np

#: Width granularity. Measured on MiniLM over GoEmotions + IMDb (docs/bert.md): 8 wastes fewer padded
#: word pieces than 16 on short comments while keeping at most 32 widths up to 256.
DEFAULT_STEP = 8


class LengthBatches:
    """(rows, width) of each batch: indices into the input, longest batch first, and its padded width.

    Args:
      lengths: length of each input (word pieces, tokens), in input order.
      batch_size: inputs per batch.
      step: widths are rounded up to a multiple of this.
      max_width: widths are capped here (a model's maximum length); longer inputs get truncated by the caller.
      by_length: False keeps input order (each batch padded to its own longest), for comparison.
    """

    def __init__(self, lengths, batch_size, *, step=DEFAULT_STEP, max_width=None, by_length=True):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.batch_size, self.step, self.max_width = batch_size, step, max_width
        # Longest first, as sentence-transformers does: the widest batch (the memory peak, any error) comes first,
        # and the progress bar's estimate errs on the slow side. Stable, so equal lengths keep input order.
        self.order = np.argsort(-self.lengths, kind="stable") if by_length else np.arange(len(self.lengths))

    def __len__(self):
        return -(-len(self.lengths) // self.batch_size)

    def __iter__(self):
        for start in range(0, len(self.order), self.batch_size):
            rows = self.order[start : start + self.batch_size]
            yield rows, self.width(int(self.lengths[rows].max()))

    def width(self, longest):
        """`longest` rounded up to a multiple of `step`, at most `max_width`."""
        width = -(-max(longest, 1) // self.step) * self.step
        return min(width, self.max_width) if self.max_width else width



def padded_rows(pieces, rows, width, *, pad=0):
    """(len(rows), width) ids of inputs `rows`, each cut to `width` and padded with `pad`, without a Python loop.

    Args:
      pieces: (ids of all inputs end to end, where each input starts in them, count per input).
      rows: which inputs, in the order of the result's rows.
      width: columns of the result.
      pad: id of padding.
    """
    ids, starts, counts = pieces
    columns = np.arange(width)
    inside = columns[None, :] < np.minimum(counts[rows], width)[:, None]
    out = np.full((len(rows), width), pad, dtype=ids.dtype)
    out[inside] = ids[(starts[rows][:, None] + columns[None, :])[inside]]
    return out


def end_to_end(chunks):
    """`pieces` for `padded_rows` from [(ids of the chunk's inputs end to end, count per input)]."""
    counts = np.concatenate([c for _, c in chunks]).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return np.concatenate([i for i, _ in chunks]), starts, counts
