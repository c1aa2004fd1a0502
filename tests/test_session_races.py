"""Races between two windows or processes on one file: a new annotator's first edits, and a
relabel in the same second as the edit before it."""

from __future__ import annotations

import threading
from pathlib import Path

from annotator.formats.importer import import_paths
from annotator.model.annotations import Span
from annotator.model.editing import create_span, relabel
from annotator.app.session import Session
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


def test_two_first_edits_as_the_same_new_annotator_at_once_both_land(tmp_path: Path, seeds: Path) -> None:
    """Each of 12 rounds: two connections (as two processes have) make their first edit as a new
    annotator at the same moment. Before the layer was made in the edit's transaction, nearly
    every round lost one edit to ``UNIQUE constraint failed: layers.name``."""
    for round_ in range(12):
        path = tmp_path / f"race{round_}.db"
        with create_project(path) as store:
            import_paths(store, [seeds])
        stores = [ProjectStore.open(path) for _ in range(2)]
        sessions = [Session(store, "carol") for store in stores]
        doc_id = stores[0].document_ids()[0]
        for session in sessions:
            session.open(doc_id)
        barrier = threading.Barrier(2)
        results: list[object] = [None, None]

        def edit(i: int) -> None:
            barrier.wait()
            try:
                results[i] = sessions[i].apply(create_span(Span(i * 5, i * 5 + 4, "ORG"), "carol"))
            except Exception as error:  # the failure this test is about
                results[i] = error

        threads = [threading.Thread(target=edit, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        try:
            assert results == [None, None], f"round {round_}: {results}"
            layer = stores[0].layer("carol")
            assert layer is not None and len(stores[0].layers()) == 1
            assert sorted(a.span.start for a in stores[0].annotations(layer.id, doc_id).spans) == [0, 5]  # type: ignore[arg-type]
        finally:
            for store in stores:
                store.close()


def test_the_other_window_sees_a_relabel_made_in_the_same_second(tmp_path: Path, seeds: Path) -> None:
    path = tmp_path / "p.db"
    with create_project(path) as store:
        import_paths(store, [seeds])
    with ProjectStore.open(path) as one, ProjectStore.open(path) as two:
        writer, watcher = Session(one, "alice"), Session(two, "alice")
        doc_id = one.document_ids()[0]
        writer.open(doc_id)
        assert writer.apply(create_span(Span(0, 4, "ORG"), "alice")) is None
        watcher.open(doc_id)
        assert [a.label for a in watcher.current.own.spans] == ["ORG"]  # type: ignore[union-attr]
        for label in ("GPE", "PERSON", "NORP", "LOC"):  # each well inside one second of the last
            span = writer.current.own.spans[0]  # type: ignore[union-attr]
            assert writer.apply(relabel(span, label, "alice")) is None
            assert watcher.check_external_changes()
            assert [a.label for a in watcher.current.own.spans] == [label]  # type: ignore[union-attr]


def test_two_windows_of_one_analyst_labelling_the_same_word_make_one_span(tmp_path: Path, seeds: Path) -> None:
    """Issue 22: each window saw no span there, so each added one: two identical spans in one layer."""
    path = tmp_path / "p.db"
    with create_project(path) as store:
        import_paths(store, [seeds])
    stores = [ProjectStore.open(path) for _ in range(2)]
    try:
        sessions = [Session(store, "carol") for store in stores]
        doc_id = stores[0].document_ids()[0]
        for session in sessions:
            session.open(doc_id)
        first = sessions[0].apply(create_span(Span(0, 4, "ORG"), "carol"))
        second = sessions[1].apply(create_span(Span(0, 4, "ORG"), "carol"))
        assert first is None and second is not None and "already added in another window" in second
        layer = stores[0].layer("carol").id  # type: ignore[union-attr]
        spans = stores[0].annotations(layer, doc_id).spans
        assert [(s.span.start, s.span.end, s.span.label) for s in spans] == [(0, 4, "ORG")]
    finally:
        for store in stores:
            store.close()
