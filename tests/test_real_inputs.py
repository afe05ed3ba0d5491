"""Issue 12: inputs real users have, each class one clear line or a correct export, never a traceback."""

import os

import numpy as np
import pytest

from exporter import ExportError, ExportWarning, export_embeddings, validate_logdir
from tests.support.data import export_file

pytestmark = pytest.mark.filterwarnings("ignore:.*hint:exporter.errors.ExportWarning")


def export(tmp_path, vectors, metadata, **options):
    return export_embeddings(vectors, metadata, logdir=str(tmp_path / "logdir"), run="r", name="t", **options)


def test_number_like_text_cells_are_named_by_the_exporter_and_validate(tmp_path):
    """The frontend shows any cell Number() parses as that number: `007` as 7, `0x1F` as 31."""
    words = ["007", "0x1F", "1e3", "1.50", "cat", "12", "0.25", " 5", "Infinity", "1e21"]
    with pytest.warns(ExportWarning) as caught:
        export(tmp_path, np.random.rand(10, 3), {"word": words, "count": list(range(10))})
    message = next(str(w.message) for w in caught if "look like numbers" in str(w.message))
    for shown in ("row 0 (word) '007' shows as '7'", "row 1 (word) '0x1F' shows as '31'",
                  "'1e3' shows as '1000'", "'1.50' shows as '1.5'", "(1 more)"):
        assert shown in message, message
    assert "'cat'" not in message and "'12'" not in message and "'0.25'" not in message
    assert message.startswith("t: 6 cell(s)")
    warnings = [f for f in validate_logdir(tmp_path / "logdir").findings if "look like numbers" in f.message]
    assert len(warnings) == 1 and warnings[0].line == 2, warnings  # line 1 is the header
    assert "line 2 (word) '007' shows as '7'" in warnings[0].message and "6 cell(s)" in warnings[0].message


@pytest.mark.parametrize("max_points", [0, -3, 1, 2.5])
def test_max_points_below_two_is_one_clear_error(tmp_path, max_points):
    with pytest.raises(ExportError, match=f"max_points must be a whole number of at least 2.*got {max_points}"):
        export(tmp_path, np.random.rand(10, 3), None, max_points=max_points)
    assert not (tmp_path / "logdir" / "r").exists()


def test_lone_surrogates_in_labels_or_column_names_are_refused_or_replaced(tmp_path):
    with pytest.raises(ExportError, match=r"column 'label', row 2: .* lone surrogate.*unicode_errors='replace'"):
        export(tmp_path, np.random.rand(3, 3), ["a", "b", "caf\udce9"])
    with pytest.raises(ExportError, match="a column name"):
        export(tmp_path, np.random.rand(3, 3), {"x\ud800": ["a", "b", "c"], "y": ["d", "e", "f"]})
    export(tmp_path, np.random.rand(3, 3), ["a", "b", "caf\udce9"], unicode_errors="replace")
    lines = open(export_file(tmp_path / "logdir", "r", "t"), encoding="utf-8").read().splitlines()
    assert lines == ["a", "b", "caf\ufffd"]


def test_names_too_long_for_the_file_system_are_one_clear_error(tmp_path):
    with pytest.raises(ExportError, match="tensor name 'nnnn.*is 300 bytes.*shorter name"):
        export_embeddings(np.random.rand(3, 3), None, logdir=str(tmp_path), run="r", name="n" * 300)
    with pytest.raises(ExportError, match="run name part 'rrrr.*is 300 bytes"):
        export_embeddings(np.random.rand(3, 3), None, logdir=str(tmp_path), run="a/" + "r" * 300, name="t")
    assert os.listdir(tmp_path) == []
