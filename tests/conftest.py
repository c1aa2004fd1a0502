"""Shared test set-up: no display, no user folders touched, the sample files at hand."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Set before anything imports Qt: CI has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own XDG folders, so the real default project is never touched."""
    home = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.delenv("ANNOTATOR_ANNOTATOR", raising=False)


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def seeds() -> Path:
    return REPO / "seeds"


@pytest.fixture
def store():
    from annotator.app.bundled import default_schema
    from annotator.store.project import ProjectStore

    project = ProjectStore.memory()
    project.set_schema(default_schema())
    yield project
    project.close()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def brat_dir(tmp_path: Path) -> Path:
    """A writable copy of the brat samples."""
    target = tmp_path / "brat-news"
    shutil.copytree(DATA / "brat-news", target)
    return target


# -- tests marked `packaging` build the bundled app (minutes): only when asked ------------------

PACKAGING_VARIABLE = "ANNOTATOR_PACKAGING_TESTS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--packaging", action="store_true", help="Also run the tests marked packaging (they build the app).")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--packaging") or os.environ.get(PACKAGING_VARIABLE) == "1":
        return
    skip = pytest.mark.skip(reason=f"builds the bundled app: run with --packaging or {PACKAGING_VARIABLE}=1")
    for item in items:
        if "packaging" in item.keywords:
            item.add_marker(skip)


# -- a tiny gold layer to train on (tests/learn, tests/gui) -------------------------------------

TEAMS = ["Lions", "Tigers", "Bears", "Wolves", "Sharks", "Hawks", "Falcons", "Rams"]
SCORE = "Sport:Score"


def _gold_document(n: int):
    """Two sentences: a team scores against another (an event), then travels (no event)."""
    from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation

    a, b = TEAMS[n % len(TEAMS)], TEAMS[(n + 3) % len(TEAMS)]
    text = f"The {a} scored twice against the {b} on Sunday.\n\nLater the {a} travelled home by bus."
    spans = []
    for name in (a, b):
        start = text.index(name)
        spans.append(SpanAnnotation(Span(start, start + len(name), "TEAM")))
    trigger_at = text.index("scored")
    scorer = text.index(a)
    event = Event(Span(trigger_at, trigger_at + 6, SCORE), (Argument("Scorer", Span(scorer, scorer + len(a), "TEAM")),))
    return text, AnnotationSet(tuple(spans), (event,))


def make_tiny_gold(path: Path, documents: int = 8) -> None:
    """A project file whose gold layer holds ``documents`` tiny sports reports (TEAM, Sport:Score), all done."""
    from annotator.app.bundled import default_schema
    from annotator.model.document import Document
    from annotator.model.layer import GOLD, DocStatus, LayerKind
    from annotator.store.project import ProjectStore

    with ProjectStore.open(path) as store:
        store.set_schema(default_schema())
        gold = store.ensure_layer(GOLD, LayerKind.GOLD)
        for n in range(documents):
            text, annotations = _gold_document(n)
            doc_id = store.add_document(Document(text), None)
            store.add_annotations(gold.id, doc_id, annotations)
            store.set_status(gold.id, doc_id, DocStatus.DONE)


@pytest.fixture(scope="session")
def tiny_gold_maker():
    return make_tiny_gold
