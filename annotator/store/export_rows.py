"""Reads behind export: one layer's documents with their annotations, streamed in id order.

Export touches every annotation of a layer, so this module reads rows in batches of documents
(a few queries per batch, never one per document) and hands out light read-only records instead
of the full domain objects: building 2.5 million validated ``SpanAnnotation`` values would cost
more than the whole export may take. Memory holds one batch at a time, however large the project.

A layer *contains* a document when it has a status row for it or annotations in it (the same
rule as :mod:`annotator.store.layer_reads`); ``status="done"`` narrows that to documents the layer
marked done.
"""

from __future__ import annotations

import heapq
import json
from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

from annotator.model.annotations import Decision
from annotator.model.document import Document
from annotator.store.project import ProjectStore

BATCH = 256
"""Documents read per round of queries: keeps ``IN (...)`` lists short and memory flat."""

STATUSES = ("done", "any")

_REJECTED = Decision.REJECTED.value
_new_tuple = tuple.__new__


class ExportSpan(NamedTuple):
    """A span as export needs it: offsets in code points, label, and what brat can carry."""

    start: int
    end: int
    label: str
    fragments: tuple[tuple[int, int], ...] = ()
    attributes: dict[str, Any] | None = None
    note: str = ""


class ExportArgument(NamedTuple):
    """A role filled by a span (``start``, ``end``, ``label``) or by another event (``event_uid``)."""

    role: str
    start: int | None
    end: int | None
    label: str | None
    event_uid: str | None


class ExportEvent(NamedTuple):
    uid: str
    type: str
    start: int
    end: int
    arguments: tuple[ExportArgument, ...]
    attributes: dict[str, Any] | None = None
    note: str = ""


class ExportRelation(NamedTuple):
    """A relation (``ends``: head, child) or an equivalence group (``symmetric``; ``ends``: members).

    Each end is ``(start, end, label)`` for a span or the uid of an event.
    """

    uid: str
    type: str
    symmetric: bool
    ends: tuple[Any, ...]
    attributes: dict[str, Any] | None = None
    note: str = ""


class LayerDocument(NamedTuple):
    """One document of the layer: its text and metadata, stored tokens, status times and annotations.

    ``spans`` are in text order (start, longest first, label); ``rejected_spans`` and
    ``rejected_events`` count what was left out because someone rejected it.
    """

    document: Document
    tokens: bytes | None
    times: tuple[str, str] | None
    spans: list[ExportSpan]
    events: list[ExportEvent]
    rejected_spans: int = 0
    rejected_events: int = 0
    relations: tuple[ExportRelation, ...] = ()
    rejected_relations: int = 0
    made: Any = None
    """Tokens made at export for a document with none stored (the writers' own form), else None."""


@contextmanager
def read_snapshot(store: ProjectStore) -> Iterator[None]:
    """Read everything inside one read transaction, so an edit made meanwhile is either wholly in
    the export or wholly out of it. A connection already inside a transaction reads as it is.

    The transaction only reads; it never blocks writers (WAL). Give a worker thread its own
    :class:`ProjectStore`: a window writing on the same connection would wait for the export.
    """
    conn = store._db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def count_layer_documents(store: ProjectStore, layer_id: int, status: str) -> int:
    """How many documents :func:`layer_documents` will give."""
    _check_status(status)
    if status == "done":
        sql = "SELECT count(*) FROM document_status WHERE layer_id = :l AND status = 'done'"
    else:
        sql = (
            "SELECT count(*) FROM (SELECT document_id FROM document_status WHERE layer_id = :l "
            "UNION SELECT document_id FROM spans WHERE layer_id = :l "
            "UNION SELECT document_id FROM events WHERE layer_id = :l)"
        )
    return int(store._db.execute(sql, {"l": layer_id}).fetchone()[0])


def layer_documents(
    store: ProjectStore, layer_id: int, status: str = "any", include_rejected: bool = False, batch: int = BATCH
) -> Iterator[LayerDocument]:
    """The layer's documents in id order (``status`` "done" or "any"), read ``batch`` at a time."""
    _check_status(status)
    last = 0
    while True:
        chosen = _next_ids(store, layer_id, status, last, batch)
        if not chosen:
            return
        ids = [i for i, _ in chosen]
        last = ids[-1]
        yield from _read_batch(store, layer_id, chosen, include_rejected)


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")


def _next_ids(
    store: ProjectStore, layer_id: int, status: str, last: int, batch: int
) -> list[tuple[int, tuple[str, str] | None]]:
    """The next ``batch`` document ids after ``last`` with their status times."""
    db = store._db
    params = {"l": layer_id, "last": last, "n": batch}
    if status == "done":
        return [
            (row[0], (row[1], row[2]))
            for row in db.execute(
                "SELECT document_id, created_at, updated_at FROM document_status "
                "WHERE layer_id = :l AND status = 'done' AND document_id > :last ORDER BY document_id LIMIT :n",
                params,
            )
        ]
    # The union of three ordered walks: the first ``batch`` ids of the union are among the
    # first ``batch`` of each part, so no query ever reads more than a batch beyond ``last``.
    times = {
        row[0]: (row[1], row[2])
        for row in db.execute(
            "SELECT document_id, created_at, updated_at FROM document_status "
            "WHERE layer_id = :l AND document_id > :last ORDER BY document_id LIMIT :n",
            params,
        )
    }
    parts = [sorted(times)]
    for table in ("spans", "events"):
        parts.append(
            [
                row[0]
                for row in db.execute(
                    f"SELECT DISTINCT document_id FROM {table} "
                    "WHERE layer_id = :l AND document_id > :last ORDER BY document_id LIMIT :n",
                    params,
                )
            ]
        )
    ids: list[int] = []
    for document_id in heapq.merge(*parts):
        if not ids or ids[-1] != document_id:
            ids.append(document_id)
            if len(ids) == batch:
                break
    return [(i, times.get(i)) for i in ids]


