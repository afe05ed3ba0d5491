"""`ExportOptions`: every option of an export, in one frozen record.

`export_table` takes it, `ProjectorCallback` stores it, and every command builds it from its
arguments: `ExportOptions.add_arguments` adds an option's one command-line spelling (`max_points`:
`--max-points`) to any argparse parser, `projector-export`'s and `projector-train`'s, and
`ExportOptions.from_arguments` reads them back. A misspelt or ill-typed option fails where it is
written, before anything is computed.

Example:
>>> options = ExportOptions(normalize=True, max_points=1000, seed=3)
>>> options.max_points, options.write_tsv
(1000, True)
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> ExportOptions.add_arguments(parser, ["max_points", "layouts"])
>>> ExportOptions.from_arguments(parser.parse_args(["--max-points", "50", "--layouts", "pca"])).max_points
50
>>> ExportOptions.from_keywords({"normalise": True})
Traceback (most recent call last):
...
exporter.export_options.UnknownOptionError: unknown export option 'normalise': did you mean 'normalize'?
"""

import argparse
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


    @classmethod
    def add_arguments(cls, parser, fields=None, *, defaults=None, helps=None):
        """Adds the command-line options of `fields` (default: every field that has one) to `parser`.

        Args:
          parser: an `argparse` parser or argument group.
          fields: field names, e.g. ["layouts"]; each option is the field's one spelling in every
            command (`--max-points`; `--no-tsv` for `write_tsv`, whose default is True).
          defaults: {field: default} other than the record's (`layouts` as its text, "tsne,umap").
          helps: {field: help text} for a command whose option means more (the `layout` command's seed).
        """
        defaults, helps = defaults or {}, helps or {}
        for field in _ARGUMENTS if fields is None else fields:
            flag, keywords = _ARGUMENTS[field]
            keywords = dict(keywords, dest=field)
            if field == "layouts":
                keywords = _layouts_argument(defaults.get(field, ""))
            elif field in defaults:
                keywords["default"] = defaults[field]
            if field in helps:
                keywords["help"] = helps[field] + (" (default: %(default)s)" if "default" in keywords else "")
            parser.add_argument(flag, **keywords)

    @classmethod
    def from_arguments(cls, args):
        """The record of the options `add_arguments` added and `args` (an `argparse.Namespace`) holds."""
        return cls(**{field: getattr(args, field) for field in _ARGUMENTS if hasattr(args, field)})


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


def at_least(minimum, maximum=None):
    """An argparse `type` for whole numbers >= `minimum` (and <= `maximum`, if given)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:  # argparse would name the function: "invalid parse value"
            raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, got {value}")
        return value

    return parse


#: {field: (its option, argparse keywords)}, in the order --help lists them; `bookmarks` has none.
_ARGUMENTS = {
    "normalize": ("--normalize", dict(action="store_true", help="scale vectors to unit length (t-SNE/UMAP assume it)")),
    "max_points": ("--max-points", dict(type=at_least(2), metavar="N", help="sample down to N points (TensorBoard "
                                        "alone shows 100,000; `projector-export serve` shows all)")),
    "stratify": ("--stratify", dict(metavar="COLUMN", help="with --max-points: keep each value's share of COLUMN")),
    "seed": ("--seed", dict(type=int, metavar="N", default=0, help="sampling seed (default: %(default)s)")),
    "standalone_config": ("--no-standalone", dict(
        action="store_false", help="do not list the export in projector_config.json (the standalone projector's "
        "config); vectors.bytes is written either way: TensorBoard reads it")),
    "base_url": ("--base-url", dict(default="", help="URL the run folder is served at, for the standalone config")),
    "write_tsv": ("--no-tsv", dict(action="store_false", help="skip vectors.tsv")),
    "pca_bookmark": ("--no-pca-bookmark", dict(action="store_false",
                                               help="skip the bookmark with a PCA layout of all points")),
    "layouts": ("--layouts", {}),  # _layouts_argument
    "align_to": ("--align-to", dict(
        metavar="NAME", help="an earlier export of this run with the same rows (e.g. before fine-tuning): t-SNE and "
        "UMAP start from its layouts, PCA is rotated onto its PCA, so unchanged points stay put; the metadata gains "
        "neighbours_kept, each point's share of its 10 nearest neighbours there still among its 10 nearest here")),
    "align_on": ("--align-on", dict(metavar="COL", help="with --align-to: a metadata column naming the same rows in "
                                    "both exports (default: rows match by position)")),
    "color_by": ("--color-by", dict(metavar="COL", help="metadata column the bookmarks and layout pictures are "
                                    "coloured by (default: the first text column with 2 to 50 distinct values)")),
}


def _layouts_argument(default):
    """argparse keywords of `--layouts METHOD[:KEY=VALUE...],...` with the default `default` (text)."""
    from exporter.layouts.settings import parse_layouts  # no heavy import: openTSNE/umap load only when used

    def parse(text):
        try:
            return parse_layouts(text)
        except ValueError as error:  # ExportError: argparse shows it as a usage error
            raise argparse.ArgumentTypeError(str(error)) from None

    return dict(
        dest="layouts", type=parse, metavar="METHOD[:KEY=VALUE...],...", default=parse(default),
        help="layouts of ALL points (the projector lays out only a 10,000/5,000 sample), each stored as a bookmark "
        "with a picture layout-<key>.png and its 10-NN quality: tsne (openTSNE), umap (umap-learn), pca, cosine, "
        "each with optional settings: tsne:perplexity=5:exaggeration=1:learning-rate=200:dims=2, "
        "umap:neighbors=15:min-dist=0.1:dims=2, pca:dims=2 (docs/layouts.md); e.g. tsne:perplexity=5,"
        "tsne:perplexity=50,umap:neighbors=5:min-dist=0.3; 'none' for none "
        f"(default: {','.join(map(str, parse(default))) or 'none'})")
