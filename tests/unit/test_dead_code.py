"""No dead code: every module-level function and class of exporter/ and models/ is named somewhere else.

"Somewhere else" is any Python file of the repository (a doctest, a test or a benchmark counts) or
the docs; a name only its own `def` mentions is code nobody runs, left behind by a move.
"""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _sources():
    return {path: path.read_text(encoding="utf-8") for folder in ("exporter", "models", "tests", "benchmarks")
            for path in (ROOT / folder).rglob("*.py")}


def unused_definitions(sources, docs=""):
    """[(path, line, name)] of the module-level defs in exporter/ and models/ no other text names."""
    words = {}
    for text in [*sources.values(), docs]:
        for word in re.findall(r"\w+", text):
            words[word] = words.get(word, 0) + 1
    found = []
    for path, text in sources.items():
        if path.relative_to(ROOT).parts[0] not in ("exporter", "models"):
            continue
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and words[node.name] == 1 \
                    and not node.name.startswith("__"):  # __getattr__, __dir__: Python calls them
                found.append((str(path.relative_to(ROOT)), node.lineno, node.name))
    return found


def test_the_check_finds_a_function_nobody_calls():
    path = ROOT / "exporter" / "example.py"
    sources = {path: "def used():\n    pass\n\n\ndef left_behind():\n    return used()\n"}
    assert unused_definitions(sources) == [("exporter/example.py", 5, "left_behind")]


def test_every_definition_is_used():
    docs = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    assert unused_definitions(_sources(), docs) == []
