"""Property: whatever Unicode labels go in, the projector's own parser gives row i to vector i.

Labels are exported with `export_embeddings` and read back with
`exporter.projector_rules` (the projector frontend's parsing rules), not with
the writer's code.
"""

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter import ExportWarning, export_embeddings, validate_logdir
from exporter.projector_rules import JS_WHITESPACE, js_trim, parse_metadata
from exporter.writers.tsv import EMPTY_PLACEHOLDER, clean_value
from tests.support.data import export_file

# Characters that break naive writers, mixed into arbitrary Unicode text.
TRICKY = "\t\n\r\v\f \u00a0\u2028\u2029\u3000\ufeff\x1c\x85😀é"
label_text = st.one_of(
    st.text(alphabet=st.sampled_from(TRICKY + "ab"), max_size=6),
    st.text(max_size=8),
    st.sampled_from(["", " ", "\t", "\ufeff", " \ufeff", "\r\n", "[PAD]", "a\tb", "x\u2028y"]),
)


def expected_label(label):
    """What row i must show: one line, tabs and line breaks gone, never blank to JavaScript."""
    shown = clean_value(label)
    assert "\t" not in shown and "\n" not in shown and "\r" not in shown
    assert js_trim(shown), f"{label!r} becomes {shown!r}, which the projector's trim() sees as blank"
    return shown


@settings(max_examples=300, deadline=None)
@given(st.lists(label_text, min_size=2, max_size=30))
def test_every_label_stays_with_its_vector_in_metadata_text(labels):
    from exporter.writers.tsv import format_metadata

    header, rows = parse_metadata(format_metadata(pd.DataFrame({"label": pd.Series(labels, dtype=object)})))
    assert header == ["label"]
    assert [row[0] for row in rows] == [expected_label(label) for label in labels]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(labels=st.lists(label_text, min_size=2, max_size=12), second=st.lists(label_text, min_size=12, max_size=12))
def test_exported_labels_parse_back_aligned_and_validate_clean(tmp_path_factory, labels, second):
    logdir = tmp_path_factory.mktemp("labels")
    n = len(labels)
    vectors = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExportWarning)
        export_embeddings(vectors, labels, logdir=logdir, run="r", name="one", pca_bookmark=False)
        columns = {"word": labels, "other": second[:n]}
        export_embeddings(vectors, columns, logdir=logdir, run="r", name="two", pca_bookmark=False)

    with open(export_file(logdir, "r", "one"), encoding="utf-8") as f:
        header, rows = parse_metadata(f.read())
    assert header == ["label"] and [r[0] for r in rows] == [expected_label(x) for x in labels]
    with open(export_file(logdir, "r", "two"), encoding="utf-8") as f:
        header, rows = parse_metadata(f.read())
    assert header == ["word", "other"]
    assert rows == [[expected_label(a), expected_label(b)] for a, b in zip(labels, second[:n])]
    report = validate_logdir(logdir)
    assert report.ok, "\n".join(map(str, report.findings))


def test_placeholder_is_visible_and_the_blank_check_matches_javascript():
    assert js_trim(EMPTY_PLACEHOLDER) == EMPTY_PLACEHOLDER
    assert all(js_trim(c) == "" for c in JS_WHITESPACE)
    assert js_trim("\u200b") == "\u200b"  # zero-width space is not whitespace to JavaScript
