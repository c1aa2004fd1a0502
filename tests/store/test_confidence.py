"""Suggestion confidence in the store: kept with the suggestion, and the list sorted least confident first."""

from __future__ import annotations

from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store.confidence import document_confidence
from annotator.store.listing import LEAST_CONFIDENT, DocumentFilter, list_documents, listed_row, neighbour, position
from annotator.store.project import ProjectStore

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="trained:1")


def _event(start: int, end: int, confidence: float | None, uid: str) -> Event:
    return Event(Span(start, end, "Attack"), (), uid, SUGGESTED, confidence=confidence)


def _project(confidences: list[list[float | None]]) -> tuple[ProjectStore, int, int, list[int]]:
    """One document per list: an event suggestion per confidence, at words 0, 5, 10, ..."""
    store = ProjectStore.memory()
    suggestions = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    analyst = store.ensure_layer("ann", LayerKind.ANNOTATOR)
    ids = []
    for n, scores in enumerate(confidences):
        doc_id = store.add_document(Document(f"Document {n} " + "word " * 20), None)
        events = tuple(_event(5 * i, 5 * i + 4, c, f"d{n}e{i}") for i, c in enumerate(scores))
        store.add_annotations(suggestions.id, doc_id, AnnotationSet((), events))
        ids.append(doc_id)
    return store, suggestions.id, analyst.id, ids


def test_confidence_survives_the_store_and_an_unscored_suggestion_has_none() -> None:
    store, suggestions, _analyst, ids = _project([[0.42, None]])
    stored = store.annotations(suggestions, ids[0])
    assert [e.confidence for e in stored.events] == [0.42, None]
    span = SpanAnnotation(Span(0, 3, "ORG"), "s1", SUGGESTED, confidence=0.9)
    store.add_annotations(suggestions, ids[0], AnnotationSet((span,), ()))
    assert store.annotations(suggestions, ids[0]).spans[0].confidence == 0.9


def test_least_confident_first_unscored_last_and_decided_suggestions_ignored() -> None:
    store, suggestions, analyst, ids = _project([[0.9, 0.8], [None], [0.3, 0.95], [0.6], []])
    order = DocumentFilter(analyst, suggestions, order=LEAST_CONFIDENT)
    rows = list_documents(store, order)
    assert [r.id for r in rows] == [ids[2], ids[3], ids[0], ids[1], ids[4]]
    assert [r.confidence for r in rows] == [0.3, 0.6, 0.8, None, None]
    # Paging continues after the last row shown, in the same order.
    first = list_documents(store, order, 0, 2)
    rest = list_documents(store, order, first[-1].id, 2)
    assert [r.id for r in first + rest] == [ids[2], ids[3], ids[0], ids[1]]
    # The analyst accepts the 0.3 event of the third document: its least sure pending one is now 0.95.
    accepted = store.annotations(suggestions, ids[2]).events[0]
    copy = Event(accepted.trigger, (), "mine", Provenance(decision=Decision.ACCEPTED, source_uid=accepted.uid))
    store.add_annotations(analyst, ids[2], AnnotationSet((), (copy,)))
    assert document_confidence(store, suggestions, analyst, ids[2]) == 0.95
    assert [r.id for r in list_documents(store, order)] == [ids[3], ids[0], ids[2], ids[1], ids[4]]
    # Next/previous, the row number and one row's refresh follow the same order.
    assert neighbour(store, order, ids[3], 1) == ids[0]
    assert neighbour(store, order, ids[0], -1) == ids[3]
    assert position(store, order, ids[2]) == 2
    row = listed_row(store, order, ids[2])
    assert row is not None and row.confidence == 0.95 and row.events == 1
    # The plain order stays import order.
    assert [r.id for r in list_documents(store, DocumentFilter(analyst, suggestions))] == ids
