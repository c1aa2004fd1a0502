"""Small builders for hub tests: projects with documents, and edits made the way the window makes them."""

from __future__ import annotations

from pathlib import Path

from annotator.app.bundled import default_schema
from annotator.model.annotations import Span, SpanAnnotation
from annotator.model.changes import Change
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store.project import ProjectStore

TEXTS = [
    f"Article {i}: Officials in City{i} met delegates from Country{i} on Monday to discuss the harbour project."
    for i in range(12)
]


def lead_project(path: Path, texts: list[str] = TEXTS) -> ProjectStore:
    store = ProjectStore.open(path)
    store.set_schema(default_schema())
    with store.transaction():
        for text in texts:
            store.add_document(Document(text), None)
    return store


def annotate(store: ProjectStore, layer_name: str, document_id: int, start: int, end: int, label: str) -> SpanAnnotation:
    """Add one span in one transaction, as a user action in the window does."""
    layer = store.ensure_layer(layer_name, LayerKind.GOLD if layer_name == "gold" else LayerKind.ANNOTATOR)
    span = SpanAnnotation(Span(start, end, label))
    store.apply(layer.id, document_id, [Change(None, span)])  # type: ignore[arg-type]
    return span


def spans_of(store: ProjectStore, layer_name: str) -> dict[str, tuple]:
    layer = store.layer(layer_name)
    if layer is None:
        return {}
    return {
        uid: (content_hash, start, end, label)
        for uid, content_hash, start, end, label in store._db.execute(
            "SELECT s.uid, d.content_hash, s.start_char, s.end_char, s.label FROM spans s "
            "JOIN documents d ON d.id = s.document_id WHERE s.layer_id = ?",
            (layer.id,),
        )
    }


def hub_spans(conn, layer: str) -> dict[str, tuple]:
    return {
        uid: (document, start, end, label)
        for uid, document, start, end, label in conn.execute(
            "SELECT uid, document, start_char, end_char, label FROM spans WHERE layer = %s AND NOT deleted", (layer,)
        )
    }


def relabel(store: ProjectStore, layer_name: str, document_id: int, uid: str, label: str) -> SpanAnnotation:
    """Change a span's label in one transaction, as the window does."""
    from dataclasses import replace

    layer = store.layer(layer_name)
    assert layer is not None
    before = next(s for s in store.annotations(layer.id, document_id).spans if s.uid == uid)  # type: ignore[arg-type]
    after = replace(before, span=before.span.relabeled(label))
    store.apply(layer.id, document_id, [Change(before, after)])  # type: ignore[arg-type]
    return after
