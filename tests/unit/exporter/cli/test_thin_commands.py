"""The commands parse, call the library and print (issue 23): nothing in exporter/cli/ writes a file."""

import ast
import pathlib

CLI = pathlib.Path(__file__).resolve().parents[4] / "exporter" / "cli"
#: Calls that write, move or remove files (file objects' own .write is caught as any .write call).
WRITING = {"write", "write_text", "write_bytes", "writelines", "rename", "replace", "remove", "unlink", "rmtree",
           "makedirs", "mkdir", "copy", "copyfile", "copytree", "move", "write_atomic", "save", "savez", "to_csv"}


def file_writes(source):
    """[(line, call)] of the calls in `source` that write files: `open(..., "w"/"a"/"x")` and the WRITING names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "open":
            modes = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "mode"]
            if any(isinstance(m, ast.Constant) and set(str(m.value)) & set("wax+") for m in modes):
                found.append((node.lineno, "open"))
        elif name in WRITING and not (isinstance(node.func, ast.Attribute) and _is_text(node.func.value)):
            found.append((node.lineno, name))
    return found


def _is_text(node):  # "a".replace(...) is no file operation
    return isinstance(node, ast.Constant) or isinstance(node, ast.JoinedStr)


def test_the_check_finds_writes():
    source = 'open(p, "w").write("x")\nopen(p)\nos.replace(a, b)\n"a".replace("a", "b")\nwrite_atomic(p, b"")\n'
    assert sorted(file_writes(source)) == [(1, "open"), (1, "write"), (3, "replace"), (5, "write_atomic")]


def test_no_command_writes_a_file():
    writes = {path.name: file_writes(path.read_text(encoding="utf-8")) for path in sorted(CLI.glob("*.py"))}
    assert len(writes) >= 10
    assert {name: found for name, found in writes.items() if found} == {}
