"""The committed `_native.pyi` lists exactly what the extension exports."""

import ast
from pathlib import Path

import paradex_core._native as native

STUB = Path(__file__).resolve().parents[1] / "pysrc" / "paradex_core" / "_native.pyi"
TYPING_ONLY = {"Amount", "WriterStatus"}


def stub_members():
    tree = ast.parse(STUB.read_text())
    top, classes = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            top.add(node.name)
            classes[node.name] = {n.name for n in node.body
                                  if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
        elif isinstance(node, ast.FunctionDef):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
        elif isinstance(node, ast.Assign):
            top.update(t.id for t in node.targets)
    return top - TYPING_ONLY, classes


def test_stub_matches_extension():
    top, classes = stub_members()
    exported = {n for n in dir(native) if not n.startswith("_")} | {"__version__"}
    assert top == exported
    for name, members in classes.items():
        runtime = {n for n in dir(getattr(native, name)) if not n.startswith("_")}
        if issubclass(getattr(native, name), BaseException):
            continue
        assert members == runtime, name


def test_py_typed_ships():
    assert (STUB.parent / "py.typed").exists()
