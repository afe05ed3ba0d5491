"""`ExportOptions`: every option of an export, in one frozen record.

`export_table` takes it, the CLI builds it from its arguments (`exporter.cli.common.export_options`),
`ProjectorCallback` stores it: a misspelt or ill-typed option fails where it is written, before
anything is computed.

Example:
>>> options = ExportOptions(normalize=True, max_points=1000, seed=3)
>>> options.max_points, options.write_tsv
(1000, True)
>>> ExportOptions.from_keywords({"normalise": True})
Traceback (most recent call last):
...
exporter.export_options.UnknownOptionError: unknown export option 'normalise': did you mean 'normalize'?
"""

import collections.abc
import dataclasses
import difflib
import numbers

from exporter.errors import ExportError


@dataclasses.dataclass(frozen=True)
class ExportOptions:
    """How an `EmbeddingTable` is written as an export.

    Args:
      normalize: scale rows to unit length (the projector's t-SNE/UMAP assume it).
      max_points: sample down to this many rows (seeded by `seed`, stratified by the
        metadata column `stratify` if given), metadata kept aligned.
      stratify: with `max_points`, the metadata column each of whose values keeps its share.
      seed: the seed of the sampling and of the layouts.
      standalone_config: also list the export in `projector_config.json`.
      base_url: prefix for the standalone paths, where the run folder is served.
      bookmarks: extra `make_bookmark` states.
      pca_bookmark: add the bookmark "PCA (all N points)".
      layouts: layouts of all points: "tsne", "umap", "pca", each with optional settings
        ("tsne:perplexity=5", `exporter.layouts.LayoutSpec("umap", neighbors=5)`), or ready
        `exporter.layouts.Layout`s; each is a bookmark, a picture `layout-<key>.png` and
        figures in `layouts.json` (docs/layouts.md).
      color_by: metadata column the bookmarks open coloured by (default: the first text
        column with <= 50 values).
      align_to: an earlier export of the same run with the same rows: the layouts start from and
        are rotated onto its layouts, and the metadata gains `neighbours_kept`
        (`exporter.layouts.align`).
      align_on: with `align_to`, a metadata column matching the rows (default: by position).
      write_tsv: write `vectors.tsv` (for upload to projector.tensorflow.org).
    """

    normalize: bool = False
    max_points: int = None
    stratify: str = None
    seed: int = 0
    standalone_config: bool = True
    base_url: str = ""
    bookmarks: tuple = ()
    pca_bookmark: bool = True
    layouts: tuple = ()
    color_by: str = None
    align_to: str = None
    align_on: str = None
    write_tsv: bool = True

    def __post_init__(self):
        if self.max_points is not None and (not _whole(self.max_points) or self.max_points < 2):
            raise ExportError(f"max_points must be a whole number of at least 2 (the projector needs 2 points), "
                              f"got {self.max_points!r}")
        if not _whole(self.seed):
            raise ExportError(f"seed must be a whole number, got {self.seed!r}")
        if not isinstance(self.base_url, str):
            raise ExportError(f"base_url must be a string (the URL prefix of the run folder), got {self.base_url!r}")
        if self.stratify is not None and self.max_points is None:
            raise ExportError("stratify= only applies when sampling: pass max_points= (--max-points) too")
        object.__setattr__(self, "bookmarks", tuple(bookmark_list(self.bookmarks)))
        if self.align_on is not None and self.align_to is None:
            raise ExportError("align_on= names the rows of the export given as align_to=: pass align_to= "
                              "(--align-to) too")
        from exporter.layouts import Layout, parse_layouts

        layouts = [self.layouts] if isinstance(self.layouts, str) else list(self.layouts)
        object.__setattr__(self, "layouts", tuple(
            item for part in layouts
            for item in ([part] if isinstance(part, Layout) else parse_layouts(part if isinstance(part, str) else [part]))))

    @classmethod
    def from_keywords(cls, keywords, base=None):
        """`base` (default: the defaults) with the options named in the dict `keywords` replaced.

        A name that is no option is an `UnknownOptionError` (an `ExportError`) naming the closest one.
        """
        names = [field.name for field in dataclasses.fields(cls)]
        for key in keywords:
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"the options are {', '.join(names)}"
                raise UnknownOptionError(f"unknown export option {key!r}: {hint}")
        return dataclasses.replace(base or cls(), **keywords)


class UnknownOptionError(ExportError, TypeError):
    """A keyword that is no field of `ExportOptions`: a `TypeError`, as any unexpected keyword argument is."""


def bookmark_list(bookmarks):
    """`bookmarks` as a list, or an `ExportError` when it is not a list of states (one state, a string)."""
    if isinstance(bookmarks, (str, bytes, dict)) or not isinstance(bookmarks, collections.abc.Iterable):
        raise ExportError(f"bookmarks must be a list of states made by exporter.make_bookmark, got "
                          f"{type(bookmarks).__name__}: wrap one state in a list, e.g. bookmarks=[state]")
    return list(bookmarks)


def _whole(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
