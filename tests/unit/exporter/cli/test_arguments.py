"""One command-line vocabulary: an option name means one thing in every subcommand of both programs."""

import argparse
import pathlib
import re

import pytest

from exporter.cli import build_parser as export_parser
from models.cli import build_parser as train_parser

ROOT = pathlib.Path(__file__).resolve().parents[4]
PROGRAMS = {"projector-export": export_parser, "projector-train": train_parser}
#: Lines of the docs that show another tool's options, not ours.
OTHER_TOOLS = re.compile(r"\b(apt-get|pip|npm)\b|python -m benchmarks")
#: Other tools' options the docs name in prose: tensorboard's, pip's, apt-get's, Beam's (passed through by --runner).
OTHER_OPTIONS = {"--logdir", "--help", "--no-deps", "--no-install-recommends", "--project", "--region"}
# Misspellings the docs quote on purpose (README troubleshooting: "did you mean '--logdir'?").
QUOTED_TYPOS = {"--logidr"}


def subcommands():
    """[(program, command, parser)] for every subcommand, old names left out."""
    found = []
    for program, build in PROGRAMS.items():
        action = next(a for a in build()._actions if isinstance(a, argparse._SubParsersAction))
        shown = {choice.dest for choice in action._choices_actions}
        found += [(program, name, parser) for name, parser in action.choices.items() if name in shown]
    return found


def visible_options():
    """{option string: {dest}} over every option --help shows."""
    options = {}
    for _, _, parser in subcommands():
        for action in parser._actions:
            if action.help != argparse.SUPPRESS:
                for flag in action.option_strings:
                    options.setdefault(flag, set()).add(action.dest)
    return options


def test_every_option_name_sets_one_thing_and_every_thing_has_one_name():
    options = visible_options()
    assert {flag: dests for flag, dests in options.items() if len(dests) > 1} == {}
    names = {}
    for flag, (dest,) in options.items():
        if flag.startswith("--"):
            names.setdefault(dest, set()).add(flag)
    assert {dest: flags for dest, flags in names.items() if len(flags) > 1} == {}


def test_every_command_takes_logdir_and_those_with_a_run_or_randomness_take_run_and_seed():
    for program, command, parser in subcommands():
        flags = {flag for action in parser._actions for flag in action.option_strings}
        if command != "inspect":  # inspect reads a model file and writes nothing
            assert "--logdir" in flags, (program, command)
        if "--name" in flags or program == "projector-train" and command != "all":
            assert {"--run", "--seed"} <= flags or command == "neighbours", (program, command)


@pytest.mark.parametrize("program, old, new", [
    ("projector-export", ["validate", "some/dir"], ["validate", "--logdir", "some/dir"]),
    ("projector-export", ["fix", "some/dir"], ["fix", "--logdir", "some/dir"]),
    ("projector-export", ["text", "t.csv"], ["text", "--data", "t.csv"]),
    ("projector-export", ["neighbors", "king", "--name", "w"], ["neighbours", "king", "--name", "w"]),
    ("projector-train", ["softmax", "--max-tokens", "9"], ["softmax", "--vocab-size", "9"]),
    ("projector-train", ["word2vec", "--words", "9", "--dim", "4"], ["word2vec", "--vocab-size", "9", "--embedding-dim", "4"]),
    ("projector-train", ["sentiment", "--sequence-length", "9"], ["sentiment", "--max-length", "9"]),
])
def test_old_spellings_parse_as_the_new_ones_and_stay_out_of_help(program, old, new):
    parse = PROGRAMS[program]().parse_args
    old_args, new_args = vars(parse(old)), vars(parse(new))
    for args in (old_args, new_args):
        args.pop("command", None), args.pop("model", None)
    assert old_args == new_args
    shown = {(prog, command): parser.format_help() for prog, command, parser in subcommands()}
    help_text = PROGRAMS[program]().format_help() + shown[program, new[0]]
    for word in old:
        if (word.startswith("--") or word == "neighbors") and word not in new:
            assert not re.search(rf"{word}\b", help_text), word


def test_no_help_line_shows_its_default_twice():
    for program, command, parser in subcommands():
        text = " ".join(parser.format_help().split())
        assert re.findall(r"\(default: [^()]*\) \(default:", text) == [], (program, command)


def test_docs_name_only_options_the_commands_have():
    options = set(visible_options())
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {
        (document.name, flag)
        for document in documents
        for line in document.read_text(encoding="utf-8").splitlines()
        if not OTHER_TOOLS.search(line)
        for flag in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9](?![\w-])", line)
    }
    assert {(name, flag) for name, flag in named if flag not in options | OTHER_OPTIONS | QUOTED_TYPOS} == set()


def test_a_whole_number_option_given_text_says_it_wants_an_int(capsys):
    # at_least's parser is a local function named "parse": argparse called its ValueError "invalid parse value".
    checked = []
    for program, command, parser in subcommands():
        for action in parser._actions:
            if callable(action.type) and action.type is not int and action.metavar == "N" and action.option_strings:
                flag = action.option_strings[-1]
                with pytest.raises(SystemExit):
                    parser.parse_args([flag, "many"])
                assert f"argument {'/'.join(action.option_strings)}: invalid int value: 'many'" in \
                    capsys.readouterr().err, (program, command, flag)
                checked.append(flag)
    assert {"--max-points", "--neighbours", "--batch-size", "--epochs", "--vocab-size", "--workers"} <= set(checked)
