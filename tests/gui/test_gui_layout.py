"""The window's layout rules: feature folders that say what they hold, documents read through the session.

Read from the source with ``ast`` (also imports inside functions and under TYPE_CHECKING).
"""

from __future__ import annotations

import ast
from pathlib import Path

import annotator.gui

GUI = Path(annotator.gui.__file__).parent


def _modules() -> list[Path]:
    return sorted(GUI.rglob("*.py"))


def _runtime_imports(tree: ast.Module) -> set[str]:
    """The modules imported outside ``if TYPE_CHECKING:`` blocks (those never run)."""
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    return {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and id(node) not in skipped
    }


def test_the_window_lists_documents_through_the_session() -> None:
    """The window reads the document list through ``session.documents`` and never builds a
    ``ProjectStore`` of its own (``tests/test_architecture.py`` checks MainWindow, lengths, connections)."""
    forbidden = {"annotator.store.listing", "annotator.store.project"}
    offences = [
        f"{path.relative_to(GUI)} imports {module}"
        for path in _modules()
        for module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
        if module in forbidden
    ]
    assert offences == []


def test_every_feature_folder_says_what_lives_there() -> None:
    folders = [p for p in GUI.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    assert {p.name for p in folders} >= {"article", "editing", "review", "training", "hub"}
    for folder in folders:
        assert ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))), folder.name
