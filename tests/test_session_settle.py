"""Opening without settling (the window settles after the first paint): another program's writes
are still caught, whether they came before or after the settle."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.importer import import_paths
from annotator.model.annotations import Span
from annotator.model.editing import create_span
from annotator.model.layer import LayerKind
from annotator.app.session import Session
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


@pytest.fixture
def project(project_file: Path, seeds: Path) -> Path:
    with create_project(project_file) as store:
        import_paths(store, [seeds])
        store.ensure_layer("alice", LayerKind.ANNOTATOR)
    return project_file


def test_settled_after_the_paint_behaves_as_settled_at_open(project: Path) -> None:
    with ProjectStore.open(project) as mine, ProjectStore.open(project) as other:
        session = Session(mine, "alice")
        first, second = mine.document_ids()[:2]
        session.open(first, settle=False)
        session.settle()
        reloads: list[str] = []
        session.subscribe(reloads.append)
        writer = Session(other, "alice")
        writer.open(second)
        writer.apply(create_span(Span(0, 5, "ORG"), "alice"))
        assert session.check_external_changes()
        assert "annotations" not in reloads  # another document changed: not read again
        writer.open(first)
        writer.apply(create_span(Span(0, 8, "ORG"), "alice"))
        assert session.check_external_changes()
        assert "annotations" in reloads and len(session.current.own.spans) == 1  # type: ignore[union-attr]


def test_a_write_to_the_open_document_before_the_settle_is_caught(project: Path) -> None:
    with ProjectStore.open(project) as mine, ProjectStore.open(project) as other:
        session = Session(mine, "alice")
        first = mine.document_ids()[0]
        session.open(first, settle=False)
        writer = Session(other, "alice")
        writer.open(first)
        writer.apply(create_span(Span(0, 8, "ORG"), "alice"))  # between the read and the settle
        session.settle()  # cannot vouch for what was read: leaves it to the check
        assert session.check_external_changes()
        assert len(session.current.own.spans) == 1  # type: ignore[union-attr]
