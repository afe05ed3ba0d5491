"""Input shards through Beam's file systems: matched and checked on the driver, read into (id, row) on workers.

A row's id is `row_id(shard, position)`: the shard's index among the sorted matches and
the row's place in it, so the id is the same however often a bundle is retried, and
sorting by it gives the input order back.

Example:
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> for part, texts in enumerate([["a dog", "a cat"], ["a cow"]]):
...     _ = open(os.path.join(folder, f"part-{part}.txt"), "w").write("\\n".join(texts) + "\\n")
>>> shards = match_shards(os.path.join(folder, "part-*.txt"), text_column=None)
>>> [(s.index, os.path.basename(s.path), s.columns) for s in shards]
[(0, 'part-0.txt', ['text']), (1, 'part-1.txt', ['text'])]
>>> [(row_id_parts(i), row) for i, row in read_rows(shards[1], ["text"])]
[((1, 0), {'text': 'a cow'})]
"""

import csv
import dataclasses
import io

from exporter.errors import ExportError
from exporter.pipeline.shards import open_parquet
from exporter.sources.text_table import TEXT_COLUMN

#: Bytes of each shard the driver reads to check it before any worker starts.
CHECKED_BYTES = 1 << 20
#: id = shard << POSITION_BITS | position: up to 2**31 shards of 2**32 rows each, in an int64.
POSITION_BITS = 32
_TABLE_SEPARATORS = {".csv": ",", ".tsv": "\t"}
_COMPRESSED = (".gz", ".bz2", ".zst", ".deflate", ".lzma")
csv.field_size_limit(1 << 30)  # texts longer than the csv module's 128 KiB default are texts too (pandas reads them)


@dataclasses.dataclass(frozen=True)
class Shard:
    """One matched input file: its index among the sorted matches, path, kind and columns."""

    index: int
    path: str
    kind: str  # "csv", "tsv", "parquet" or "lines"
    columns: list


def row_id(shard, position):
    return (shard << POSITION_BITS) | position


def row_id_parts(identifier):
    """(shard, position) of a `row_id`."""
    return identifier >> POSITION_BITS, identifier & ((1 << POSITION_BITS) - 1)


def match_shards(pattern, *, text_column, needed=(), unicode_errors="strict"):
    """The files `pattern` matches (Beam's file systems: local paths, gs://, s3:// where installed), checked.

    Every shard must hold the same columns, among them `text_column` (None for files of one
    text per line) and `needed`; each shard's first `CHECKED_BYTES` must be UTF-8 (unless
    `unicode_errors="replace"`). Raises `ExportError` naming the file, before any worker starts.
    """
    from apache_beam.io.filesystems import FileSystems

    try:
        (result,) = FileSystems.match([pattern])
        paths = sorted(m.path for m in result.metadata_list if m.size_in_bytes > 0 or _kind(m.path) != "parquet")
    except Exception as error:  # Beam raises BeamIOError (or ValueError for an unknown scheme)
        raise ExportError(f"--data {pattern}: cannot list it ({str(error).splitlines()[0]})") from None
    if not paths:
        raise ExportError(f"--data {pattern}: matches no file: check the path (quote the pattern so the shell "
                          "does not expand it)")
    if len(paths) >= 1 << (63 - POSITION_BITS):
        raise ExportError(f"--data {pattern}: {len(paths)} files, more than ids can number: merge some")
    starts = [_start(path, unicode_errors) for path in paths]
    shards = [Shard(i, path, _kind(path), _columns(path, start)) for i, (path, start) in enumerate(zip(paths, starts))]
    first = shards[0]
    for shard in shards:
        if shard.columns != first.columns:
            raise ExportError(f"{shard.path}: its columns {shard.columns} differ from {first.columns} of "
                              f"{first.path}: give every shard the same columns")
    wanted = [text_column or TEXT_COLUMN, *needed]
    if text_column is None and first.kind != "lines":
        raise ExportError(f"{first.path}: say which column holds the texts with --text-column "
                          f"(columns: {', '.join(first.columns)})")
    for name in wanted:
        if name not in first.columns:
            raise ExportError(f"{first.path} has no column {name!r}: its columns are {first.columns}")
    for shard, start in zip(shards, starts):
        if shard.kind in ("csv", "tsv") and start:
            complete = start if len(start) < CHECKED_BYTES else _whole_rows(start)
            for _ in _table_rows(shard, io.StringIO(complete, newline=""), wanted):
                pass  # ragged rows and empty texts there are found before any worker starts
    return shards


