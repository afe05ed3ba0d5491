"""`vectors.tsv` and `metadata.tsv`, exactly as the projector's parsers read them.

Example:
>>> import numpy as np
>>> format_vectors(np.array([[1.5, -0.25]], np.float32))
b'1.500000000e+00\\t-2.50000000e-01\\n'
"""

import collections
import concurrent.futures
import threading

import numpy as np

from exporter.errors import ExportError
from exporter.projector_rules import SLICE_BYTES, TENSORBOARD_MAX_POINTS, js_number_to_string
from exporter.writers.atomic import open_atomic

#: Shown instead of an empty or whitespace-only value: the projector skips blank lines.
EMPTY_PLACEHOLDER = "<empty>"
#: Values per formatting block: small enough to stay in cache, large enough to amortise NumPy calls.
_BLOCK_VALUES = 1 << 16

# Each value is written in scientific notation, 10 significant digits for positives
# and 9 after a '-', so every value is 15 characters and every float32 round-trips
# exactly. Formatting is vectorised with lookup tables of 4-byte words and spread
# over two threads (NumPy releases the GIL): more than 10x faster than the tutorial's
# str() loop and than numpy.savetxt, measured by `python -m benchmarks.export_speed`.


def _word_table(strings):
    return np.frombuffer("".join(strings).encode(), np.uint8).view(np.uint32)


_LEAD = _word_table(
    [f"{i // 100}.{i % 100:02d}" for i in range(1000)] + [f"-{i // 10}.{i % 10}" for i in range(100)]
)
_FOUR_DIGITS = _word_table([f"{i:04d}" for i in range(10_000)])
_THREE_DIGITS_E = _word_table([f"{i:03d}e" for i in range(1000)])
_EXPONENT_TAB = _word_table([f"{'-' if e < 0 else '+'}{abs(e):02d}\t" for e in range(-64, 64)])
_POW10 = 10.0 ** np.arange(-80, 40)
_UPPER = np.array([10**10, 10**9], np.int64)
_NEGATIVE_LEAD = np.array([0, 1000], np.int64)


def format_vectors(matrix):
    """Tab-separated rows, one per point, every float32 bit-exact when parsed back."""
    return _format_block(matrix).tobytes()


def _format_block(matrix):
    """The text of `format_vectors` as a uint8 array (written without another copy)."""
    matrix = np.asarray(matrix, np.float32)
    n, d = matrix.shape
    a, scale, exp, mant, upper, index, negative = _scratch(matrix.size)
    np.copyto(a, matrix.ravel())
    sign = np.signbit(a, out=negative).view(np.uint8)
    np.abs(a, out=a)
    with np.errstate(divide="ignore"):
        np.log10(a, out=scale)
    np.floor(scale, out=scale)
    scale[a == 0] = 0
    np.copyto(exp, scale, casting="unsafe")
    np.take(_UPPER, sign, out=upper)  # 9 digits after a '-', 10 otherwise
    np.add(exp, sign, out=index)
    index += 71  # index of 10 ** (exp - digits + 1) in _POW10
    np.take(_POW10, index, out=scale)
    np.divide(a, scale, out=scale)
    np.rint(scale, out=scale)
    np.copyto(mant, scale, casting="unsafe")
    # log10 can be one off near powers of ten, and rounding can carry into a new digit.
    bad = (mant >= upper) | ((mant * 10 < upper) & (a > 0))
    if bad.any():
        exp[bad] += np.where(mant[bad] >= upper[bad], 1, -1)
        mant[bad] = np.rint(a[bad] / _POW10[exp[bad] + sign[bad] + 71])
    words = np.empty((matrix.size, 4), np.uint32)
    # NumPy's integer % is several times slower than //: remainders are derived instead.
    lead, thousands = upper, index  # reused: no longer needed
    np.floor_divide(mant, 10_000_000, out=lead)
    np.floor_divide(mant, 1000, out=thousands)
    mant -= thousands * 1000
    words[:, 2] = _THREE_DIGITS_E[mant]
    thousands -= lead * 10_000
    words[:, 1] = _FOUR_DIGITS[thousands]
    lead += _NEGATIVE_LEAD[sign]
    words[:, 0] = _LEAD[lead]
    exp += 64
    words[:, 3] = _EXPONENT_TAB[exp]
    text = words.view(np.uint8).reshape(n, d * 16)
    text[:, -1] = ord("\n")
    return text


_SCRATCH = threading.local()


def _scratch(size):
    """This thread's scratch arrays (a, scale, exp, mant, upper, index, sign) of `size` values.

    Reused block after block: fresh temporaries per block cost more in page faults
    than the arithmetic (~20% of the time in a new process, measured).
    """
    arrays = getattr(_SCRATCH, "arrays", None)
    if arrays is None or len(arrays[0]) < size:
        n = max(size, _BLOCK_VALUES)
        arrays = _SCRATCH.arrays = (np.empty(n), np.empty(n), *(np.empty(n, np.int64) for _ in range(4)), np.empty(n, bool))
    return [array[:size] for array in arrays]


