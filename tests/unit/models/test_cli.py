"""`projector-train`'s command runner: bad data or a failing machine is one `error:` line, Ctrl-C exit status 130."""

import argparse
import errno

import pytest

from models.cli import run
from models.errors import DatasetError


def _raising(error):
    def handler(args):
        raise error

    return argparse.Namespace(handler=handler, logdir="logs")


@pytest.mark.parametrize("error, expected", [
    (DatasetError("data/x.csv: no column 'text': name it with --text-column"), "error: data/x.csv: no column 'text'"),
    (OSError(errno.ENOSPC, "No space left on device"), "error: No space left on device: logs: free some space"),
    (MemoryError(), "error: out of memory"),
])
def test_errors_are_one_line_and_status_2(capsys, error, expected):
    assert run(_raising(error)) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), lines


def test_ctrl_c_is_status_130_and_says_nothing_landed(capsys):
    assert run(_raising(KeyboardInterrupt())) == 130
    assert capsys.readouterr().err == "interrupted: earlier exports are intact; this one did not land\n"


def test_a_handler_returning_nothing_is_status_0():
    assert run(argparse.Namespace(handler=lambda args: None)) == 0
