"""Writes for a bulk import, inside the caller's open transaction.

The :class:`~annotator.store.project.ProjectStore` methods each wrap themselves in a
transaction (a savepoint when one is open) and insert spans through ``sqlite_utils``; for an
import of 100,000 documents that per-call overhead was most of the writing time. These do the
same inserts with plain ``executemany`` and no savepoints, so they must run inside
``store.transaction()`` (the import's one transaction), which they check.
"""

from __future__ import annotations

from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation, now_iso
from annotator.model.document import Document
from annotator.model.layer import DocStatus
from annotator.store import relation_rows, rows
from annotator.store.project import ProjectStore

_SPAN_COLUMNS = tuple(rows.span_row(0, 0, SpanAnnotation(Span(0, 1, "X"))))
_INSERT_SPAN = f"INSERT INTO spans ({', '.join(_SPAN_COLUMNS)}) VALUES ({', '.join(':' + c for c in _SPAN_COLUMNS)})"
_INSERT_DOCUMENT = (
    "INSERT INTO documents (content_hash, text, title, date, source, meta, length, tokens, imported_at) "
    "VALUES (:content_hash, :text, :title, :date, :source, :meta, :length, :tokens, :imported_at)"
)


def _check(store: ProjectStore) -> None:
    if not store._db.conn.in_transaction:
        raise RuntimeError("bulk writes must run inside store.transaction()")


def insert_document(store: ProjectStore, document: Document, imported_at: str | None = None) -> int:
    """Store a new document without tokens (they are made when first needed); returns its id."""
    _check(store)
    cursor = store._db.conn.execute(_INSERT_DOCUMENT, rows.document_row(document, None, imported_at or now_iso()))
    return int(cursor.lastrowid)


def insert_annotations(store: ProjectStore, layer_id: int, document_id: int, annotations: AnnotationSet) -> None:
    """Insert new spans, events and relations of one document into a layer."""
    _check(store)
    if annotations.spans:
        store._db.conn.executemany(_INSERT_SPAN, [rows.span_row(layer_id, document_id, a) for a in annotations.spans])
    for event in annotations.events:
        store._insert_event(layer_id, document_id, event)
    for relation in annotations.relations:
        relation_rows.insert_relation(store._db, layer_id, document_id, relation)


def upsert_status(
    store: ProjectStore, layer_id: int, document_id: int, status: DocStatus, created_at: str | None, updated_at: str | None
) -> None:
    """Set a document's status in a layer (first and last touch kept as given, else now)."""
    _check(store)
    now = now_iso()
    store._db.conn.execute(
        "INSERT INTO document_status (layer_id, document_id, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(layer_id, document_id) DO UPDATE SET "
        "status = excluded.status, updated_at = excluded.updated_at",
        (layer_id, document_id, DocStatus(status).value, created_at or now, updated_at or now),
    )
