"""The window's layout rules: helpers do not hold MainWindow, no gui module is too long, no store connection.

Read from the source with ``ast`` (also imports inside functions and under TYPE_CHECKING).
"""

from __future__ import annotations

import ast
from pathlib import Path

import annotator.gui

GUI = Path(annotator.gui.__file__).parent


def _modules() -> list[Path]:
    return sorted(GUI.rglob("*.py"))


def _imported_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_only_start_up_imports_the_main_window() -> None:
    offences = [
        str(path.relative_to(GUI))
        for path in _modules()
        if path.name not in ("app.py", "main_window.py")
        and any("main_window" in name for name in _imported_names(ast.parse(path.read_text(encoding="utf-8"))))
    ]
    assert offences == []


def test_no_gui_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(GUI)): n for p in _modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_no_gui_code_touches_a_store_connection() -> None:
    offences = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("db", "_db", "conn"):
                offences.append(f"{path.relative_to(GUI)}:{node.lineno} .{node.attr}")
    assert offences == []


def test_every_feature_folder_says_what_lives_there() -> None:
    folders = [p for p in GUI.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    assert {p.name for p in folders} >= {"article", "editing", "review", "training", "hub"}
    for folder in folders:
        assert ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))), folder.name
