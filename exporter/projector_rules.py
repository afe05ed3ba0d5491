"""The Embedding Projector frontend's own parsing rules, re-implemented line for line.

Mirrors `vz_projector/data-provider.ts` as shipped in TensorBoard 2.21's
`projector_binary.js`: files are read in 1,000,000-byte chunks and split on "\\n"
only; a line that is empty after JavaScript's `trim()` is skipped anywhere; the
first kept metadata line is a header iff it contains a tab; an empty cell is null.

Example:
>>> parse_metadata("cat\\n\\ndog\\n")          # the blank line is skipped: 2 rows, not 3
(['label'], [['cat'], ['dog']])
>>> parse_metadata("word\\tcount\\ncat\\t3\\n")
(['word', 'count'], [['cat', '3']])
"""

import bisect
import decimal
import math
import re

#: What JavaScript's `String.prototype.trim` removes (WhiteSpace + LineTerminator), unlike `str.strip`.
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
#: The frontend decodes metadata in slices of this many bytes, each on its own (`EO` in the bundle: `streamParse` in
#: vz_projector/data-provider.ts, `FileReader.readAsText` per slice).
SLICE_BYTES = 1_000_000
#: Rows TensorBoard's projector fetches at most (`LIMIT_NUM_POINTS` in its frontend).
TENSORBOARD_MAX_POINTS = 100_000
_JS_DECIMAL = re.compile(r"^[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$")
_JS_RADIX = re.compile(r"^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$")


def js_trim(text):
    return text.strip(JS_WHITESPACE)


def js_number(text):
    """JavaScript's `Number(text)` for a string: NaN when it is not a number."""
    text = js_trim(text)
    if text == "":
        return 0.0
    if _JS_DECIMAL.match(text):
        return float(text.replace("Infinity", "inf"))
    if _JS_RADIX.match(text):
        return float(int(text, 0))
    return math.nan


