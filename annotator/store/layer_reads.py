"""Reads across many documents for review, agreement and merging: which documents a layer
contains, and a layer's annotations of many documents in a few queries.

A layer *contains* a document when it has worked on it: it has a status row for the document
(an analyst edited it, marked it, or an import brought it) or holds annotations in it (a
suggester that wrote no status). That is the set agreement and evaluation compare over.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from annotator.model.annotations import AnnotationSet, Argument, Event, SpanAnnotation, event_order
from annotator.model.layer import Layer
from annotator.model.relations import relation_order
from annotator.store import relation_rows, rows
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore

CHUNK = 500
"""Documents read per query; keeps ``IN (...)`` lists under SQLite's parameter limit and memory flat."""


def resolve_layers(store: ProjectStore, names: Sequence[str]) -> list[Layer]:
    """The layers called ``names``, in that order; :class:`StoreError` lists the project's layers if one is missing."""
    layers = []
    for name in names:
        layer = store.layer(name)
        if layer is None:
            known = ", ".join(l.name for l in store.layers()) or "none yet"
            raise StoreError(f"the project has no layer {name!r} (its layers: {known})")
        layers.append(layer)
    return layers


def contained_documents(store: ProjectStore, layer_id: int) -> set[int]:
    """Ids of the documents the layer contains (has a status for or annotations in)."""
    return {
        row[0]
        for row in store._db.execute(
            "SELECT document_id FROM document_status WHERE layer_id = :l "
            "UNION SELECT document_id FROM spans WHERE layer_id = :l "
            "UNION SELECT document_id FROM events WHERE layer_id = :l",
            {"l": layer_id},
        )
    }


def common_documents(store: ProjectStore, layer_ids: Sequence[int]) -> list[int]:
    """Ids of the documents every one of the layers contains, in id order."""
    if not layer_ids:
        return []
    common = contained_documents(store, layer_ids[0])
    for layer_id in layer_ids[1:]:
        common &= contained_documents(store, layer_id)
    return sorted(common)


def layer_annotations(store: ProjectStore, layer_id: int, document_ids: Iterable[int]) -> dict[int, AnnotationSet]:
    """The layer's annotations of each of ``document_ids`` (an empty set where it has none)."""
    wanted = sorted(set(document_ids))
    found: dict[int, AnnotationSet] = {}
    for i in range(0, len(wanted), CHUNK):
        found.update(_chunk(store, layer_id, wanted[i : i + CHUNK]))
    return found


def chunks(document_ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``document_ids`` sorted and cut into lists of ``size``, for reading a project a slice at a time."""
    ordered = sorted(set(document_ids))
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]


def _chunk(store: ProjectStore, layer_id: int, ids: list[int]) -> dict[int, AnnotationSet]:
    marks = ",".join("?" * len(ids))
    params = [layer_id, *ids]
    spans: dict[int, list[SpanAnnotation]] = {i: [] for i in ids}
    span_rows = store._db.execute(
        f"SELECT document_id, {rows.SPAN_COLUMNS} FROM spans WHERE layer_id = ? AND document_id IN ({marks}) "
        f"ORDER BY document_id, {rows.SPAN_ORDER_SQL}",
        params,
    ).fetchall()
    for row, made in zip(span_rows, rows.spans_from_rows(row[1:] for row in span_rows)):
        spans[row[0]].append(made)
    event_rows = store._db.execute(
        f"SELECT document_id, {rows.EVENT_COLUMNS} FROM events WHERE layer_id = ? AND document_id IN ({marks})", params
    ).fetchall()
    arguments: dict[int, list[Argument]] = {row[1]: [] for row in event_rows}
    if event_rows:
        for row in store._db.execute(
            "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label, a.event_uid FROM arguments a "
            f"JOIN events e ON e.id = a.event_id WHERE e.layer_id = ? AND e.document_id IN ({marks}) "
            "ORDER BY a.event_id, a.position",
            params,
        ):
            arguments[row[0]].append(rows.argument_from_row(row[1:]))
    events: dict[int, list[Event]] = {i: [] for i in ids}
    for row in event_rows:
        events[row[0]].append(rows.event_from_row(row[1:], arguments[row[1]]))
    relations: dict[int, list] = {i: [] for i in ids}
    for row in store._db.execute(
        f"SELECT document_id, {relation_rows.RELATION_COLUMNS} FROM relations WHERE layer_id = ? AND document_id IN ({marks})",
        params,
    ):
        relations[row[0]].append(relation_rows.relation_from_row(row[1:]))
    return {
        i: AnnotationSet.presorted(
            tuple(spans[i]), tuple(sorted(events[i], key=event_order)), tuple(sorted(relations[i], key=relation_order))
        )
        for i in ids
    }
