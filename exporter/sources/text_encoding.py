"""Users' text files: UTF-8 (a BOM allowed) or UTF-16 with a BOM; other bytes are one clear error, or U+FFFD.

`unicode_errors` is the one name for the choice, as in gensim: "strict" (the default)
refuses bytes that are not UTF-8 and names the first one, "replace" reads them as U+FFFD.

Example:
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "labels.txt")
>>> _ = open(path, "wb").write("caf\\xe9\\n".encode("latin-1"))
>>> print(not_utf8_error(path))  # doctest: +ELLIPSIS
/...labels.txt: not UTF-8: byte 3 (line 1) is 0xe9 (Latin-1 or Windows-1252 text, ...
>>> with open_text(path, "replace") as f:
...     f.read()
'caf\\ufffd\\n'
"""

import codecs
import re

from exporter.errors import ExportError

UNICODE_ERRORS = ("strict", "replace")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_unicode_errors(unicode_errors):
    if unicode_errors not in UNICODE_ERRORS:
        raise ExportError(f"unicode_errors must be 'strict' or 'replace', got {unicode_errors!r}")
    return unicode_errors


def encoding_of(path):
    """"utf-8-sig" or "utf-16" when the file starts with that byte-order mark, else "utf-8"."""
    with open(path, "rb") as f:
        start = f.read(4)
    return next((name for bom, name in _BOMS if start.startswith(bom)), "utf-8")


def open_text(path, unicode_errors="strict"):
    """`open(path)` for reading text with the file's encoding; lines end at "\\n" only (newline="")."""
    return open(path, encoding=encoding_of(path), errors=check_unicode_errors(unicode_errors), newline="")


def not_utf8_error(path, opener=None):
    """An `ExportError` naming the first byte of `path` that is not UTF-8 (byte offset and line).

    `opener(path)` opens it for reading bytes (default: `open(path, "rb")`; the pipeline
    passes Beam's `FileSystems.open` for bucket paths).
    """
    offset, line, pending = 0, 1, b""
    with (opener(path) if opener else open(path, "rb")) as f:
        for block in iter(lambda: f.read(1 << 24), b""):
            data = pending + block
            try:
                data.decode("utf-8")
                good, pending = data, b""
            except UnicodeDecodeError as error:
                if error.reason != "unexpected end of data":
                    return _error(path, offset + error.start, line + data.count(b"\n", 0, error.start),
                                  data[error.start])
                good, pending = data[: error.start], data[error.start :]  # a character cut by the block end
            offset, line = offset + len(good), line + good.count(b"\n")
    if pending:
        return _error(path, offset, line, pending[0])
    return ExportError(f"{path}: holds bytes that are not UTF-8: save it as UTF-8")


def replace_surrogates(labels, path, unicode_errors):
    """`labels` decoded with errors="surrogateescape", under the `unicode_errors` rule."""
    bad = [label for label in labels if _SURROGATE.search(label)]
    if not bad:
        return labels
    if check_unicode_errors(unicode_errors) == "strict":
        raise not_utf8_error(path)
    return [_SURROGATE.sub("\ufffd", label) for label in labels]


def _error(path, offset, line, byte):
    return ExportError(
        f"{path}: not UTF-8: byte {offset} (line {line}) is 0x{byte:02x} (Latin-1 or Windows-1252 text, or a "
        "UTF-8 character cut in the middle as fastText does?): save it as UTF-8, or pass "
        "--unicode-errors replace (unicode_errors='replace') to read such bytes as U+FFFD"
    )
