"""`validate` on hostile configs (issue 21): each is one finding, never a RecursionError or TypeError."""

import json
import os
import struct
import zlib

import pytest

from exporter import validate_logdir
from tests.unit.exporter.validate.test_broken_logdirs import EMB, edit_config, standalone, write


def _nested(run, file):
    write(os.path.join(run, file), "[" * 100_000 + "]" * 100_000)


def _png_header(width, height):
    """A PNG that declares width x height pixels in a few dozen bytes (decoding it would need gigabytes)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def _sprite_bomb(run):
    write(os.path.join(run, EMB, "sprite.png"), _png_header(60_000, 60_000))
    edit_config('tensor_name: "emb"', f'tensor_name: "emb"\n  sprite {{\n    image_path: "{EMB}/sprite.png"\n'
                '    single_image_dim: 16\n    single_image_dim: 16\n  }')(run)


@pytest.mark.parametrize("build, file, words", [
    (lambda run: _nested(run, "projector_config.json"), "projector_config.json", "nested too deeply"),
    (lambda run: _nested(run, os.path.join(EMB, "bookmarks.json")), "bookmarks.json", "nested too deeply"),
    (lambda run: write(os.path.join(run, "projector_config.json"), json.dumps({"embeddings": [1, "x"]})),
     "projector_config.json", "not a list of objects"),
    (lambda run: write(os.path.join(run, "projector_config.json"), "[]"), "projector_config.json", "not an object"),
    (standalone(lambda entry: entry.update(tensorShape=["3", "4"])), "projector_config.json", "tensorShape of the wrong type"),
    (standalone(lambda entry: entry.update(tensorShape="3x4")), "projector_config.json", "tensorShape of the wrong type"),
    (standalone(lambda entry: entry.update(tensorPath=7)), "projector_config.json", "tensorPath of the wrong type"),
    (_sprite_bomb, "sprite.png", "decompression bomb"),
])
def test_hostile_configs_are_one_error_finding(clean_run, build, file, words):
    build(clean_run)
    report = validate_logdir(os.path.dirname(clean_run))
    found = [f for f in report.findings if words in f.message]
    assert found and os.path.basename(found[0].path) == file and found[0].severity == "error", report.findings
    assert not report.ok
