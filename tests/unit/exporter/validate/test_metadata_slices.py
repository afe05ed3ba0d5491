"""Metadata over 1 MB: the frontend decodes 1,000,000-byte slices one by one; no label we write is cut."""

import numpy as np
import pytest

from exporter import export_embeddings, validate_logdir
from exporter.run.folder import find_export
from exporter import projector_rules
from exporter.validate.findings import Report
from exporter.validate.metadata import check_metadata
from exporter.writers.tsv import align_to_slices

pytestmark = pytest.mark.filterwarnings("ignore::exporter.errors.ExportWarning")
CHARACTERS = ["a", "é", "€", "😀", "\ufeff", "ü"]


def as_the_frontend_reads(data):
    """The labels the projector shows: each slice decoded alone (bad bytes -> U+FFFD, leading BOM dropped)."""
    text = "".join(data[i : i + projector_rules.SLICE_BYTES].decode("utf-8", "replace").removeprefix("\ufeff")
                   for i in range(0, len(data), projector_rules.SLICE_BYTES))
    return projector_rules.parse_metadata(text)[1]


def random_labels(seed, n=260_000, width=4):
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(CHARACTERS), size=(n, width))
    return [f"{i}" + "".join(CHARACTERS[c] for c in row) for i, row in enumerate(picks)]


@pytest.mark.parametrize("seed", range(4))
def test_aligned_files_decode_intact_and_unaligned_ones_do_not(seed):
    labels = random_labels(seed)
    data = "".join(label + "\n" for label in labels).encode()
    expected = [[label] for label in labels]
    aligned = align_to_slices(data)
    assert as_the_frontend_reads(aligned) == expected
    assert projector_rules.slice_cuts(aligned) == []
    assert (as_the_frontend_reads(data) == expected) == (projector_rules.slice_cuts(data) == [])
    padding = projector_rules.slice_padding(aligned)
    assert len(aligned) - len(data) == len(padding) - len(projector_rules.slice_padding(data))


def test_validate_names_the_rows_at_risk_in_another_tools_file(tmp_path):
    path = tmp_path / "metadata.tsv"
    path.write_bytes(b"x\n" * 499_999 + "€uro\nlast\n".encode())  # '€' on bytes 999,998..1,000,000
    report = Report()
    check_metadata(report, str(path), num_points=500_001)
    [finding] = report.findings
    assert finding.line == 500_000 and "1 row(s)" in finding.message and "projector-export serve" in finding.fix


def test_validate_passes_a_large_multibyte_export_with_its_padding(tmp_path):
    labels = random_labels(7, n=99_000, width=8)
    unaligned = "".join(label + "\n" for label in labels).encode()
    assert projector_rules.slice_cuts(unaligned)  # some labels need the padding
    export_embeddings(np.random.default_rng(0).normal(size=(99_000, 3)), labels, logdir=tmp_path, run="r",
                      name="words", write_tsv=False, pca_bookmark=False)
    with open(find_export(tmp_path, "r", "words").files["metadata"], "rb") as f:
        data = f.read()
    assert len(data) > 2 * projector_rules.SLICE_BYTES and data.count(b"\n\n")  # padded
    assert as_the_frontend_reads(data) == [[label] for label in labels]
    report = validate_logdir(str(tmp_path))
    assert report.ok and not [f for f in report.findings if f.path.endswith("metadata.tsv")], report.findings


def test_a_real_blank_line_still_warns_next_to_padding(tmp_path):
    path = tmp_path / "metadata.tsv"
    path.write_bytes(b"a\n\nb\n")
    report = Report()
    check_metadata(report, str(path), num_points=2)
    assert any("blank line" in f.message for f in report.findings)


def test_100000_rows_keep_every_label_in_stock_tensorboard(tmp_path):
    """Stock /metadata serves 100,000 lines, blank ones included: no padding among them."""
    labels = [f"{i}😀😀😀" for i in range(100_000)]
    unaligned = "".join(label + "\n" for label in labels).encode()
    assert projector_rules.slice_cuts(unaligned) and align_to_slices(unaligned) != unaligned
    export_embeddings(np.random.default_rng(0).normal(size=(100_000, 3)), labels, logdir=tmp_path, run="r",
                      name="words", write_tsv=False, pca_bookmark=False)
    with open(find_export(tmp_path, "r", "words").files["metadata"], "rb") as f:
        assert f.read() == unaligned
    findings = validate_logdir(str(tmp_path)).findings
    assert [f.severity for f in findings] == ["warning"] and "projector-export serve" in findings[0].fix
