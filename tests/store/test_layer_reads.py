"""Bulk reads for review: what a layer contains, and a layer's annotations of many documents at once."""

from __future__ import annotations

import pytest

from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.database import StoreError
from annotator.store.layer_reads import common_documents, contained_documents, layer_annotations, resolve_layers
from annotator.store.project import ProjectStore


def test_a_layer_contains_what_it_has_a_status_for_or_annotations_in(store: ProjectStore) -> None:
    docs = [store.add_document(Document(f"Article {i} about Kabul."), None) for i in range(4)]
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    suggester = store.ensure_layer("spacy", LayerKind.SUGGESTIONS)
    store.set_status(alice.id, docs[0], DocStatus.DONE)  # looked at, found nothing  # type: ignore[arg-type]
    store.add_annotations(alice.id, docs[1], AnnotationSet((SpanAnnotation(Span(0, 7, "ORG")),)))  # type: ignore[arg-type]
    store.add_annotations(suggester.id, docs[1], AnnotationSet(events=(Event(Span(0, 7, "Meet")),)))  # type: ignore[arg-type]
    store.set_status(suggester.id, docs[2], DocStatus.NEW)  # type: ignore[arg-type]
    assert contained_documents(store, alice.id) == {docs[0], docs[1]}  # type: ignore[arg-type]
    assert contained_documents(store, suggester.id) == {docs[1], docs[2]}  # type: ignore[arg-type]
    assert common_documents(store, [alice.id, suggester.id]) == [docs[1]]  # type: ignore[list-item]


def test_bulk_reads_equal_reading_one_document_at_a_time(store: ProjectStore) -> None:
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    docs = []
    for i in range(1203):  # more than one chunk
        doc = store.add_document(Document(f"Rebels attacked town {i} and killed many."), None)
        docs.append(doc)
        if i % 3:
            death = Event(Span(28, 34, "Life:Die"))
            attack = Event(Span(7, 15, "Conflict:Attack"), (Argument("Place", Span(16, 20, "GPE")), Argument("Result", event_uid=death.uid)))
            store.add_annotations(layer.id, doc, AnnotationSet((SpanAnnotation(Span(0, 6, "ORG")),), (attack, death)))  # type: ignore[arg-type]
    found = layer_annotations(store, layer.id, docs)  # type: ignore[arg-type]
    assert set(found) == set(docs)
    assert all(found[doc] == store.annotations(layer.id, doc) for doc in docs)  # type: ignore[arg-type]
    assert found[docs[0]] == AnnotationSet()


def test_unknown_layers_are_named_with_the_ones_there_are(store: ProjectStore) -> None:
    store.ensure_layer("alice", LayerKind.ANNOTATOR)
    assert [l.name for l in resolve_layers(store, ["alice"])] == ["alice"]
    with pytest.raises(StoreError, match=r"no layer 'bob' \(its layers: alice\)"):
        resolve_layers(store, ["alice", "bob"])