def read_rows(shard, columns, unicode_errors="strict"):
    """Yields (id, {column: str}) of every row of `shard`, `columns` kept; a bad row raises `ExportError`.

    Files of one text per line skip blank lines (their ids skip those positions), as the
    in-process command does; in tables an empty text is an error naming its line.
    """
    if shard.kind == "parquet":
        yield from _parquet_rows(shard, columns)
        return
    try:
        with _open_text(shard.path, unicode_errors) as f:
            if shard.kind == "lines":
                for position, line in enumerate(f):
                    text = line.rstrip("\r\n")
                    if text.strip():
                        yield row_id(shard.index, position), {TEXT_COLUMN: text}
                return
            yield from _table_rows(shard, f, columns)
    except UnicodeDecodeError:
        raise _not_utf8(shard.path) from None


def _table_rows(shard, f, columns):
    reader = csv.reader(f, delimiter=_TABLE_SEPARATORS["." + shard.kind])
    header = next(reader)
    where = [header.index(c) for c in columns]
    for position, cells in enumerate(reader):
        if len(cells) != len(header):
            if not cells:
                continue  # a blank line, as pandas skips it
            raise ExportError(f"{shard.path}: line {reader.line_num} has {len(cells)} cells, the header has "
                              f"{len(header)}: quote values holding a separator, and give every row as many cells")
        row = {c: cells[i] for c, i in zip(columns, where)}
        if not row[columns[0]].strip():
            raise ExportError(f"{shard.path}: line {reader.line_num}: the text (column {columns[0]!r}) is empty: "
                              "drop the row or give it words")
        yield row_id(shard.index, position), row


def _parquet_rows(shard, columns):
    position = 0
    for batch in open_parquet(shard.path).iter_batches(columns=columns):
        values = batch.to_pydict()
        for i in range(batch.num_rows):
            row = {c: values[c][i] for c in columns}
            if row[columns[0]] is None or not str(row[columns[0]]).strip():
                raise ExportError(f"{shard.path}: row {position + i}: the text (column {columns[0]!r}) is "
                                  "missing or empty: drop the row or give it words")
            yield row_id(shard.index, position + i), {c: "" if v is None else str(v) for c, v in row.items()}
        position += batch.num_rows


def _kind(path):
    name = path.lower()
    for compressed in _COMPRESSED:  # Beam's FileSystems.open decompresses these by their ending
        name = name.removesuffix(compressed)
    for ending, kind in ((".csv", "csv"), (".tsv", "tsv"), (".parquet", "parquet")):
        if name.endswith(ending):
            return kind
    return "lines"


def _start(path, unicode_errors):
    """The first `CHECKED_BYTES` of a text shard, decoded (or an `ExportError` naming the first bad byte); None for Parquet."""
    from apache_beam.io.filesystems import FileSystems

    if _kind(path) == "parquet":
        return None
    with FileSystems.open(path) as f:
        start = f.read(CHECKED_BYTES)
    try:
        return start.decode("utf-8-sig", errors=unicode_errors)
    except UnicodeDecodeError as error:
        if error.reason != "unexpected end of data" or len(start) < CHECKED_BYTES:
            raise _not_utf8(path) from None
        return start[: error.start].decode("utf-8-sig")  # a character cut by the end of the checked part


def _whole_rows(start):
    """`start` up to the end of its last complete line outside quotes (a cut quoted field is not a bad row)."""
    end = start.rfind("\n") + 1
    while end and start.count('"', 0, end) % 2:
        end = start.rfind("\n", 0, end - 1) + 1
    return start[:end]


def _columns(path, start):
    """The columns of the shard at `path`, from its schema or the header line in `start`."""
    kind = _kind(path)
    if kind == "parquet":
        return list(open_parquet(path).schema_arrow.names)
    if kind == "lines":
        return [TEXT_COLUMN]
    header = next(csv.reader(io.StringIO(start), delimiter=_TABLE_SEPARATORS["." + kind]), [])
    if not header:
        raise ExportError(f"{path}: no header line: a .{kind} shard starts with its column names")
    return header


def _open_text(path, unicode_errors):
    from apache_beam.io.filesystems import FileSystems

    raw = io.BufferedReader(_Readable(FileSystems.open(path)))
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors=unicode_errors, newline="")


class _Readable(io.RawIOBase):
    """A Beam file (its `CompressedFile` for .gz and friends has no `readable()`) as the binary stream `io` expects."""

    def __init__(self, f):
        self._f = f

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._f.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self._f.close()
        super().close()


def _not_utf8(path):
    """`text_encoding.not_utf8_error` (byte and line of the first bad byte) for any Beam path."""
    from apache_beam.io.filesystems import FileSystems

    from exporter.sources.text_encoding import not_utf8_error

    return not_utf8_error(path, opener=FileSystems.open)