def _data(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def _read_batch(
    store: ProjectStore, layer_id: int, chosen: list[tuple[int, tuple[str, str] | None]], include_rejected: bool
) -> Iterator[LayerDocument]:
    """The documents ``chosen`` (id, layer times) with their annotations: one query per table."""
    db = store._db
    ids = [i for i, _ in chosen]
    spans, rejected_spans = _spans(db, layer_id, ids, include_rejected)
    events, rejected_events = _events(db, layer_id, ids, include_rejected)
    relations, rejected_relations = _relations(db, layer_id, ids, include_rejected)
    times = dict(chosen)
    for row in db.execute(
        "SELECT id, content_hash, text, title, date, source, meta, tokens FROM documents "
        f"WHERE id IN ({_marks(ids)}) ORDER BY id",
        ids,
    ):
        document_id, content_hash, text, title, date, source, meta, tokens = row
        document = Document(text, title, date, source, _data(meta), document_id, content_hash)
        yield LayerDocument(
            document,
            tokens,
            times[document_id],
            spans[document_id],
            events[document_id],
            rejected_spans.get(document_id, 0),
            rejected_events.get(document_id, 0),
            tuple(relations.get(document_id, ())),
            rejected_relations.get(document_id, 0),
        )


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def _spans(
    db: Any, layer_id: int, ids: list[int], include_rejected: bool
) -> tuple[dict[int, list[ExportSpan]], dict[int, int]]:
    """The spans of a batch of documents in text order, and how many rejected ones were left out."""
    spans: dict[int, list[ExportSpan]] = {i: [] for i in ids}
    rejected: dict[int, int] = {}
    for document_id, start, end, label, decision, data in db.execute(
        "SELECT document_id, start_char, end_char, label, decision, data FROM spans "
        f"WHERE layer_id = ? AND document_id IN ({_marks(ids)}) "
        "ORDER BY document_id, start_char, end_char DESC, label, uid",
        [layer_id, *ids],
    ):
        if decision == _REJECTED and not include_rejected:
            rejected[document_id] = rejected.get(document_id, 0) + 1
            continue
        if data is None:
            # tuple.__new__ directly: the named tuple's own __new__ is a Python call, and this
            # loop runs for every span of the layer.
            spans[document_id].append(_new_tuple(ExportSpan, (start, end, label, (), None, "")))
        else:
            extra = _data(data)
            spans[document_id].append(
                ExportSpan(
                    start,
                    end,
                    label,
                    tuple((int(s), int(e)) for s, e in extra.get("fragments", ())),
                    extra.get("attributes") or None,
                    extra.get("note", ""),
                )
            )
    return spans, rejected


def _events(
    db: Any, layer_id: int, ids: list[int], include_rejected: bool
) -> tuple[dict[int, list[ExportEvent]], dict[int, int]]:
    """The events of a batch of documents with their arguments, and how many rejected ones were left out."""
    marks, params = _marks(ids), [layer_id, *ids]
    event_rows = db.execute(
        "SELECT id, document_id, uid, type, trigger_start, trigger_end, decision, data FROM events "
        f"WHERE layer_id = ? AND document_id IN ({marks}) ORDER BY document_id, trigger_start, trigger_end, type, uid",
        params,
    ).fetchall()
    arguments: dict[int, list[ExportArgument]] = {}
    if event_rows:
        for event_id, role, start, end, label, event_uid in db.execute(
            "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label, a.event_uid FROM arguments a "
            f"JOIN events e ON e.id = a.event_id WHERE e.layer_id = ? AND e.document_id IN ({marks}) "
            "ORDER BY a.event_id, a.position",
            params,
        ):
            arguments.setdefault(event_id, []).append(ExportArgument(role, start, end, label, event_uid))
    events: dict[int, list[ExportEvent]] = {i: [] for i in ids}
    rejected: dict[int, int] = {}
    for event_id, document_id, uid, type_, start, end, decision, data in event_rows:
        if decision == _REJECTED and not include_rejected:
            rejected[document_id] = rejected.get(document_id, 0) + 1
            continue
        extra = _data(data)
        events[document_id].append(
            ExportEvent(
                uid,
                type_,
                start,
                end,
                tuple(arguments.get(event_id, ())),
                extra.get("attributes") or None,
                extra.get("note", ""),
            )
        )
    return events, rejected


def _relations(
    db: Any, layer_id: int, ids: list[int], include_rejected: bool
) -> tuple[dict[int, list[ExportRelation]], dict[int, int]]:
    """The relations of a batch of documents (one query), in the order the layer holds them."""
    found: dict[int, list[ExportRelation]] = {}
    rejected: dict[int, int] = {}
    marks = ",".join("?" * len(ids))
    for document_id, uid, type_, symmetric, ends, decision, data in db.execute(
        "SELECT document_id, uid, type, symmetric, ends, decision, data FROM relations "
        f"WHERE layer_id = ? AND document_id IN ({marks}) ORDER BY document_id, id",
        [layer_id, *ids],
    ):
        if decision == _REJECTED and not include_rejected:
            rejected[document_id] = rejected.get(document_id, 0) + 1
            continue
        extra = _data(data)
        found.setdefault(document_id, []).append(
            ExportRelation(
                uid,
                type_,
                bool(symmetric),
                tuple(tuple(e) if isinstance(e, list) else e for e in json.loads(ends)),
                extra.get("attributes") or None,
                extra.get("note", ""),
            )
        )
    return found, rejected
