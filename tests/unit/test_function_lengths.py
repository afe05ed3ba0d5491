"""Functions stay short (GUIDE.md, issue 23): none in exporter/ over 60 lines, none in exporter/cli/ over 40.

A function's length is its lines from `def` to its last line, docstring and comments included.
Run as a script to list the longest: `python -m tests.unit.test_function_lengths`.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIMITS = {"exporter/cli/": 40, "exporter/": 60}


def function_lengths(folder):
    """[(lines, "path:line name")] of every function and method in the .py files below `folder`."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((node.end_lineno - node.lineno + 1,
                              f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    return found


def too_long(folder, limit):
    return sorted(f"{where}: {lines} lines" for lines, where in function_lengths(folder) if lines > limit)


def test_the_check_measures_from_def_to_the_last_line():
    tree = ast.parse("def f():\n    '''Doc.'''\n    x = 1\n\n    return x\n")
    node = tree.body[0]
    assert node.end_lineno - node.lineno + 1 == 5
    assert len(function_lengths("exporter/cli")) >= 30  # the walk did find the commands


def test_no_cli_function_is_over_40_lines():
    assert too_long("exporter/cli", LIMITS["exporter/cli/"]) == []


def test_no_exporter_function_is_over_60_lines():
    assert too_long("exporter", LIMITS["exporter/"]) == []


if __name__ == "__main__":
    for folder, limit in LIMITS.items():
        lengths = sorted(function_lengths(folder), reverse=True)
        print(f"{folder}: {len(lengths)} functions, limit {limit}, longest {lengths[0][0]} ({lengths[0][1]}); "
              f"over the limit: {too_long(folder, limit) or 'none'}")
