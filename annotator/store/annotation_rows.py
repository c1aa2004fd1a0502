"""Writing and reading a layer's events, and one user action's changes checked against what is stored.

:meth:`ProjectStore.apply <annotator.store.project.ProjectStore.apply>` runs :func:`apply_changes`:
each change states what it replaces, and a project that holds something else (another window or
program changed it meanwhile) makes the whole action fail with :class:`ConflictError`, writing nothing.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable

import sqlite_utils

from annotator.model.annotations import Event, SpanAnnotation, now_iso
from annotator.model.changes import Change
from annotator.model.relations import Relation
from annotator.store import relation_rows, rows
from annotator.store.database import ConflictError, transaction


def read_events(db: sqlite_utils.Database, where: str, params: tuple) -> list[Event]:
    """The events (with their arguments) of the rows matching ``where``."""
    event_rows = db.execute(f"SELECT {rows.EVENT_COLUMNS} FROM events WHERE {where}", params).fetchall()
    if not event_rows:
        return []
    by_event: dict[int, list] = {row[0]: [] for row in event_rows}
    ids = list(by_event)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for row in db.execute(
            "SELECT event_id, role, start_char, end_char, label, event_uid FROM arguments "
            f"WHERE event_id IN ({','.join('?' * len(chunk))}) ORDER BY event_id, position",
            chunk,
        ):
            by_event[row[0]].append(rows.argument_from_row(row[1:]))
    return [rows.event_from_row(row, by_event[row[0]]) for row in event_rows]


def insert_event(db: sqlite_utils.Database, layer_id: int, document_id: int, event: Event) -> None:
    """Insert one event and its arguments (inside the caller's transaction)."""
    row = rows.event_row(layer_id, document_id, event)
    cursor = db.conn.execute(
        f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row
    )
    arguments = rows.argument_rows(int(cursor.lastrowid), event)
    if arguments:
        db.conn.executemany(
            "INSERT INTO arguments (event_id, position, role, start_char, end_char, label, event_uid) "
            "VALUES (:event_id, :position, :role, :start_char, :end_char, :label, :event_uid)",
            arguments,
        )


def _current(
    db: sqlite_utils.Database, layer_id: int, document_id: int, annotation: SpanAnnotation | Event | Relation
) -> SpanAnnotation | Event | Relation | None:
    if isinstance(annotation, SpanAnnotation):
        row = db.execute(
            f"SELECT {rows.SPAN_COLUMNS} FROM spans WHERE uid = ? AND layer_id = ? AND document_id = ?",
            (annotation.uid, layer_id, document_id),
        ).fetchone()
        return rows.span_from_row(row) if row else None
    if isinstance(annotation, Relation):
        kept = relation_rows.read_relations(
            db, "uid = ? AND layer_id = ? AND document_id = ?", (annotation.uid, layer_id, document_id)
        )
        return kept[0] if kept else None
    found = read_events(db, "uid = ? AND layer_id = ? AND document_id = ?", (annotation.uid, layer_id, document_id))
    return found[0] if found else None


def apply_changes(db: sqlite_utils.Database, layer_id: int, document_id: int, changes: Iterable[Change]) -> None:
    """One user action's changes in one transaction, or none of them (see the module's docstring)."""
    with transaction(db):
        for change in changes:
            subject = change.before or change.after
            current = _current(db, layer_id, document_id, subject)  # type: ignore[arg-type]
            if current != change.before:
                what = "added" if change.before is None else ("deleted" if current is None else "changed")
                raise ConflictError(
                    f"this annotation was {what} in another window or by another program meanwhile; "
                    "the document has been reloaded so that nothing is overwritten"
                )
            table = (
                "spans" if isinstance(subject, SpanAnnotation) else "relations" if isinstance(subject, Relation) else "events"
            )
            if change.before is not None:
                db.execute(f"DELETE FROM {table} WHERE uid = ?", (change.uid,))
            if change.after is not None:
                try:
                    if isinstance(change.after, SpanAnnotation):
                        row = rows.span_row(layer_id, document_id, change.after)
                        if change.before is None and _same_span(db, row):
                            # The same analyst's other window labelled the same words meanwhile.
                            raise ConflictError(
                                "this span was already added in another window meanwhile; the document has "
                                "been reloaded so that nothing is there twice"
                            )
                        db.conn.execute(
                            f"INSERT INTO spans ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row
                        )
                    elif isinstance(change.after, Relation):
                        relation_rows.insert_relation(db, layer_id, document_id, change.after)
                    else:
                        insert_event(db, layer_id, document_id, change.after)
                except sqlite3.IntegrityError:
                    raise ConflictError(
                        "this suggestion was already decided in another window meanwhile; "
                        "the document has been reloaded so that nothing is overwritten"
                    ) from None
        _touch(db, layer_id, document_id)


def _same_span(db: sqlite_utils.Database, row: dict[str, Any]) -> bool:
    """Whether the layer already holds this span (same offsets, label and decision)."""
    found = db.conn.execute(
        "SELECT 1 FROM spans WHERE layer_id = ? AND document_id = ? AND start_char = ? AND end_char = ? "
        "AND label = ? AND decision = ? AND uid != ? LIMIT 1",
        (row["layer_id"], row["document_id"], row["start_char"], row["end_char"], row["label"], row["decision"], row["uid"]),
    ).fetchone()
    return found is not None


def _touch(db: sqlite_utils.Database, layer_id: int, document_id: int) -> None:
    """Mark the document in progress in the layer (a new one), and its last change now."""
    now = now_iso()
    db.execute(
        "INSERT INTO document_status (layer_id, document_id, status, created_at, updated_at) "
        "VALUES (?, ?, 'in_progress', ?, ?) ON CONFLICT(layer_id, document_id) DO UPDATE SET "
        "updated_at = excluded.updated_at, "
        "status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END",
        (layer_id, document_id, now, now),
    )
