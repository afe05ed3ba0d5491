"""User code given with --custom-objects (issue 21): whatever it is or does, one error line, status 2."""

import pytest

from exporter.cli import main


@pytest.mark.parametrize("write, expected", [
    (None, "empty"),
    (lambda folder: (folder / "objects.keras").write_bytes(b"PK\x03\x04 not python"), "not a Python file"),
    (lambda folder: (folder / "objects.py").write_text("import sys\nsys.exit(0)\n"), r"called sys.exit(0)"),
    (lambda folder: (folder / "objects.py").write_text("raise SystemExit(3)\n"), r"called sys.exit(3)"),
    (lambda folder: (folder / "objects.py").write_bytes(b"\x00\xff binary"), "importing it failed"),
    (lambda folder: (folder / "objects.py").write_text("import no_such_module_here\n"), "cannot import it"),
])
def test_custom_objects_that_are_not_usable_code_are_one_error_line(tmp_path, capsys, write, expected):
    if write is not None:
        write(tmp_path)
    source = str(next(tmp_path.iterdir())) if write is not None else ""
    (tmp_path / "model.bin").write_bytes(b"not a model")
    (tmp_path / "texts.csv").write_text("text\nthe cat\nthe dog\n")
    status = main(["activations", str(tmp_path / "model.bin"), "--layer", "x", "--data", str(tmp_path / "texts.csv"),
                   "--text-column", "text", "--logdir", str(tmp_path / "logdir"), "--custom-objects", source])
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(lines) == 1 and expected in lines[0] and "--custom-objects" in lines[0], lines
    assert not (tmp_path / "logdir").exists()
