"""The CLI's parser (issue 21): a mistyped command or option gets "did you mean"; help says what options do."""

import pytest

from exporter.cli import build_parser, main


@pytest.mark.parametrize("argv, suggestion", [
    (["improt", "vectors.tsv"], "did you mean 'import'?"),
    (["import", "vectors.tsv", "--logidr", "logdir"], "did you mean '--logdir'?"),
    (["checkpoint", "model.keras", "--tensr", "embedding"], "did you mean '--tensor'?"),
    (["validate", "logdir", "--jsno"], "did you mean '--json'?"),
])
def test_a_mistyped_command_or_option_gets_did_you_mean(capsys, argv, suggestion):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert suggestion in capsys.readouterr().err.strip().splitlines()[-1]


def test_no_standalone_help_names_only_the_file_it_skips():
    text = build_parser()._subparsers._group_actions[0].choices["import"].format_help()
    help_line = " ".join(text.split("--no-standalone ")[-1].split("--base-url")[0].split())
    assert "projector_config.json" in help_line and "written either way" in help_line, help_line
