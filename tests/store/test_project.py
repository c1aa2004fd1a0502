"""The project store: documents, layers, annotations, statuses, settings; all through real SQLite."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.app.bundled import default_schema
from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.changes import Change
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.model.tokens import encode_tokens, token_json
from annotator.store.database import ConflictError, StoreError
from annotator.store.project import ProjectStore

TEXT = "Biden sent 3,000 troops to Kabul 😀 on Friday."


def _document(store: ProjectStore, text: str = TEXT) -> int:
    return store.add_document(Document(text, source="test"), encode_tokens(text, [(0, 5, True)]))


def test_documents_round_trip(store: ProjectStore) -> None:
    doc_id = _document(store)
    document = store.document(doc_id)
    assert document.text == TEXT and document.source == "test" and document.id == doc_id
    assert store.find_document(document.content_hash) == doc_id
    assert store.count_documents() == 1
    assert '"text":"Biden"' in token_json(store.tokens(doc_id))  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="no document 99"):
        store.document(99)


def test_documents_stream_in_id_order(store: ProjectStore) -> None:
    ids = [_document(store, f"Article number {i}") for i in range(1203)]
    assert [d.id for d in store.documents()] == ids
    assert [d.id for d in store.documents([ids[5], ids[1200], ids[0]])] == [ids[0], ids[5], ids[1200]]


def test_annotations_round_trip_with_provenance_and_event_arguments(store: ProjectStore) -> None:
    doc_id = _document(store)
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    troops = SpanAnnotation(
        Span(11, 23, "CARDINAL"),
        provenance=Provenance(Origin.SUGGESTED, Decision.EDITED, "alice", "spacy", "abc"),
        fragments=((11, 16), (17, 23)),
        attributes={"Confidence": "High", "Individual": True},
        note="checked",
    )
    kabul = SpanAnnotation(Span(27, 32, "GPE"))
    sent = Event(
        Span(6, 10, "Movement:Transport"),
        (Argument("Artifact", Span(11, 23, "Artifact")), Argument("Destination", Span(27, 32, "GPE"))),
    )
    report = Event(Span(0, 5, "Report"), (Argument("Event-Arg", event_uid=sent.uid),))
    store.add_annotations(layer.id, doc_id, AnnotationSet((troops, kabul), (sent, report)))  # type: ignore[arg-type]
    assert store.annotations(layer.id, doc_id) == AnnotationSet((troops, kabul), (sent, report))  # type: ignore[arg-type]


def test_layer_kinds_are_not_mixed(store: ProjectStore) -> None:
    store.ensure_layer("spacy", LayerKind.SUGGESTIONS, {"model": "x"})
    assert store.ensure_layer("spacy", LayerKind.SUGGESTIONS).info == {"model": "x"}
    assert store.ensure_layer("spacy", LayerKind.SUGGESTIONS, {"model": "y"}).info == {"model": "y"}
    assert store.layer("spacy").info == {"model": "y"}  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="holds suggestions"):
        store.ensure_layer("spacy", LayerKind.ANNOTATOR)


def test_apply_is_one_transaction_and_detects_conflicts(store: ProjectStore) -> None:
    doc_id = _document(store)
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    span = SpanAnnotation(Span(0, 5, "PERSON"))
    store.apply(layer.id, doc_id, [Change(None, span)])  # type: ignore[arg-type]
    assert store.status(layer.id, doc_id) is DocStatus.IN_PROGRESS  # type: ignore[arg-type]
    relabeled = replace(span, span=span.span.relabeled("ORG"))
    store.apply(layer.id, doc_id, [Change(span, relabeled)])  # type: ignore[arg-type]
    # A second window still believes the span is a PERSON: its edit is refused, nothing written.
    other = SpanAnnotation(Span(27, 32, "GPE"))
    with pytest.raises(ConflictError, match="changed in another window"):
        store.apply(layer.id, doc_id, [Change(None, other), Change(span, None)])  # type: ignore[arg-type]
    assert store.annotations(layer.id, doc_id).spans == (relabeled,)  # type: ignore[arg-type]
    with pytest.raises(ConflictError, match="added"):
        store.apply(layer.id, doc_id, [Change(None, relabeled)])  # type: ignore[arg-type]


def test_the_same_suggestion_cannot_be_decided_twice(store: ProjectStore) -> None:
    doc_id = _document(store)
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    accepted = SpanAnnotation(Span(0, 5, "PERSON"), provenance=Provenance(Origin.SUGGESTED, source_uid="s1"))
    rejected = SpanAnnotation(Span(0, 5, "PERSON"), provenance=Provenance(Origin.SUGGESTED, Decision.REJECTED, source_uid="s1"))
    store.apply(layer.id, doc_id, [Change(None, accepted)])  # type: ignore[arg-type]
    with pytest.raises(ConflictError, match="already decided"):
        store.apply(layer.id, doc_id, [Change(None, rejected)])  # type: ignore[arg-type]


def test_events_update_and_delete_with_their_arguments(store: ProjectStore) -> None:
    doc_id = _document(store)
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    event = Event(Span(6, 10, "Movement:Transport"), (Argument("Destination", Span(27, 32, "GPE")),))
    store.apply(layer.id, doc_id, [Change(None, event)])  # type: ignore[arg-type]
    more = event.with_arguments(event.arguments + (Argument("Agent", Span(0, 5, "PERSON")),))
    store.apply(layer.id, doc_id, [Change(event, more)])  # type: ignore[arg-type]
    assert store.annotations(layer.id, doc_id).events == (more,)  # type: ignore[arg-type]
    store.apply(layer.id, doc_id, [Change(more, None)])  # type: ignore[arg-type]
    assert store._db.execute("SELECT count(*) FROM arguments").fetchone()[0] == 0


def test_status_and_stats(store: ProjectStore) -> None:
    a, b = _document(store), _document(store, "Another article.")
    layer = store.ensure_layer("gold", LayerKind.GOLD)
    store.add_annotations(layer.id, a, AnnotationSet((SpanAnnotation(Span(0, 5, "PERSON")),)))  # type: ignore[arg-type]
    store.set_status(layer.id, a, DocStatus.DONE, "2021-01-01T00:00:00Z", "2021-01-02T00:00:00Z")  # type: ignore[arg-type]
    assert store.status(layer.id, a) is DocStatus.DONE and store.status(layer.id, b) is DocStatus.NEW  # type: ignore[arg-type]
    assert store.status_times(layer.id, a) == ("2021-01-01T00:00:00Z", "2021-01-02T00:00:00Z")  # type: ignore[arg-type]
    assert store.stats() == {
        "documents": 2,
        "layers": {"gold": {"kind": "gold", "documents": 1, "spans": 1, "events": 0, "done": 1, "relations": 0}},
    }


def test_settings_and_schema(store: ProjectStore) -> None:
    assert store.schema() == default_schema()
    store.set_setting("model", {"name": "en_core_web_sm"})
    assert store.setting("model") == {"name": "en_core_web_sm"} and store.setting("missing", 3) == 3


def test_labels_and_text_with_quotes_and_sql_are_stored_verbatim(store: ProjectStore) -> None:
    text = "Robert'); DROP TABLE documents;-- met \"Bobby\"."
    doc_id = _document(store, text)
    layer = store.ensure_layer("o'brien \"; DELETE FROM spans;", LayerKind.ANNOTATOR)
    label = "ORG'); DROP TABLE spans;--"
    store.add_annotations(layer.id, doc_id, AnnotationSet((SpanAnnotation(Span(0, 6, label)),)))  # type: ignore[arg-type]
    assert store.document(doc_id).text == text
    assert store.annotations(layer.id, doc_id).spans[0].label == label  # type: ignore[arg-type]
    assert store.layer("o'brien \"; DELETE FROM spans;") is not None


def test_a_file_project_uses_wal_and_foreign_keys(project_file: Path) -> None:
    with ProjectStore.open(project_file) as store:
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert store.integrity_check() == "ok"


def test_what_callers_outside_the_store_ask_for_instead_of_the_connection(project_file: Path) -> None:
    with ProjectStore.open(project_file) as store:
        assert not hasattr(store, "db")  # the connection is private to store/
        store.set_busy_timeout(0.25)
        assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] == 250
        first = store.add_document(Document("One."), None)
        second = store.add_document(Document("Two."), None)
        assert store.content_hashes() == [store.document(first).content_hash, store.document(second).content_hash]
        assert store.recovered is None  # nothing was being restored


def test_an_interrupted_transaction_leaves_nothing(project_file: Path) -> None:
    with ProjectStore.open(project_file) as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                _document(store)
                raise RuntimeError("power cut")
    with ProjectStore.open(project_file) as store:
        assert store.count_documents() == 0


def test_other_files_are_refused_clearly(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_bytes(b"this is not a database at all, just text" * 100)
    with pytest.raises(StoreError, match="not an annotator project"):
        ProjectStore.open(text_file)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    with pytest.raises(StoreError, match="another program"):
        ProjectStore.open(foreign)
    with pytest.raises(StoreError, match="is a folder"):
        ProjectStore.open(tmp_path)
