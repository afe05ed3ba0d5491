"""Issue 21: `validate` holds a metadata file's text, never its records (20,000,000 labels peaked at 5.5 GB).

A 60,000-row two-column file with hostile rows spread through it (number-like cells,
empty cells, a ragged row, blank lines): every finding is still reported with its
first line and its count, and the Python heap peaks at a small multiple of the file
(the records as lists of cells took ~30x). `python -m benchmarks.hostile` measures
the whole process at 2,000,000 and 20,000,000 labels.
"""

import tracemalloc

from exporter.validate.findings import Report
from exporter.validate.metadata import check_metadata

ROWS = 60_000  # tracemalloc slows every allocation: small, yet ~30x would show


def _hostile_metadata(path):
    lines = ["word\tcount"]
    for i in range(ROWS):
        if i % 1000 == 7:
            lines.append(f"00{i}\t{i}")  # '00i' shows as 'i'
        elif i == 30_000:
            lines.append(f"w{i}\t")  # an empty cell
        elif i == 40_000:
            lines.append(f"w{i}\t{i}\textra")  # ragged
        else:
            lines.append(f"w{i}\t{i}")
        if i in (50_000, 50_001):
            lines.append("")  # blank lines: later labels shift
    path.write_text("\n".join(lines) + "\n")


def test_a_large_hostile_metadata_file_is_checked_in_memory_a_small_multiple_of_its_size(tmp_path):
    path = tmp_path / "metadata.tsv"
    _hostile_metadata(path)
    size = path.stat().st_size
    report = Report()
    tracemalloc.start()
    try:
        columns = check_metadata(report, str(path), ROWS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert columns == ["word", "count"]
    messages = {f.message.split(":")[0].split(" cell(s)")[0]: f for f in report.findings}
    number_like = next(f for f in report.findings if "look like numbers" in f.message)
    assert number_like.message.startswith(f"{ROWS // 1000} cell(s)") and number_like.line == 9
    assert "line 9 (word) '007' shows as '7'" in number_like.message
    assert next(f for f in report.findings if "an empty cell" in f.message).line == 30_002
    assert next(f for f in report.findings if "3 cells where the header has 2" in f.message).line == 40_002
    blank = next(f for f in report.findings if "blank line(s)" in f.message)
    assert blank.message.startswith("2 blank line(s)") and blank.line == 50_003, messages
    assert peak < 4 * size, (peak, size)  # the bytes and the decoded text, each about the file's size
