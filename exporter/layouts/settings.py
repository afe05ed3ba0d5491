"""`LayoutSpec`: one layout and its settings, written `METHOD[:KEY=VALUE...]` (`--layouts`, `layouts=`).

`tsne:perplexity=5,tsne:perplexity=50,umap:neighbors=5:min-dist=0.3` asks for three
layouts, each stored as its own bookmark, picture and figures. Keys (docs/layouts.md
says what each does to the picture):

| method | keys (default) |
| --- | --- |
| `tsne` | `perplexity` (30), `exaggeration` (1), `learning-rate` (auto: N / 12), `dims` (2) |
| `umap` | `neighbors` (15), `min-dist` (0.1), `dims` (2) |
| `pca`  | `dims` (2) |

Example:
>>> parse_layouts("tsne:perplexity=5,umap:neighbors=5:min-dist=0.3,pca")
(LayoutSpec('tsne:perplexity=5'), LayoutSpec('umap:neighbors=5:min-dist=0.3'), LayoutSpec('pca'))
>>> spec = LayoutSpec("tsne", perplexity=5)
>>> spec.describe(), spec.key, spec.get("perplexity"), spec.get("exaggeration")
('t-SNE perplexity 5', 'tsne-perplexity-5', 5.0, 1.0)
>>> parse_layouts("tsne:perplexty=5")
Traceback (most recent call last):
exporter.errors.ExportError: layout 'tsne:perplexty=5': t-SNE has no setting 'perplexty': its settings are perplexity, exaggeration, learning-rate, dims (e.g. tsne:perplexity=5)
"""

import math

from exporter.errors import ExportError

#: Method -> name shown in bookmark labels, pictures and reports.
METHODS = {"tsne": "t-SNE", "umap": "UMAP", "pca": "PCA"}


def _number(low, high=math.inf, *, whole=False, open_low=True):
    """A parser of numbers in (low, high] (or [low, high] with `open_low=False`), and its rule in words."""

    def parse(text):
        value = float(text)
        if whole and not value.is_integer():
            raise ValueError
        above = value > low if open_low else value >= low
        if not (math.isfinite(value) and above and value <= high):
            raise ValueError
        return int(value) if whole else value

    rule = f"{'a whole number' if whole else 'a number'} {'>' if open_low else '>='} {low:g}"
    return parse, rule + ("" if high == math.inf else f" and <= {high:g}")


def _dims(text):
    if str(text) not in ("2", "3", "2.0", "3.0"):
        raise ValueError
    return int(float(text))


#: {method: {key: (default, parser, the rule in words)}}; None: the library's own (see `describe`).
SETTINGS = {
    "tsne": {"perplexity": (30.0, *_number(0)), "exaggeration": (1.0, *_number(0)),
             "learning-rate": (None, *_number(0)), "dims": (2, _dims, "2 or 3")},
    "umap": {"neighbors": (15, *_number(1, whole=True)), "min-dist": (0.1, *_number(0, 1, open_low=False)),
             "dims": (2, _dims, "2 or 3")},
    "pca": {"dims": (2, _dims, "2 or 3")},
}


class LayoutSpec:
    """One layout: a method ("tsne", "umap", "pca") and the settings that differ from its defaults.

    Args:
      method: "tsne", "umap" or "pca" ("t-SNE" and other spellings work).
      **settings: keys of `SETTINGS[method]`, `_` or `-` (`min_dist=0.3`); values as numbers or text.

    Specs with the same method and settings are equal, whichever way they were written.
    """

    def __init__(self, method, **settings):
        self.method = _method(method)
        self.settings = {}
        allowed = SETTINGS[self.method]
        for name, value in settings.items():
            key = str(name).strip().lower().replace("_", "-")
            if key == "neighbours":
                key = "neighbors"  # both spellings: the CLI says neighbours elsewhere
            if key not in allowed:
                raise _error(self._text(settings), f"{METHODS[self.method]} has no setting {name!r}", self.method)
            default, parse, rule = allowed[key]
            try:
                parsed = parse(str(value).strip())
            except (TypeError, ValueError):
                raise _error(self._text(settings), f"{METHODS[self.method]} {key} must be {rule}, got {value!r}",
                             self.method) from None
            if parsed != default:
                self.settings[key] = parsed

    def get(self, key):
        """The value of setting `key` (its default when not set; None: the library chooses)."""
        return self.settings.get(key, SETTINGS[self.method][key][0])

    def with_dims(self, dims):
        """This spec with `dims` unless it sets its own (the `--dims` of a command applies to the others)."""
        return self if "dims" in self.settings else LayoutSpec(self.method, **self.settings, dims=dims)

    def describe(self):
        """The method and its non-default settings in words: "t-SNE 3-D perplexity 5", "UMAP neighbors 5"."""
        three_d = " 3-D" if self.get("dims") == 3 else ""
        words = [f"{key.replace('-', ' ')} {_show(value)}" for key, value in self.settings.items() if key != "dims"]
        return " ".join([METHODS[self.method] + three_d, *words])

    @property
    def key(self):
        """A file-name part: "tsne", "tsne-perplexity-5", "umap-3d-min-dist-0.3" (`layout-<key>.png`)."""
        parts = [self.method] + (["3d"] if self.get("dims") == 3 else [])
        parts += [f"{key}-{_show(value)}" for key, value in self.settings.items() if key != "dims"]
        return "-".join(parts)

    def __str__(self):
        return self._text(self.settings)

    def __repr__(self):
        return f"LayoutSpec({str(self)!r})"

    def __eq__(self, other):  # equal to its text too: `"tsne" in parse_layouts("tsne,umap")`
        return isinstance(other, (LayoutSpec, str)) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))

    def _text(self, settings):
        return ":".join([self.method, *(f"{key}={_show(value)}" for key, value in settings.items())])


def parse_layouts(text):
    """`"tsne:perplexity=5,umap"` (or a list of such items / `LayoutSpec`s) -> a tuple of `LayoutSpec`.

    Empty or "none" -> `()`; repeated items are kept once. Also an argparse `type`.
    """
    items = str(text).split(",") if isinstance(text, str) else list(text)
    specs = []
    for item in items:
        if isinstance(item, LayoutSpec):
            specs.append(item)
            continue
        item = str(item).strip()
        if not item or item.lower() == "none":
            continue
        method, *pairs = item.split(":")
        settings = {}
        for pair in pairs:
            name, equals, value = pair.partition("=")
            if not equals or not name.strip():
                raise _error(item, f"{pair!r} is not KEY=VALUE", _method(method))
            settings[name.strip()] = value.strip()
        specs.append(LayoutSpec(method, **settings))
    return tuple(dict.fromkeys(specs))


def _method(name):
    method = str(name).strip().lower().replace("-", "").replace("_", "")
    if method not in METHODS:
        raise ExportError(f"unknown layout {str(name).strip()!r}: pick from {', '.join(METHODS)}, each with "
                          "optional settings (comma-separated, e.g. tsne:perplexity=5,umap:neighbors=5)")
    return method


def _error(item, why, method):
    keys = ", ".join(SETTINGS[method])
    example = {"tsne": "tsne:perplexity=5", "umap": "umap:neighbors=5:min-dist=0.3", "pca": "pca:dims=3"}[method]
    return ExportError(f"layout {item!r}: {why}: its settings are {keys} (e.g. {example})")


def _show(value):
    return f"{value:g}" if isinstance(value, float) else str(value)
