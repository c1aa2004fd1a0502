"""The analyst's session without a window: edits reach the file at once, undo and redo, two
windows on one file, and a killed process loses nothing it had completed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Decision, Origin, Provenance, Span, SpanAnnotation
from annotator.model.editing import accept, create_span, relabel
from annotator.model.layer import DocStatus, LayerKind
from annotator.app.session import Session
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


@pytest.fixture
def project(project_file: Path, seeds: Path) -> Path:
    with create_project(project_file) as store:
        import_paths(store, [seeds])
        layer = store.ensure_layer("spacy:test", LayerKind.SUGGESTIONS)
        first = store.document_ids()[0]
        text = store.document(first).text
        start = text.index("John Kirby")
        store.add_annotations(
            layer.id,  # type: ignore[arg-type]
            first,
            AnnotationSet(
                (
                    SpanAnnotation(Span(start, start + 10, "PERSON"), provenance=Provenance(Origin.SUGGESTED, Decision.PENDING)),
                    SpanAnnotation(Span(0, 8, "ORG"), provenance=Provenance(Origin.SUGGESTED, Decision.PENDING)),
                )
            ),
        )
        store.set_status(layer.id, first, DocStatus.DONE)  # type: ignore[arg-type]
    return project_file


def test_accept_undo_redo_reach_the_file(project: Path) -> None:
    with ProjectStore.open(project) as store:
        session = Session(store, "alice")
        doc = session.open(store.document_ids()[0])
        assert len(doc.pending.spans) == 2 and session.has_suggestions(doc.id)
        kirby = next(s for s in doc.pending.spans if s.label == "PERSON")
        assert session.apply(accept([kirby], "alice")) is None
        assert len(session.current.pending.spans) == 1  # type: ignore[union-attr]
        assert session.current.status is DocStatus.IN_PROGRESS  # type: ignore[union-attr]
    with ProjectStore.open(project) as store:
        session = Session(store, "alice")
        doc = session.open(store.document_ids()[0])
        assert [a.label for a in doc.own.spans] == ["PERSON"]
        # Undo history belongs to a window's session; a new session starts with none.
        assert not session.history.can_undo
        assert session.apply(relabel(doc.own.spans[0], "ORG", "alice")) is None
        assert session.history.undo_title == "Relabel as ORG"
        session.undo()
        assert [a.label for a in store.annotations(session.layer_id, doc.id).spans] == ["PERSON"]
        session.redo()
        assert [a.label for a in store.annotations(session.layer_id, doc.id).spans] == ["ORG"]


def test_two_windows_on_one_file_never_overwrite_each_other(project: Path) -> None:
    with ProjectStore.open(project) as one, ProjectStore.open(project) as two:
        first, second = Session(one, "alice"), Session(two, "alice")
        doc_id = one.document_ids()[0]
        first.open(doc_id)
        second.open(doc_id)
        kirby = next(s for s in first.current.pending.spans if s.label == "PERSON")  # type: ignore[union-attr]
        assert first.apply(accept([kirby], "alice")) is None
        # The second window still shows the suggestion as pending and accepts it too: refused.
        problem = second.apply(accept([kirby], "alice"))
        assert problem is not None and "another window" in problem
        assert len(second.current.own.spans) == 1  # type: ignore[union-attr] (reloaded)
        # Both now edit different annotations: both edits land.
        assert second.apply(create_span(Span(9, 18, "PERSON"), "alice")) is None
        assert first.check_external_changes()
        assert len(first.current.own.spans) == 2  # type: ignore[union-attr]
        # The first relabels what the second deletes meanwhile: refused and reloaded.
        mine = first.current.own.spans[0]  # type: ignore[union-attr]
        from annotator.model.editing import delete

        assert second.apply(delete([second.current.own.spans[0]], "alice")) is None  # type: ignore[union-attr]
        problem = first.apply(relabel(mine, "GPE", "alice"))
        assert problem is not None and "deleted" in problem
        assert len(first.current.own.spans) == 1  # type: ignore[union-attr]


def test_killed_process_keeps_every_completed_action(project: Path, tmp_path: Path) -> None:
    """kill -9 in the middle of a stream of edits: every edit reported done is in the file."""
    script = textwrap.dedent(
        f"""
        import sys
        from annotator.model.annotations import Span
        from annotator.model.editing import create_span
        from annotator.app.session import Session
        from annotator.store.project import ProjectStore
        store = ProjectStore.open({str(project)!r})
        session = Session(store, "alice")
        doc = session.open(store.document_ids()[1])
        for i in range(100000):
            start = i % (len(doc.text) - 2)
            assert session.apply(create_span(Span(start, start + 1, "CARDINAL"), "alice")) is None
            print(i, flush=True)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    completed = -1
    assert process.stdout is not None
    for line in process.stdout:
        completed = int(line)
        if completed >= 40:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait()
    with ProjectStore.open(project) as store:
        assert store.integrity_check() == "ok"
        layer = store.layer("alice")
        assert layer is not None
        saved = len(store.annotations(layer.id, store.document_ids()[1]).spans)  # type: ignore[arg-type]
        # Everything reported was committed; at most the one in flight may also have landed.
        assert completed + 1 <= saved <= completed + 2


