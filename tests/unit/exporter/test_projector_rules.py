"""The frontend emulation follows the bundle's rules, including its odd corners."""

import math

import pytest

from exporter.projector_rules import (
    SLICE_BYTES, VectorsParseError, js_number, metadata_mismatch, parse_metadata, parse_vectors_tsv, stream_never_ends,
)


def test_blank_lines_are_skipped_anywhere_and_cr_stays_in_values():
    assert parse_metadata(" \n a\r\n\u2028\nb\u2028c\n\n") == (["label"], [[" a\r"], ["b\u2028c"]])


def test_header_is_the_first_kept_line_with_a_tab_and_empty_cells_are_null():
    assert parse_metadata("\nw\tn\nx\t\ny\n") == (["w", "n"], [["x", None], ["y", None]])
    assert parse_metadata("x\ny\tz\n") == (["label"], [["x"], ["y"]])  # a later tab cuts the label


def test_mismatch_messages_and_which_ones_abort():
    assert metadata_mismatch(3, 1, 3) is None
    assert metadata_mismatch(3, 1, 4) == (
        "Number of tensors (3) do not match the number of lines in metadata (4)."
        " Single column metadata should not have a header row.", True)
    assert metadata_mismatch(3, 2, 2)[1] is True
    assert metadata_mismatch(3, 1, 2) == ("Number of tensors (3) do not match the number of lines in metadata (2).", False)


@pytest.mark.parametrize("text,value", [("1e3", 1000.0), (" -2.5\r", -2.5), ("", 0.0), ("0x1F", 31.0),
                                        ("Infinity", math.inf), (".5", 0.5), ("5.", 5.0)])
def test_js_number_accepts_what_javascript_accepts(text, value):
    assert js_number(text) == value


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "1_000", "1,5", "abc", "-0x10"])
def test_js_number_rejects_what_javascript_rejects(text):
    assert math.isnan(js_number(text))


def test_vectors_tsv_first_cell_not_a_number_is_a_label():
    labels, rows = parse_vectors_tsv("cat\t1\t2\n3\t4\n\t5\t6\t\n")
    assert labels == [(1, "cat")] and rows == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]  # trim() eats outer tabs
    with pytest.raises(VectorsParseError, match="Vector dimensions do not match") as error:
        parse_vectors_tsv("1\t2\n1\t2\t3\t4\n")
    assert error.value.line == 2
    with pytest.raises(VectorsParseError, match="only one dimension"):
        parse_vectors_tsv("1\n2\n")


def test_chunked_reader_ends_only_on_a_chunk_with_a_newline():
    assert stream_never_ends(b"") and stream_never_ends(b"one line, no newline")
    assert not stream_never_ends(b"a\nb") and not stream_never_ends(b"a\n")
    big = b"x\n" * (SLICE_BYTES // 2) + b"y" * 10
    assert stream_never_ends(big)  # the last chunk holds no newline
    assert not stream_never_ends(big + b"\n")