def js_number_to_string(value):
    """JavaScript's `String(number)`: shortest round-trip digits, exponent outside [1e-7, 1e21)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"  # also -0
    sign, digit_tuple, exponent = decimal.Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), len(digits) + exponent  # value = 0.digits * 10**n (ECMA-262 Number::toString)
    prefix = "-" if value < 0 else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * -n + digits
    power = f"e{'+' if n > 0 else '-'}{abs(n - 1)}"
    return prefix + digits[0] + ("." + digits[1:] if k > 1 else "") + power


def shown_as(cell):
    """What the projector shows for a metadata cell: any cell `Number()` parses becomes that number
    (`+c` in its metadata analysis), in every column, so `007` shows as `7` and `0x1F` as `31`."""
    number = js_number(cell)
    return cell if math.isnan(number) else js_number_to_string(number)


_NUMBER_START = frozenset("+-.0123456789I" + JS_WHITESPACE)
#: How to keep text that looks like a number as it is.
NUMBER_LIKE_FIX = "if they are text (ids, codes, tokens), make them non-numeric, e.g. 'id007'; real numbers are fine"


def number_like_cells(header, records):
    """[(line or row, column, cell)] of the cells the projector shows as another text (see `shown_as`)."""
    return [(n, name, cell) for n, cells in records for name, cell in zip(header, cells)
            if cell is not None and could_be_number(cell) and shown_as(cell) != cell]


def could_be_number(cell):
    """False when `Number(cell)` is NaN for sure: after white space, a number starts with a sign, a digit,
    '.' or 'Infinity' (a cheap test that spares `shown_as` on most labels)."""
    return not cell or cell[0] in _NUMBER_START


def describe_number_like(changed, unit, shown=5, total=None):
    """One sentence naming the first `shown` of `number_like_cells` ("line 3 (word) '007' shows as '7', ...");
    `total`: how many there are, when `changed` holds only the first ones."""
    total = len(changed) if total is None else total
    examples = ", ".join(f"{unit} {n} ({name}) {cell!r} shows as {shown_as(cell)!r}" for n, name, cell in changed[:shown])
    more = f", ... ({total - shown} more)" if total > shown else ""
    return f"{total} cell(s) look like numbers and the projector shows them as numbers: {examples}{more}"


def numbered_lines(text):
    """(line number, line) as the stream parser emits them: split on "\\n" only, CR kept.

    A generator: memory stays at one line however many lines the text has.
    """
    number, pos = 1, 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        yield number, text[pos:end]
        number, pos = number + 1, end + 1


def stream_never_ends(data):
    """True when the frontend's chunked reader would wait forever on these bytes.

    It checks for the end of the file only in chunks that contain a newline, so an
    empty file, or one whose last chunk has no "\\n", leaves "Parsing metadata..." spinning.
    """
    last = len(data) - 1
    for end in range(SLICE_BYTES, len(data) + SLICE_BYTES + 1, SLICE_BYTES):
        if b"\n" in data[end - SLICE_BYTES : end] and end >= last:
            return False
    return True


def slice_cuts(data):
    """Byte offsets where the reader's 1,000,000-byte slices corrupt a character.

    Each slice is decoded on its own (`FileReader.readAsText`): a multi-byte UTF-8
    character across a boundary becomes replacement characters, and a U+FEFF that
    starts a slice is dropped as a byte-order mark.
    """
    return [at for at in range(SLICE_BYTES, len(data), SLICE_BYTES)
            if 0x80 <= data[at] < 0xC0 or data.startswith(b"\xef\xbb\xbf", at)]


def slice_padding(data):
    """Line numbers of empty lines next to a slice boundary: padding that moves it between characters.

    The reader skips them, so they shift nothing; a writer adds them so no slice cuts
    a character (`slice_cuts`). Returned as `LineRanges`: a file of 10^8 newlines is
    one range, found in one pass (each byte looked at about once).
    """
    ranges = LineRanges()
    newlines = counted = 0  # newlines in data[:counted]
    back, forward = (-1, 0), (0, 0)  # memos: (last non-newline before upto, upto), (begin, first non-newline)
    for at in range(SLICE_BYTES, len(data), SLICE_BYTES):
        start = data.rfind(b"\n", 0, at) + 1  # start of the line holding byte `at`
        found = _last_other(data, back[1], start)
        back = (back[0] if found is None else found, start)
        low = back[0] + 2 if back[0] >= 0 else 0  # start of the empty lines right before that line
        if not forward[0] <= start <= forward[1]:
            forward = (start, _first_other(data, start))
        high = forward[1]  # the boundary's own line and those after it, while empty
        newlines += data.count(b"\n", counted, low)
        counted = low
        ranges.add(newlines + 1, newlines + high - low)
    return ranges


class LineRanges:
    """A set of line numbers kept as sorted, disjoint (first, last) ranges."""

    def __init__(self):
        self.ranges = []

    def add(self, first, last):
        if last < first:
            return
        if self.ranges and first <= self.ranges[-1][1] + 1:  # added in order: merge with the last one
            self.ranges[-1] = (self.ranges[-1][0], max(last, self.ranges[-1][1]))
        else:
            self.ranges.append((first, last))

    def __contains__(self, line):
        index = bisect.bisect_right(self.ranges, (line, math.inf)) - 1
        return index >= 0 and self.ranges[index][0] <= line <= self.ranges[index][1]

    def __len__(self):
        return sum(last - first + 1 for first, last in self.ranges)

    def outside(self, first, last):
        """(how many of the lines first..last are not in the set, the first of them or None)."""
        count, earliest, line = 0, None, first
        for low, high in self.ranges[max(0, bisect.bisect_right(self.ranges, (first, math.inf)) - 1):]:
            if low > last:
                break
            if high < line:
                continue
            if low > line:
                count += low - line
                earliest = line if earliest is None else earliest
            line = max(line, high + 1)
        if line <= last:
            count += last - line + 1
            earliest = line if earliest is None else earliest
        return count, earliest


def _first_other(data, pos, step=1 << 16):
    """The first index >= pos whose byte is not a newline (len(data) if none)."""
    while pos < len(data):
        chunk = data[pos : pos + step]
        rest = chunk.lstrip(b"\n")
        if rest:
            return pos + len(chunk) - len(rest)
        pos += len(chunk)
    return len(data)


def _last_other(data, low, high, step=1 << 16):
    """The last index in [low, high) whose byte is not a newline, or None."""
    while high > low:
        start = max(low, high - step)
        kept = data[start:high].rstrip(b"\n")
        if kept:
            return start + len(kept) - 1
        high = start
    return None


def line_numbers(data, offsets):
    """The 1-based line number of each byte offset (ascending) in `data`."""
    numbers, counted, newlines = [], 0, 0
    for at in offsets:
        newlines += data.count(b"\n", counted, at)
        counted = at
        numbers.append(newlines + 1)
    return numbers


def metadata_records(text):
    """(header, header line number or None, [(line number, cells)]) with the frontend's rules."""
    header, header_line, records = ["label"], None, []
    for number, line in numbered_lines(text):
        if not js_trim(line):
            continue
        if not records and header_line is None and "\t" in line:
            header, header_line = line.split("\t"), number
            continue
        cells = line.split("\t")
        records.append((number, [(cells[i] or None) if i < len(cells) else None for i in range(len(header))]))
    return header, header_line, records


def parse_metadata(text):
    """(column names, rows) exactly as the projector reads a metadata file; empty cells are None."""
    header, _, records = metadata_records(text)
    return header, [cells for _, cells in records]


def metadata_mismatch(num_points, num_columns, num_rows):
    """The frontend's message when metadata rows != points, and whether it then refuses the file.

    When it does not refuse, it only warns and pairs row i with point i anyway.
    """
    if num_rows == num_points:
        return None
    message = f"Number of tensors ({num_points}) do not match the number of lines in metadata ({num_rows})."
    if num_columns == 1 and num_points + 1 == num_rows:
        return message + " Single column metadata should not have a header row.", True
    if num_columns > 1 and num_points - 1 == num_rows:
        return message + " Multi-column metadata should have a header row with column labels.", True
    return message, False


class VectorsParseError(ValueError):
    """The upload parser's own failure message, and the line it stopped at."""

    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


def parse_vectors_tsv(text):
    """(labels, rows) as the standalone projector parses a vectors TSV (`tensorPath` not `.bytes`).

    A first cell that is not a number, or one cell more than the first row has
    values, is taken as a label; labels holds (line number, label) for those rows.
    """
    labels, rows, dim = [], [], None
    for number, line in numbered_lines(text):
        line = js_trim(line)
        if not line:
            continue
        cells = line.split("\t")
        if math.isnan(js_number(cells[0])) or dim == len(cells) - 1:
            labels.append((number, cells[0]))
            cells = cells[1:]
        rows.append([js_number(c) for c in cells])
        dim = len(rows[0]) if dim is None else dim
        if dim != len(rows[-1]):
            raise VectorsParseError("Vector dimensions do not match", number)
        if dim <= 1:
            raise VectorsParseError("Found a vector with only one dimension?", number)
    return labels, rows