def test_a_suggester_layer_name_cannot_be_an_annotator(project: Path) -> None:
    from annotator.store.database import StoreError

    with ProjectStore.open(project) as store, pytest.raises(StoreError, match="suggester"):
        Session(store, "spacy:test")


def test_another_connection_writing_elsewhere_does_not_reload_the_open_document(project: Path) -> None:
    with ProjectStore.open(project) as mine, ProjectStore.open(project) as other:
        session = Session(mine, "alice")
        first, second = mine.document_ids()
        session.open(first)
        reloads = []
        session.subscribe(lambda what: reloads.append(what))
        other_session = Session(other, "alice")
        other_session.open(second)
        other_session.apply(create_span(Span(0, 5, "ORG"), "alice"))
        assert session.check_external_changes()
        assert "annotations" not in reloads  # the open document did not change: not read again
        other_session.open(first)
        other_session.apply(create_span(Span(0, 8, "ORG"), "alice"))
        assert session.check_external_changes()
        assert "annotations" in reloads and len(session.current.own.spans) == 1  # type: ignore[union-attr]


def test_what_is_shown_after_edits_equals_a_fresh_read(project: Path) -> None:
    """The open document is patched after each edit (no pass over every span); it must always
    equal the document read afresh from the file, suggestions decided or not."""
    from annotator.model.editing import delete, reject
    from annotator.app.session import OpenDocument

    with ProjectStore.open(project) as store:
        session = Session(store, "alice")
        first = store.document_ids()[0]
        current = session.open(first)
        text = current.text
        kirby = text.index("John Kirby")
        session.apply(create_span(Span(kirby + 20, kirby + 25, "ORG"), "alice"))  # away from any suggestion
        session.current.shown()  # computed, so the next edit patches it
        made = session.current.own.spans[0]
        session.apply(relabel(made, "GPE", "alice"))
        session.current.shown()
        session.apply(accept([session.current.pending.spans[0]], "alice"))  # decides a suggestion
        session.current.shown()
        session.apply(reject([session.current.pending.spans[0]], "alice"))
        session.current.shown()
        session.apply(create_span(Span(kirby, kirby + 4, "PERSON"), "alice"))
        session.current.shown()
        session.apply(delete([session.current.own.spans[-1]], "alice"))
        session.current.shown()
        session.undo()
        for _ in range(7):
            patched = session.current
            fresh = session._load(first)
            assert patched.own == fresh.own and patched.pending == fresh.pending
            assert patched.shown() == fresh.shown() and patched.visible_spans() == fresh.visible_spans()
            assert isinstance(patched, OpenDocument)
            if not session.history.can_undo:
                break
            session.undo()
            session.current.shown()
