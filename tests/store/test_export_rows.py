"""The export's reads: which documents a layer holds, in id order, batch after batch, with the
layer's annotations, rejected ones counted, and one consistent snapshot."""

from __future__ import annotations

from pathlib import Path

from annotator.model.annotations import (
    AnnotationSet,
    Argument,
    Decision,
    Event,
    Provenance,
    Span,
    SpanAnnotation,
)
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.export_rows import count_layer_documents, layer_documents, read_snapshot
from annotator.store.project import ProjectStore


def _layer_with_mixed_documents(store: ProjectStore) -> tuple[int, dict[str, list[int]]]:
    """Documents the layer holds in different ways, interleaved by id, plus some it does not hold."""
    layer = store.ensure_layer("gold", LayerKind.GOLD)
    kinds: dict[str, list[int]] = {"done": [], "status only": [], "spans only": [], "events only": [], "outside": []}
    order = ["done", "outside", "spans only", "status only", "events only", "done", "outside", "spans only"] * 3
    for n, kind in enumerate(order):
        text = f"Document {n:02d} about Kabul and Kandahar."
        document_id = store.add_document(Document(text), None)
        kinds[kind].append(document_id)
        if kind == "done":
            store.add_annotations(layer.id, document_id, AnnotationSet((SpanAnnotation(Span(18, 23, "GPE")),)))  # type: ignore[arg-type]
            store.set_status(layer.id, document_id, DocStatus.DONE, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")  # type: ignore[arg-type]
        elif kind == "status only":
            store.set_status(layer.id, document_id, DocStatus.IN_PROGRESS)  # type: ignore[arg-type]
        elif kind == "spans only":
            store.add_annotations(layer.id, document_id, AnnotationSet((SpanAnnotation(Span(28, 36, "GPE")),)))  # type: ignore[arg-type]
        elif kind == "events only":
            store.add_annotations(layer.id, document_id, AnnotationSet((), (Event(Span(0, 8, "Report")),)))  # type: ignore[arg-type]
    return layer.id, kinds  # type: ignore[return-value]


def test_any_gives_every_document_the_layer_holds_in_id_order_whatever_the_batch(store: ProjectStore) -> None:
    layer_id, kinds = _layer_with_mixed_documents(store)
    held = sorted(i for kind, ids in kinds.items() if kind != "outside" for i in ids)
    for batch in (1, 2, 3, 7, 256):
        assert [d.document.id for d in layer_documents(store, layer_id, "any", batch=batch)] == held
    assert count_layer_documents(store, layer_id, "any") == len(held)


def test_done_gives_only_finished_documents_with_their_status_times(store: ProjectStore) -> None:
    layer_id, kinds = _layer_with_mixed_documents(store)
    documents = list(layer_documents(store, layer_id, "done", batch=2))
    assert [d.document.id for d in documents] == kinds["done"]
    assert count_layer_documents(store, layer_id, "done") == len(kinds["done"])
    first = documents[0]
    assert first.times == ("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")
    assert [(s.start, s.end, s.label) for s in first.spans] == [(18, 23, "GPE")]
    assert first.document.text[18:23] == "Kabul"
    spans_only = next(d for d in layer_documents(store, layer_id, "any") if d.document.id == kinds["spans only"][0])
    assert spans_only.times is None


def test_annotations_come_in_text_order_with_what_brat_keeps_and_rejected_ones_counted(store: ProjectStore) -> None:
    text = "Kabul and Kandahar: troops left Kabul."
    document_id = store.add_document(Document(text), None)
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    rejected = Provenance(decision=Decision.REJECTED)
    left = Event(
        Span(27, 31, "Movement:Transport"), (Argument("Origin", Span(32, 37, "GPE")),), attributes={"Tense": "Past"}
    )
    report = Event(Span(20, 26, "Report"), (Argument("Event", event_uid=left.uid),), note="checked")
    store.add_annotations(
        layer.id,  # type: ignore[arg-type]
        document_id,
        AnnotationSet(
            (
                SpanAnnotation(Span(32, 37, "GPE")),
                SpanAnnotation(Span(10, 18, "GPE"), provenance=rejected),
                SpanAnnotation(
                    Span(0, 18, "LOC"), fragments=((0, 5), (10, 18)), attributes={"Kind": "pair"}, note="two"
                ),
                SpanAnnotation(Span(0, 5, "GPE")),
            ),
            (left, report, Event(Span(20, 26, "Report"), provenance=rejected)),
        ),
    )
    (item,) = layer_documents(store, layer.id, "any")  # type: ignore[arg-type]
    assert [(s.start, s.end, s.label) for s in item.spans] == [(0, 18, "LOC"), (0, 5, "GPE"), (32, 37, "GPE")]
    assert item.spans[0].fragments == ((0, 5), (10, 18)) and item.spans[0].attributes == {"Kind": "pair"}
    assert item.spans[0].note == "two"
    assert (item.rejected_spans, item.rejected_events) == (1, 1)
    assert [(e.type, e.start) for e in item.events] == [("Report", 20), ("Movement:Transport", 27)]
    exported_report, exported_left = item.events
    assert exported_report.arguments[0].event_uid == left.uid and exported_report.note == "checked"
    assert exported_left.arguments[0][:4] == ("Origin", 32, 37, "GPE") and exported_left.attributes == {"Tense": "Past"}
    (everything,) = layer_documents(store, layer.id, "any", include_rejected=True)  # type: ignore[arg-type]
    assert len(everything.spans) == 4 and len(everything.events) == 3 and everything.rejected_spans == 0


def test_a_snapshot_does_not_see_an_edit_made_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with ProjectStore.open(path) as reader, ProjectStore.open(path) as writer:
        layer = writer.ensure_layer("gold", LayerKind.GOLD)
        ids = [writer.add_document(Document(f"Document {n} about Kabul."), None) for n in range(3)]
        for document_id in ids:
            writer.add_annotations(layer.id, document_id, AnnotationSet((SpanAnnotation(Span(20, 25, "GPE")),)))  # type: ignore[arg-type]
        seen = []
        with read_snapshot(reader):
            for item in layer_documents(reader, layer.id, "any", batch=1):  # type: ignore[arg-type]
                seen.append(len(item.spans))
                if len(seen) == 1:  # another window adds a span to the last document now
                    writer.add_annotations(layer.id, ids[2], AnnotationSet((SpanAnnotation(Span(0, 8, "ORG")),)))  # type: ignore[arg-type]
        assert seen == [1, 1, 1]
        assert [len(i.spans) for i in layer_documents(reader, layer.id, "any")] == [1, 1, 2]  # type: ignore[arg-type]
