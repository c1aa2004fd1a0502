"""Reading many spans at once: the fast path builds exactly what the one-row path builds, in text order."""

from __future__ import annotations

import gc
import random

from annotator.model.annotations import AnnotationSet, Decision, Origin, Provenance, Span, SpanAnnotation, span_order
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store import rows
from annotator.store.layer_reads import layer_annotations
from annotator.store.project import ProjectStore

LABELS = ["PERSON", "ORG", "Ärger", "GPE", "😀", "org", "Z"]


def _annotations(rng: random.Random, count: int) -> AnnotationSet:
    made = []
    for i in range(count):
        start = rng.randrange(0, 200)
        end = start + rng.randrange(1, 4)
        provenance = Provenance(
            rng.choice(list(Origin)), rng.choice(list(Decision)), rng.choice([None, "ann"]), None, None, "2026-01-01T00:00:00Z"
        )
        extra: dict = {}
        if i % 7 == 0:
            extra = {"fragments": ((start, start + 1),), "attributes": {"negated": True}, "note": f"note {i}"}
        made.append(SpanAnnotation(Span(start, end, rng.choice(LABELS)), f"u{rng.randrange(10**6):06d}-{i}", provenance, **extra))
    return AnnotationSet(tuple(made))


def test_fast_read_equals_one_row_read_and_python_order(store: ProjectStore) -> None:
    rng = random.Random(3)
    document_id = store.add_document(Document("x" * 300), None)
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    written = _annotations(rng, 400)
    store.add_annotations(layer.id, document_id, written)  # type: ignore[arg-type]
    read = store.annotations(layer.id, document_id)  # type: ignore[arg-type]
    slow = [
        rows.span_from_row(r)
        for r in store._db.execute(f"SELECT {rows.SPAN_COLUMNS} FROM spans WHERE layer_id = ?", (layer.id,))
    ]
    assert list(read.spans) == sorted(slow, key=span_order)
    assert read.spans == written.spans
    # the same through the many-documents read
    assert layer_annotations(store, layer.id, [document_id])[document_id].spans == written.spans  # type: ignore[arg-type]
    assert gc.isenabled()


def test_trusted_constructors_make_equal_values() -> None:
    provenance = Provenance()
    trusted = SpanAnnotation.trusted(Span.trusted(3, 9, "ORG"), "abc", provenance)
    checked = SpanAnnotation(Span(3, 9, "ORG"), "abc", provenance)
    assert trusted == checked and hash(trusted.span) == hash(checked.span)
    assert trusted.fragments == () and trusted.note == "" and dict(trusted.attributes) == {}


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with rows.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with rows.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
