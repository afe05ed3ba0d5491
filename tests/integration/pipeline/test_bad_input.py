"""Bad input to `text --runner local`: one error line naming the file (and line), the earlier export intact.

Whatever the driver can see (a pattern matching nothing, shards of different columns, a
missing column, a short row or a byte that is not UTF-8 in a shard's first MiB, an option
nobody knows) stops the command before any worker starts; a bad byte further in is
found by the worker reading that shard and still reaches the user as one line.
"""

import os

import numpy as np
import pytest

from tests.support import pipeline as support


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline-bad")
    texts, labels = support.sample_texts(6)
    support.write_shards(root / "good", texts, labels, parts=2)
    np.save(root / "earlier.npy", np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32))
    job = support.cli("import", root / "earlier.npy", "--logdir", root / "logdir", "--run", "kept", "--name",
                      "sentences")
    assert job.returncode == 0, job.stderr
    return root


def _shards(folder, contents):
    os.makedirs(folder, exist_ok=True)
    for name, data in contents.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    return os.path.join(folder, "*")


CASES = {
    "not UTF-8": ({"a.csv": b"review,label\ngood,1\n", "b.csv": b"review,label\nok,2\ncaf\xe9 au lait,3\n"},
                  "b.csv: not UTF-8: byte 21 (line 3) is 0xe9"),
    "row without the text column": ({"a.csv": b"label,review\n1,fine\n2\n3,good\n"},
                                    "a.csv: line 3 has 1 cells, the header has 2"),
    "empty text": ({"a.csv": b"review,label\nfine,1\n ,2\n"},
                   "a.csv: line 3: the text (column 'review') is empty"),
    "different columns": ({"a.csv": b"review,label\nfine,1\n", "b.csv": b"review,stars\ngood,2\n"},
                          "b.csv: its columns ['review', 'stars'] differ from ['review', 'label'] of"),
    "no text column": ({"a.csv": b"text,label\nfine,1\n"}, "a.csv has no column 'review': its columns are"),
    "empty pattern": ({}, "matches no file"),
}


def _run(work, pattern, *extra, columns=("--text-column", "review", "--label-column", "label")):
    return support.cli("text", "--data", pattern, *columns, "--logdir", work / "logdir", "--run", "kept",
                       "--runner", "local", *extra)


def _check_one_line(work, job, expected, before):
    lines = job.stderr.strip().splitlines()
    assert job.returncode == 2, job.stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], lines
    assert support.run_digest(work / "logdir" / "kept") == before  # the earlier export, byte for byte
    assert [n for n in os.listdir(work) if "pipeline" in n] == []
    assert job.left == []


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_before_any_worker(work, case):
    contents, expected = CASES[case]
    before = support.run_digest(work / "logdir" / "kept")
    job = _run(work, _shards(work / case.replace(" ", "-"), contents))
    _check_one_line(work, job, expected, before)
    assert "read:" not in job.stderr  # stopped before the pipeline ran


def test_an_option_neither_we_nor_beam_know_is_one_line(work):
    before = support.run_digest(work / "logdir" / "kept")
    job = _run(work, work / "good" / "part-*.csv", "--temp_locaton", "/tmp/x")
    _check_one_line(work, job, "--temp_locaton: neither this command nor Beam knows this option", before)
    assert "Did you mean --temp_location?" in job.stderr


def test_beam_options_without_runner_are_a_usage_error(work):
    job = support.cli("text", "--data", work / "good" / "all.csv", "--text-column", "review", "--project=p")
    assert job.returncode == 2 and "unrecognized arguments: --project=p" in job.stderr


def test_a_bad_byte_past_the_checked_start_is_one_line_from_the_worker(work):
    line = b"a text long enough to fill the first mebibyte quickly, one per line\n"
    count = (1 << 20) // len(line) + 100
    data = line * count + b"caf\xe9\n"
    before = support.run_digest(work / "logdir" / "kept")
    job = _run(work, _shards(work / "late", {"big.txt": data}), columns=())
    _check_one_line(work, job, f"big.txt: not UTF-8: byte {len(line) * count + 3} (line {count + 1}) is 0xe9", before)
