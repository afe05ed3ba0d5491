"""A file of texts with no rows is one what: why: fix line naming --data, for `text` and `activations` alike."""

import pytest

from exporter.errors import ExportError
from exporter.sources.text_table import read_columns, read_texts


@pytest.mark.parametrize("name, content", [("empty.txt", ""), ("blank.txt", "\n\n"), ("header.csv", "review,label\n")])
def test_no_rows_names_the_file_and_what_to_give(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    expected = f"--data {path}: no rows: give a file with at least one text"
    with pytest.raises(ExportError) as texts:
        read_texts(str(path), text_column="review")
    assert str(texts.value).startswith(expected)
    with pytest.raises(ExportError) as columns:
        read_columns(str(path), ["review"] if name.endswith(".csv") else ["text"])
    assert str(columns.value).startswith(expected)
