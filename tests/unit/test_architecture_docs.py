"""README's layout section and docs/architecture.md name only paths that exist, and every exporter/ package."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _layout_block():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Layout", 1)[1].split("```", 2)[1]


def _named_paths(text):
    return set(re.findall(r"(?<![\w/.])((?:exporter|models|tests|benchmarks)/[\w/]*(?:\.py)?)", text))


def test_every_path_the_docs_name_exists():
    for text in (_layout_block(), (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")):
        named = _named_paths(text)
        assert len(named) >= 10
        assert [path for path in sorted(named) if not (ROOT / path).exists()] == []


def test_the_readme_layout_names_every_exporter_package():
    named = _named_paths(_layout_block())
    packages = {f"exporter/{p.name}/" for p in (ROOT / "exporter").iterdir() if (p / "__init__.py").exists()}
    assert packages - named == set()
