"""Checks one metadata file against the points it labels, with the frontend's own parser.

Example:
>>> import tempfile, os
>>> from exporter.validate.findings import Report
>>> path = os.path.join(tempfile.mkdtemp(), "metadata.tsv")
>>> _ = open(path, "w").write("\\n[UNK]\\nthe\\n")   # the tutorial's '' padding row
>>> report = Report()
>>> check_metadata(report, path, num_points=3)
['label']
>>> print(report.findings[0].message)
Number of tensors (3) do not match the number of lines in metadata (2). The projector pairs row i with point i anyway, so labels shift: line 1 is blank (an empty label such as the '' padding token) and is skipped
"""

import dataclasses
import re

from exporter import projector_rules
from exporter.validate.findings import ERROR, WARNING

PLACEHOLDER_FIX = "write a visible placeholder such as '<empty>' or '[PAD]' (projector-export does)"


def check_metadata(report, path, num_points, *, limit=None):
    """Adds findings for `path` labelling `num_points` points; returns its column names (or None).

    `limit`: rows TensorBoard's `/metadata` route serves (100,000; None for the standalone projector).
    """
    with open(path, "rb") as f:
        data = f.read()
    if projector_rules.stream_never_ends(data):
        report.add(ERROR, path, "the projector's reader never finishes this file (it is empty, or its last "
                   "1,000,000-byte chunk has no newline)", "end every line, including the last, with '\\n'")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        report.add(ERROR, path, f"not UTF-8 (byte {error.start}): TensorBoard's /metadata route fails",
                   "re-encode the file as UTF-8", line)
        return None
    if text.startswith("\ufeff"):
        report.add(WARNING, path, "starts with a byte-order mark (the projector drops it, most other readers "
                   "make it part of the first label)", "save as UTF-8 without BOM", 1)
        text = text[1:]
    if not text.endswith("\n"):
        report.add(WARNING, path, "no final newline", "end the file with '\\n'", text.count("\n") + 1)
    _check_slices(report, path, data)
    if limit is not None:
        text = _served_part(text, limit)
    scan = _scan(text)
    header = scan.header
    mismatch = projector_rules.metadata_mismatch(num_points, len(header), scan.count)
    padding = projector_rules.slice_padding(data)
    _check_cells(report, path, scan, padding, blank_is_cause=mismatch is not None)
    if mismatch:
        message, refused = mismatch
        consequence = ("The projector refuses the file" if refused
                       else "The projector pairs row i with point i anyway, so labels shift")
        cause, fix, line = _likely_cause(scan, num_points)
        report.add(ERROR, path, f"{message} {consequence}{cause}", fix, line)
    return header


def _served_part(text, limit):
    """The lines TensorBoard's `/metadata?num_rows=limit` returns (blank lines count there): the text up
    to its `keep`-th newline, found without splitting the rest of the file."""
    keep = limit + (1 if "\t" in text[: text.find("\n")] else 0)
    end = -1
    for _ in range(keep):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


@dataclasses.dataclass
class _Scan:
    """What the checks need of a metadata text, gathered in one pass without keeping its records (20,000,000
    labels held as lists of cells took 5.5 GB): counts, first line numbers, and the first number-like cells."""

    header: list
    header_line: int | None = None
    count: int = 0  # records: the rows `projector_rules.metadata_records` gives, which label points
    last_row: int = 0  # the line number of the last record
    blank: projector_rules.LineRanges = dataclasses.field(default_factory=projector_rules.LineRanges)
    first_cr: int | None = None
    first_tab: int | None = None  # single-column: a record holding a tab
    ragged: tuple | None = None  # (line, cells) of the first record whose cells differ from the header's
    first_empty: int | None = None  # the line of the first record with an empty cell
    number_like: list = dataclasses.field(default_factory=list)  # the first `_NUMBER_LIKE_KEPT` of them
    number_like_count: int = 0

    def add_record(self, number, cells):
        width = len(self.header)
        self.count, self.last_row = self.count + 1, number
        if self.header_line is None and len(cells) > 1 and self.first_tab is None:
            self.first_tab = number
        if self.header_line is not None and len(cells) != width and self.ragged is None:
            self.ragged = (number, len(cells))
        if self.first_empty is None and (len(cells) < width or "" in cells[:width]):
            self.first_empty = number
        if any(c and projector_rules.could_be_number(c) for c in cells[:width]):
            changed = projector_rules.number_like_cells(self.header, [(number, [c or None for c in cells[:width]])])
            self.number_like_count += len(changed)
            self.number_like.extend(changed[: _NUMBER_LIKE_KEPT - len(self.number_like)])


