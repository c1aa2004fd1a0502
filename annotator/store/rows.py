"""Conversion between table rows and domain objects, kept apart from the queries that use it."""

from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Iterable, Iterator, Mapping

from annotator.model.annotations import Argument, Event, Provenance, Span, SpanAnnotation
from annotator.model.document import Document

SPAN_COLUMNS = (
    "uid, start_char, end_char, label, origin, decision, author, suggester, source_uid, created_at, updated_at, data"
)
EVENT_COLUMNS = (
    "id, uid, type, trigger_start, trigger_end, origin, decision, author, suggester, source_uid, "
    "created_at, updated_at, data"
)
DOCUMENT_COLUMNS = "id, content_hash, text, title, date, source, meta"
_SPAN_ROW = (
    "uid", "layer_id", "document_id", "start_char", "end_char", "label", "origin", "decision", "author", "suggester",
    "source_uid", "created_at", "updated_at", "data",
)
SPAN_INSERT = f"INSERT INTO spans ({', '.join(_SPAN_ROW)}) VALUES ({', '.join(':' + c for c in _SPAN_ROW)})"
"""The insert of one :func:`span_row`."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a read makes many objects without reference cycles: each
    collection would walk every object made so far, which makes long reads grow faster than linear."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _data(
    fragments: Iterable[tuple[int, int]] = (),
    attributes: Mapping[str, Any] | None = None,
    note: str = "",
    confidence: float | None = None,
    accepted_above: float | None = None,
) -> str | None:
    data: dict[str, Any] = {}
    if accepted_above is not None:
        data["accepted_above"] = float(accepted_above)  # the provenance of an auto-accepted suggestion
    if confidence is not None:
        # A suggestion's score lives in the JSON column: the document list sorts on it with json_extract.
        data["confidence"] = round(float(confidence), 4)
    if fragments:
        data["fragments"] = [list(f) for f in fragments]
    if attributes:
        data["attributes"] = dict(attributes)
    if note:
        data["note"] = note
    return dumps(data) if data else None


def provenance_columns(p: Provenance) -> dict[str, Any]:
    return {
        "origin": p.origin.value,
        "decision": p.decision.value,
        "author": p.author,
        "suggester": p.suggester,
        "source_uid": p.source_uid,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _provenance(row: tuple) -> Provenance:
    origin, decision, author, suggester, source_uid, created_at, updated_at = row
    return Provenance(origin, decision, author, suggester, source_uid, created_at, updated_at)


def _with_threshold(provenance: Provenance, data: Mapping[str, Any]) -> Provenance:
    threshold = data.get("accepted_above")
    return provenance if threshold is None else replace(provenance, accepted_above=float(threshold))


def span_row(layer_id: int, document_id: int, a: SpanAnnotation) -> dict[str, Any]:
    return {
        "uid": a.uid,
        "layer_id": layer_id,
        "document_id": document_id,
        "start_char": a.start,
        "end_char": a.end,
        "label": a.label,
        **provenance_columns(a.provenance),
        "data": _data(a.fragments, a.attributes, a.note, a.confidence, a.provenance.accepted_above),
    }


def span_from_row(row: tuple) -> SpanAnnotation:
    uid, start, end, label = row[:4]
    data = json.loads(row[11]) if row[11] else {}
    return SpanAnnotation(
        Span(start, end, label),
        uid,
        _with_threshold(_provenance(row[4:11]), data),
        tuple(tuple(f) for f in data.get("fragments", ())),
        data.get("attributes", {}),
        data.get("note", ""),
        data.get("confidence"),
    )


SPAN_ORDER_SQL = "start_char, end_char DESC, label, uid"
"""SQL for :func:`annotator.model.annotations.span_order` (SQLite compares text as UTF-8 bytes,
which orders like Python compares code points), so a read needs no sorting in Python."""


def spans_from_rows(rows: Iterable[tuple]) -> list[SpanAnnotation]:
    """:func:`span_from_row` for many rows at once, the way a long article is read.

    Building the objects was most of the time an article takes to open, and grew faster than the
    article: the constructors' checks and enum conversions ran per row, and the garbage collector
    walked the whole heap again and again while tens of thousands of objects were made. Rows in
    the store were checked when written, so they are built with the trusted constructors; rows
    with the same provenance share one (immutable) :class:`Provenance`; and the collector waits
    until the objects are made (they hold no reference cycles).
    """
    provenances: dict[tuple, Provenance] = {}
    made: list[SpanAnnotation] = []
    append = made.append
    trusted_span, trusted_annotation = Span.trusted, SpanAnnotation.trusted
    with gc_paused():
        for row in rows:
            key = row[4:11]
            provenance = provenances.get(key)
            if provenance is None:
                provenance = provenances[key] = _provenance(key)
            if row[11]:
                append(_span_with_data(row, provenance))
            else:
                append(trusted_annotation(trusted_span(row[1], row[2], row[3]), row[0], provenance))
    return made


def _span_with_data(row: tuple, provenance: Provenance) -> SpanAnnotation:
    data = json.loads(row[11])
    return SpanAnnotation(
        Span(row[1], row[2], row[3]),
        row[0],
        _with_threshold(provenance, data),
        tuple(tuple(f) for f in data.get("fragments", ())),
        data.get("attributes", {}),
        data.get("note", ""),
        data.get("confidence"),
    )


def event_row(layer_id: int, document_id: int, e: Event) -> dict[str, Any]:
    return {
        "uid": e.uid,
        "layer_id": layer_id,
        "document_id": document_id,
        "type": e.type,
        "trigger_start": e.trigger.start,
        "trigger_end": e.trigger.end,
        **provenance_columns(e.provenance),
        "data": _data((), e.attributes, e.note, e.confidence, e.provenance.accepted_above),
    }


def argument_rows(event_id: int, e: Event) -> list[dict[str, Any]]:
    return [
        {
            "event_id": event_id,
            "position": i,
            "role": a.role,
            "start_char": a.span.start if a.span else None,
            "end_char": a.span.end if a.span else None,
            "label": a.span.label if a.span else None,
            "event_uid": a.event_uid,
        }
        for i, a in enumerate(e.arguments)
    ]


def argument_from_row(row: tuple) -> Argument:
    role, start, end, label, event_uid = row
    if event_uid is not None:
        return Argument(role, event_uid=event_uid)
    return Argument(role, Span(start, end, label))


def event_from_row(row: tuple, arguments: Iterable[Argument]) -> Event:
    _id, uid, type_, start, end = row[:5]
    data = json.loads(row[12]) if row[12] else {}
    return Event(
        Span(start, end, type_),
        tuple(arguments),
        uid,
        _with_threshold(_provenance(row[5:12]), data),
        data.get("attributes", {}),
        data.get("note", ""),
        data.get("confidence"),
    )


def document_row(document: Document, tokens: bytes | None, imported_at: str) -> dict[str, Any]:
    extra = {k: v for k, v in document.extra.items() if k not in ("title", "date", "source")}
    return {
        "content_hash": document.content_hash,
        "text": document.text,
        "title": document.title,
        "date": document.date,
        "source": document.source,
        "meta": dumps(extra) if extra else None,
        "length": len(document.text),
        "tokens": tokens,
        "imported_at": imported_at,
    }


def document_from_row(row: tuple) -> Document:
    id_, content_hash, text, title, date, source, meta = row
    return Document(text, title, date, source, json.loads(meta) if meta else {}, id_, content_hash)
