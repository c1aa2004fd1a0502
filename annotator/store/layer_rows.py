"""A layer's annotations of many documents as plain rows, for figures that only count.

Agreement needs, per layer and document, the keys it compares (offsets and labels of the spans,
triggers, placed arguments, relations) and nothing else of an annotation: no uid, provenance or
attributes. Reading those as tuples, with rejected annotations left out and event arguments
placed at their fillers by SQLite, costs a fraction of building an
:class:`~annotator.model.annotations.AnnotationSet` per document (see
:mod:`annotator.store.layer_reads` for that).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from annotator.store.project import ProjectStore

_REJECTED = "'rejected'"


class CountedRows(NamedTuple):
    """What one layer says about one document, as agreement counts it (rejected left out)."""

    spans: list[tuple[int, int, str]]
    """``(start, end, label)`` in text order: by start, longer first, then label."""
    triggers: dict[str, tuple[int, int, str]]
    """Event uid -> ``(trigger start, trigger end, type)``."""
    arguments: list[tuple[int, int, str, str, int, int]]
    """``(trigger start, trigger end, type, role, filler start, filler end)``; an event filler at
    its trigger, an argument whose event filler is missing or rejected left out."""
    relations: list[tuple[str, bool, list]]
    """``(type, symmetric, ends)``, each end ``[start, end, label]`` or an event uid."""


def counted_rows(store: ProjectStore, layer_id: int, document_ids: list[int]) -> dict[int, CountedRows]:
    """:class:`CountedRows` of each of ``document_ids`` (up to 500) in the layer, in four queries."""
    found = {doc: CountedRows([], {}, [], []) for doc in document_ids}
    marks = ",".join("?" * len(document_ids))
    params = [layer_id, *document_ids]
    conn = store._db.conn
    rows = conn.execute(
        f"SELECT document_id, start_char, end_char, label FROM spans WHERE layer_id = ? AND document_id IN ({marks}) "
        f"AND decision != {_REJECTED} ORDER BY document_id, start_char, end_char DESC, label",
        params,
    ).fetchall()
    # Rows of one document come together: one list append per document, not per span.
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[start][0]:
            found[rows[start][0]].spans.extend(row[1:] for row in rows[start:i])
            start = i
    for doc, uid, *trigger in conn.execute(
        f"SELECT document_id, uid, trigger_start, trigger_end, type FROM events WHERE layer_id = ? "
        f"AND document_id IN ({marks}) AND decision != {_REJECTED}",
        params,
    ):
        found[doc].triggers[uid] = tuple(trigger)  # type: ignore[assignment]
    for doc, *argument in conn.execute(
        "SELECT e.document_id, e.trigger_start, e.trigger_end, e.type, a.role, "
        "coalesce(a.start_char, f.trigger_start), coalesce(a.end_char, f.trigger_end) "
        "FROM events e JOIN arguments a ON a.event_id = e.id "
        "LEFT JOIN events f ON a.event_uid IS NOT NULL AND f.uid = a.event_uid AND f.layer_id = e.layer_id "
        f"AND f.document_id = e.document_id AND f.decision != {_REJECTED} "
        f"WHERE e.layer_id = ? AND e.document_id IN ({marks}) AND e.decision != {_REJECTED} "
        "AND (a.event_uid IS NULL OR f.id IS NOT NULL)",
        params,
    ):
        found[doc].arguments.append(tuple(argument))  # type: ignore[arg-type]
    for doc, kind, symmetric, ends in conn.execute(
        f"SELECT document_id, type, symmetric, ends FROM relations WHERE layer_id = ? AND document_id IN ({marks}) "
        f"AND decision != {_REJECTED}",
        params,
    ):
        found[doc].relations.append((kind, bool(symmetric), json.loads(ends)))
    return found


class ReviewRows(NamedTuple):
    """What one layer holds in one document, as the review compares it (rejected ones flagged)."""

    spans: list[tuple[int, int, str, bool]]
    """``(start, end, label, rejected)``"""
    events: list[tuple[str, int, int, str, bool, list]]
    """``(uid, trigger start, trigger end, type, rejected, arguments)``, each argument
    ``(role, start, end, label, event uid)`` in order (a span filler has no event uid)."""
    relations: list[tuple[str, bool, list, bool]]
    """``(type, symmetric, ends, rejected)``, each end ``[start, end, label]`` or an event uid."""


def review_rows(store: ProjectStore, layer_id: int, document_ids: list[int]) -> dict[int, ReviewRows]:
    """:class:`ReviewRows` of each of ``document_ids`` (up to 500) in the layer, in four queries."""
    found = {doc: ReviewRows([], [], []) for doc in document_ids}
    marks = ",".join("?" * len(document_ids))
    params = [layer_id, *document_ids]
    conn = store._db.conn
    for doc, *span in conn.execute(
        f"SELECT document_id, start_char, end_char, label, decision = {_REJECTED} FROM spans "
        f"WHERE layer_id = ? AND document_id IN ({marks})",
        params,
    ):
        found[doc].spans.append(tuple(span))  # type: ignore[arg-type]
    arguments: dict[int, list] = {}
    for event, *argument in conn.execute(
        "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label, a.event_uid FROM arguments a "
        f"JOIN events e ON e.id = a.event_id WHERE e.layer_id = ? AND e.document_id IN ({marks}) "
        "ORDER BY a.event_id, a.position",
        params,
    ):
        arguments.setdefault(event, []).append(tuple(argument))
    for event, doc, uid, start, end, kind, rejected in conn.execute(
        f"SELECT id, document_id, uid, trigger_start, trigger_end, type, decision = {_REJECTED} FROM events "
        f"WHERE layer_id = ? AND document_id IN ({marks})",
        params,
    ):
        found[doc].events.append((uid, start, end, kind, bool(rejected), arguments.get(event, [])))
    for doc, kind, symmetric, ends, rejected in conn.execute(
        f"SELECT document_id, type, symmetric, ends, decision = {_REJECTED} FROM relations "
        f"WHERE layer_id = ? AND document_id IN ({marks})",
        params,
    ):
        found[doc].relations.append((kind, bool(symmetric), json.loads(ends), bool(rejected)))
    return found
