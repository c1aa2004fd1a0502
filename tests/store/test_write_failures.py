"""Writes the project cannot take: each a message in the user's words, nothing half saved."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import annotator.cli.projects
from annotator.cli import main
from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.editing import create_span
from annotator.model.layer import LayerKind
from annotator.app.session import Session
from annotator.store import database
from annotator.store.database import BusyError, ReadOnlyError, WriteError
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project, open_project

GOOD = '{"text":"Jane Doe left Acme.","label":[[0,8,"PERSON"]]}\n'


@pytest.fixture
def project(tmp_path: Path, seeds: Path) -> Path:
    path = tmp_path / "p.db"
    with create_project(path) as store:
        import_paths(store, [seeds])
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "more.jsonl"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_project_busy_beyond_the_timeout_is_named_as_busy(project: Path, source: Path, monkeypatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    other = sqlite3.connect(project)  # another program importing: it holds the write lock
    other.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = _cli("--db", str(project), "import", str(source))
        assert code == 1
        assert "is busy: another program" in err and "Nothing was saved" in err and "unexpected" not in err
        with ProjectStore.open(project) as store:
            session = Session(store, "alice")
            session.open(store.document_ids()[0])
            problem = session.apply(create_span(Span(0, 4, "ORG"), "alice"))
            assert problem is not None and "is busy" in problem
            assert session.current.own.spans == ()  # type: ignore[union-attr]
    finally:
        other.rollback()
        other.close()
    code, out, err = _cli("--db", str(project), "import", str(source))
    assert code == 0, err


def test_a_full_disk_is_named_and_nothing_is_half_written(project: Path, source: Path, monkeypatch) -> None:
    def full(path: Path | None = None, create: bool = True) -> ProjectStore:
        store = open_project(path, create)
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk holds not one page more
        return store

    monkeypatch.setattr(annotator.cli.projects, "open_project", full)
    many = source.parent / "many.jsonl"
    many.write_text("".join(f'{{"text":"Report {i}: {"x" * 2000}"}}\n' for i in range(50)), encoding="utf-8")
    code, out, err = _cli("--db", str(project), "import", str(many))
    assert code == 1
    assert "The disk is full: nothing was saved" in err and "unexpected" not in err
    with ProjectStore.open(project) as store:
        assert store.count_documents() == 2
        store._db.execute(f"PRAGMA max_page_count = {store._db.execute('PRAGMA page_count').fetchone()[0]}")
        session = Session(store, "alice")
        session.open(store.document_ids()[0])
        saved, problem = 0, None
        while problem is None and saved < 5000:  # edits fill the free room in the pages, then:
            problem = session.apply(create_span(Span(saved % 50, saved % 50 + 1 + saved // 50, "ORG"), "alice"))
            saved += problem is None
        assert problem is not None and "The disk is full: nothing was saved" in problem
        assert len(store.annotations(session.layer_id, session.current.id).spans) == saved == len(session.current.own.spans)  # type: ignore


def test_a_read_only_file_opens_read_only_and_says_so_on_every_write(project: Path, source: Path, monkeypatch) -> None:
    # What the operating system answers for a file without write permission (the suite may run as root).
    monkeypatch.setattr(database, "writable", lambda path: False)
    with ProjectStore.open(project) as store:
        assert store.read_only == "the file is read-only" or store.read_only == "its folder is read-only"
        assert store.count_documents() == 2
        session = Session(store, "alice")
        session.open(store.document_ids()[0])
        problem = session.apply(create_span(Span(0, 4, "ORG"), "alice"))
        assert problem is not None and "open read-only" in problem
        with pytest.raises(ReadOnlyError, match="is read-only, so nothing can be saved"):
            store.set_setting("x", 1)  # SQLite itself refuses: nothing slips past the session
    code, out, err = _cli("--db", str(project), "stats")
    assert code == 0 and "Documents: 2" in out
    code, out, err = _cli("--db", str(project), "import", str(source))
    assert code == 1 and "is read-only, so nothing can be saved" in err and "not an annotator project" not in err


def test_a_read_only_folder_is_not_called_not_a_project(project: Path, monkeypatch) -> None:
    monkeypatch.setattr(database, "writable", lambda path: False)
    monkeypatch.setattr(database.os, "access", lambda path, mode: Path(path).is_file())  # file writable, folder not
    with ProjectStore.open(project) as store:
        assert store.read_only == "its folder is read-only"
    code, out, err = _cli("--db", str(project), "stats")
    assert code == 0, err
    assert "not an annotator project" not in err


def test_a_constraint_error_is_a_message_not_a_traceback(project: Path) -> None:
    with ProjectStore.open(project) as store:
        layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        span = SpanAnnotation(Span(0, 4, "ORG"))
        store.add_annotations(layer.id, store.document_ids()[0], AnnotationSet((span,)))  # type: ignore[arg-type]
        with pytest.raises(WriteError, match="refused this change as inconsistent .*UNIQUE.*nothing was saved"):
            store.add_annotations(layer.id, store.document_ids()[1], AnnotationSet((span,)))  # type: ignore[arg-type]
        assert len(store.annotations(layer.id, store.document_ids()[0]).spans) == 1  # type: ignore[arg-type]


def test_the_session_hands_a_busy_project_to_the_window_with_a_retry(project: Path, monkeypatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.1)
    with ProjectStore.open(project) as store:
        session = Session(store, "alice")
        session.open(store.document_ids()[0])
        retries: list = []
        session.on_busy = lambda retry, message: retries.append((retry, message))
        other = sqlite3.connect(project)
        other.execute("BEGIN IMMEDIATE")
        problem = session.apply(create_span(Span(0, 4, "ORG"), "alice"))
        assert problem is not None and "trying again" in problem
        ((retry, message),) = retries
        assert "is busy" in message
        other.rollback()
        other.close()
        assert retry() is None  # the lock is gone: the same edit lands now
        assert [a.label for a in session.current.own.spans] == ["ORG"]  # type: ignore[union-attr]
        assert session.history.can_undo
    assert issubclass(BusyError, WriteError)
