"""models/ is built on the exporter's public API only: what `exporter/__init__.py` exports, nothing deeper."""

import ast
import doctest
import pathlib

import exporter

MODELS = pathlib.Path(__file__).resolve().parents[3] / "models"


def exporter_imports(source):
    """[(line, what)] of every import of the exporter package in `source`, and of `exporter.<name>` uses."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "exporter":
            found += [(node.lineno, f"from {node.module} import {alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if a.name.split(".")[0] == "exporter"]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "exporter":
            found.append((node.lineno, f"exporter.{node.attr}"))
    return found


def allowed(what):
    public = set(exporter.__all__)
    if what == "import exporter":
        return True
    if what.startswith("from exporter import "):
        return what.removeprefix("from exporter import ") in public
    if what.startswith("exporter."):
        return what.removeprefix("exporter.") in public
    return False


def sources():
    """(file, source) of every module of models/, and of every doctest example in it."""
    for path in sorted(MODELS.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        yield path, text
        for test in doctest.DocTestFinder(exclude_empty=True).find(_module_of(path, text), path.stem):
            yield path, "\n".join(example.source for example in test.examples if not example.source.startswith(" "))


def _module_of(path, text):
    import types

    module = types.ModuleType(path.stem)
    module.__doc__ = ast.get_docstring(ast.parse(text))
    return module


def test_the_checker_tells_public_from_private():
    assert exporter_imports("from exporter import export_table\nimport exporter.cli\nexporter.export.x") == [
        (1, "from exporter import export_table"), (2, "import exporter.cli"), (3, "exporter.export")]
    assert [allowed(w) for _, w in exporter_imports("from exporter import export_table\nimport exporter.cli")] == [
        True, False]


def test_models_import_only_what_the_exporter_exports():
    private = [
        f"{path.relative_to(MODELS.parent)}:{line}: {what}"
        for path, source in sources()
        for line, what in exporter_imports(source)
        if not allowed(what)
    ]
    assert private == []
    assert len([p for p, s in sources() if exporter_imports(s)]) >= 10  # the check did see the imports


def test_public_names_carry_no_cli_internals():
    import exporter as package

    assert [name for name, module in package._LAZY.items() if module.startswith("exporter.cli")] == []
    assert sorted(package._LAZY) == package.__all__  # no module of the CLI (or any other) is public


def test_models_take_the_exports_options_from_the_public_record():
    import argparse

    from models.arguments import add_layouts

    parser = argparse.ArgumentParser()
    add_layouts(parser)
    assert [str(layout) for layout in parser.parse_args([]).layouts] == ["tsne", "umap"]
    assert exporter.ExportOptions.from_arguments(parser.parse_args(["--layouts", "pca"])).layouts == ("pca",)