def write_vectors_tsv(path, matrix):
    """Writes `vectors.tsv` atomically: no header, no label column, D values per row."""
    rows = max(1, _BLOCK_VALUES // matrix.shape[1])
    blocks = (matrix[start : start + rows] for start in range(0, len(matrix), rows))
    with open_atomic(path) as f, concurrent.futures.ThreadPoolExecutor(2) as pool:
        pending = collections.deque()
        for block in blocks:
            pending.append(pool.submit(_format_block, block))
            if len(pending) > 4:  # bounded read-ahead keeps memory flat
                f.write(pending.popleft().result())
        while pending:
            f.write(pending.popleft().result())


def clean_value(value):
    """One metadata cell as the projector can show it: one line, never blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return EMPTY_PLACEHOLDER
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        # As the projector will show it (it turns such cells into numbers): "1.0" -> "1".
        return js_number_to_string(float(str(value)))
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value).replace("\r\n", " ").translate(_SEPARATORS).lstrip("\ufeff")
    return text if text.replace("\ufeff", "").strip() else EMPTY_PLACEHOLDER  # JS trim() also drops U+FEFF


# Tab, CR, LF and the other line breaks JavaScript's split would not see but editors do.
_SEPARATORS = str.maketrans({c: " " for c in "\t\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def format_metadata(frame):
    """The `metadata.tsv` text: a header row only when there are several columns."""
    columns = [[clean_value(v) for v in frame[c].tolist()] for c in frame.columns]
    header = [clean_value(c) for c in frame.columns]
    if len(set(header)) != len(header):
        raise ExportError(
            f"metadata column names {list(frame.columns)} repeat once tabs and line breaks become "
            "spaces: the projector keeps one column per name: rename them"
        )
    lines = ["\t".join(header)] if len(columns) > 1 else []
    lines.extend("\t".join(row) for row in zip(*columns))
    return "\n".join(lines) + "\n"


def write_metadata_tsv(path, frame):
    """Writes `metadata.tsv` atomically: UTF-8 without BOM, LF endings, final newline, slice-aligned."""
    data = format_metadata(frame).encode("utf-8")
    aligned = align_to_slices(data)
    if len(frame) + len(aligned) - len(data) > TENSORBOARD_MAX_POINTS:
        # Stock TensorBoard's /metadata serves 100,000 lines, blank ones included: padding inside
        # them would cost its last labels, so align only past them (`serve` re-aligns any file).
        aligned = align_to_slices(data, first_line=TENSORBOARD_MAX_POINTS + (len(frame.columns) > 1) + 1)
    with open_atomic(path) as f:
        f.write(aligned)


_BOM = "\ufeff".encode()


def align_to_slices(data, *, first_line=1):
    """`data` (UTF-8 lines) with empty lines inserted so no character is cut by a slice boundary.

    A character split across two slices is decoded as replacement characters, and a
    U+FEFF that starts a slice is dropped as a byte-order mark. The frontend skips
    empty lines anywhere, so a few "\\n" before the line holding a boundary move it
    onto a character start. Boundaries in lines before `first_line` are left as they are
    (stock TensorBoard's `/metadata` counts blank lines against its 100,000-row limit;
    `projector-export serve` does not).

    Example:
    >>> data = b"x" * 999_998 + "\\n\u00e9\\n".encode()  # 'é' would straddle byte 1,000,000
    >>> aligned = align_to_slices(data)
    >>> aligned[999_998:], aligned[1_000_000:].decode()  # the second slice starts with 'é'
    (b'\\n\\n\\xc3\\xa9\\n', '\u00e9\\n')
    """
    pieces, start, shift = [], 0, 0  # data[:start] is in pieces, then `shift` bytes of padding in all
    counted, newlines = 0, 0  # newlines in data[:counted]
    boundary = SLICE_BYTES
    while boundary - shift < len(data):
        at = boundary - shift  # the input byte that lands on this boundary
        line = data.rfind(b"\n", start, at) + 1 or start
        pad = 0  # padding at the line start moves byte at - pad onto the boundary (or padding, if < line)
        while at - pad >= line and _cut(data, at - pad):
            pad += 1
        newlines += data.count(b"\n", counted, line)
        counted = line
        if pad and newlines + 1 >= first_line:
            pieces += [data[start:line], b"\n" * pad]
            start, shift = line, shift + pad
        boundary += SLICE_BYTES
    return b"".join(pieces + [data[start:]]) if pieces else data


def _cut(data, at):
    """True if a slice starting at byte `at` would corrupt or drop a character."""
    return 0x80 <= data[at] < 0xC0 or data.startswith(_BOM, at)