# Number-like cells a finding names (it says how many there are in all).
_NUMBER_LIKE_KEPT = 5
# A run of lines that are blank after JavaScript's trim(): whitespace up to its last newline. One
# character class, not a repeated group, so the regex engine keeps no state per line.
_BLANK_RUN = re.compile("[" + re.escape(projector_rules.JS_WHITESPACE) + "]*\n")


def _scan(text):
    """`projector_rules.metadata_records(text)` digested into the line facts `_check_cells` reports, streaming:
    memory stays constant beyond the text (a file of 10^8 blank lines is one range), time linear."""
    scan, number, pos = _Scan(["label"]), 1, 0
    while pos < len(text):
        run = _BLANK_RUN.match(text, pos)
        if run:
            lines = text.count("\n", pos, run.end())
            cr = text.find("\r", pos, run.end())
            if cr >= 0 and scan.first_cr is None:
                scan.first_cr = number + text.count("\n", pos, cr)
            scan.blank.add(number, number + lines - 1)
            number, pos = number + lines, run.end()
            continue
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line, pos = text[pos:end], end + 1
        if "\r" in line and scan.first_cr is None:
            scan.first_cr = number
        if not projector_rules.js_trim(line):
            scan.blank.add(number, number)
        elif not scan.count and scan.header_line is None and "\t" in line:
            scan.header, scan.header_line = line.split("\t"), number
        else:
            scan.add_record(number, line.split("\t"))
        number += 1
    return scan


def _check_slices(report, path, data):
    """The rows whose labels the reader's 1,000,000-byte slices corrupt."""
    cuts = projector_rules.slice_cuts(data)
    if not cuts:
        return
    lines = projector_rules.line_numbers(data, cuts)
    shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
    report.add(WARNING, path, f"{len(cuts)} row(s) hold a character cut by the projector's 1,000,000-byte "
               f"decoding slices, so it shows as '\ufffd' marks or vanishes (line(s) {shown})",
               "view it with `projector-export serve`, which re-cuts the slices, or re-export it with "
               "projector-export, which pads the file with empty lines", lines[0])


def _check_cells(report, path, scan, padding, *, blank_is_cause):
    header, header_line = scan.header, scan.header_line
    if scan.first_cr:
        report.add(WARNING, path, "carriage return (CR, Windows line ending) kept in the values, so labels "
                   "end in an invisible '\\r'", "use LF line endings and no CR inside values", scan.first_cr)
    last_row = scan.last_row
    count, first = 0, None
    for low, high in scan.blank.ranges:
        if low < last_row:
            outside, earliest = padding.outside(low, min(high, last_row - 1))
            count, first = count + outside, first or earliest
    if count and not blank_is_cause:
        report.add(WARNING, path, f"{count} blank line(s): the projector skips them, so every later row "
                   "moves up one point", PLACEHOLDER_FIX, first)
    if header_line is None:
        if scan.first_tab:
            report.add(WARNING, path, "a tab inside a single-column value: the label is cut at the tab",
                       "replace tabs in values with spaces", scan.first_tab)
    else:
        if scan.ragged:
            ragged, cells = scan.ragged
            report.add(WARNING, path, f"{cells} cells where the header has {len(header)}: a tab or newline "
                       "inside a value, or a missing cell", "replace tabs and newlines in values with spaces",
                       ragged)
        if "" in header:
            report.add(WARNING, path, "an empty column name in the header", "name every column", header_line)
        if len(set(header)) != len(header):
            report.add(WARNING, path, "column names repeat: the projector keeps only the last column of each name",
                       "give every column its own name", header_line)
    if scan.number_like_count:
        report.add(WARNING, path, projector_rules.describe_number_like(scan.number_like, "line",
                                                                      total=scan.number_like_count),
                   projector_rules.NUMBER_LIKE_FIX, scan.number_like[0][0])
    empty = scan.first_empty
    if empty:
        report.add(WARNING, path, "an empty cell: the projector stores null and its search can fail on it "
                   "(tensorboard#3444)", PLACEHOLDER_FIX, empty)


def _likely_cause(scan, num_points):
    """(' because ...', fix, line) for a row-count mismatch."""
    header_line, count, last_row = scan.header_line, scan.count, scan.last_row
    blank = scan.blank.ranges[0][0] if scan.blank.ranges and scan.blank.ranges[0][0] < last_row else None
    if count < num_points and blank:
        return (f": line {blank} is blank (an empty label such as the '' padding token) and is skipped",
                PLACEHOLDER_FIX, blank)
    if header_line is None and count == num_points + 1:
        return ": line 1 looks like a header", "single-column metadata has no header row: remove line 1", 1
    if header_line is not None and count == num_points - 1:
        return (f": line {header_line} holds a tab, so it was taken as the header",
                "put a header row (column names) first, or remove the tabs from a one-column file",
                header_line)
    return "", f"write exactly one row per point ({num_points}), in the tensor's row order", None
