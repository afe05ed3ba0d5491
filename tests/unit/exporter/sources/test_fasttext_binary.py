"""A fastText binary model (issue 21): `import`, `checkpoint` and `inspect` say what it is and what to do."""

import struct

import pytest

from exporter.cli import main
from exporter.sources.fasttext_binary import MAGIC
from tests.unit.exporter.sources.test_on_disk_errors import fails


@pytest.fixture
def fasttext_bin(tmp_path):
    # fastText's saveModel: magic, version, then the training args (ints and a double) and the dictionary.
    path = tmp_path / "toy-model.bin"
    path.write_bytes(struct.pack("<ii", MAGIC, 12) + struct.pack("<12id", *range(12), 1e-4)
                     + b"the\0" + bytes(40) + b"\n2 2\nx y\n")
    return path


@pytest.mark.parametrize("command", ["import", "checkpoint"])
def test_import_and_checkpoint_name_a_fasttext_binary_and_the_vec_to_pass(fasttext_bin, tmp_path, capsys, command):
    message = fails(capsys, tmp_path, command, fasttext_bin)
    assert "a fastText binary model" in message and "toy-model.vec" in message and "gensim" in message, message


def test_inspect_names_a_fasttext_binary(fasttext_bin, capsys):
    assert main(["inspect", str(fasttext_bin)]) == 2
    err = capsys.readouterr().err
    assert "a fastText binary model" in err and "unknown format" not in err, err
