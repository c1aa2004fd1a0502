"""The set-based half of merging: the colleague's file attached, its rows classified and copied
with ``INSERT ... SELECT``, ids mapped through temporary tables.

:mod:`annotator.store.merge` decides what a merge means; this module does the bulk of it in
SQLite, so that merging 2,000 documents costs about what copying their rows costs instead of
building and comparing an object per span. The other file is attached read-only as
``merge_other``; the maps live in the connection's temporary schema:

* ``merge_documents(theirs, ours)``: every document of the other file and its id here;
* ``merge_layer_documents(theirs, ours, state)``: the documents one of their layers contains,
  and what to do with each (:data:`NEW`, :data:`SAME`, :data:`DIFFERENT`...).

Rows copied here are the rows the per-object merge wrote: the columns of an annotation are
stored in one canonical form (``rows.dumps``), so copying them is the same as reading them into
objects and writing them back.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from annotator.model.document import default_title
from annotator.store.database import StoreError

OTHER = "merge_other"

NEW = 0
"""Their layer's document is not in this project's layer yet: its work comes over."""
SAME = 1
"""This project's layer holds identical work for the document: nothing to do."""
DIFFERENT = 2
"""Not merged: this project's layer holds other work, or their rows clash with rows here."""
CHECK = 3
"""Both layers hold the document and their signatures do not show the same work (or cannot:
relations): the caller compares it object by object."""

_PROVENANCE = "origin, decision, author, suggester, source_uid, created_at, updated_at"


@contextmanager
def attached(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """The file at ``path`` attached read-only as ``merge_other`` (outside any transaction:
    SQLite cannot attach inside one)."""
    if conn.in_transaction:
        raise StoreError("a merge runs in a transaction of its own; finish the current one first")
    uri = path.resolve().as_uri() + "?mode=ro"
    conn.execute(f"ATTACH DATABASE ? AS {OTHER}", (uri,))
    try:
        attached_file = next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == OTHER)
        if Path(attached_file).resolve() != path.resolve():  # an SQLite built without URI names
            raise StoreError(f"{path}: cannot open it read-only")
        yield
    finally:
        conn.execute(f"DETACH DATABASE {OTHER}")


def map_documents(conn: sqlite3.Connection, now: str) -> tuple[int, int]:
    """Fill ``merge_documents`` and add the documents this project lacks (with their tokens, in
    their order); returns ``(added, already here)``."""
    conn.create_function("annotator_default_title", 1, default_title, deterministic=True)
    conn.execute("CREATE TEMP TABLE merge_documents (theirs INTEGER PRIMARY KEY, ours INTEGER)")
    conn.execute(
        "INSERT INTO merge_documents (theirs, ours) SELECT o.id, d.id FROM merge_other.documents o "
        "LEFT JOIN main.documents d ON d.content_hash = o.content_hash ORDER BY o.id"
    )
    existing = conn.execute("SELECT count(*) FROM merge_documents WHERE ours IS NOT NULL").fetchone()[0]
    # What reading a document into an object and writing it back does: a missing title is the
    # text's first line, metadata loses the keys that have columns, the length is counted anew.
    added = conn.execute(
        "INSERT INTO main.documents (content_hash, text, title, date, source, meta, length, tokens, imported_at) "
        "SELECT o.content_hash, o.text, CASE WHEN o.title = '' THEN annotator_default_title(o.text) ELSE o.title END, "
        "o.date, o.source, CASE WHEN o.meta IS NULL OR o.meta IN ('', '{}') THEN NULL "
        "WHEN json_type(o.meta, '$.title') IS NULL AND json_type(o.meta, '$.date') IS NULL "
        "AND json_type(o.meta, '$.source') IS NULL THEN o.meta "
        "ELSE nullif(json_remove(o.meta, '$.title', '$.date', '$.source'), '{}') END, "
        "length(o.text), o.tokens, ? "
        "FROM merge_documents m JOIN merge_other.documents o ON o.id = m.theirs WHERE m.ours IS NULL ORDER BY o.id",
        (now,),
    ).rowcount
    if added:
        conn.execute(
            "UPDATE merge_documents SET ours = (SELECT d.id FROM main.documents d WHERE d.content_hash = "
            "(SELECT o.content_hash FROM merge_other.documents o WHERE o.id = merge_documents.theirs)) WHERE ours IS NULL"
        )
    return added, existing


def contained(schema: str, layer: str = ":layer") -> str:
    """SQL for the ids of the documents a layer contains (as :func:`layer_reads.contained_documents`)."""
    return (
        f"SELECT document_id FROM {schema}.document_status WHERE layer_id = {layer} "
        f"UNION SELECT document_id FROM {schema}.spans WHERE layer_id = {layer} "
        f"UNION SELECT document_id FROM {schema}.events WHERE layer_id = {layer}"
    )


def map_layer_documents(conn: sqlite3.Connection, theirs: int, ours: int | None) -> None:
    """Fill ``merge_layer_documents`` for one of their layers: :data:`NEW` where this project's
    layer (``ours``, None when it is new) does not contain the document, else :data:`SAME` or
    :data:`CHECK` by the documents' signatures."""
    conn.execute("DROP TABLE IF EXISTS temp.merge_layer_documents")
    conn.execute(
        "CREATE TEMP TABLE merge_layer_documents (theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL, state INTEGER NOT NULL)"
    )
    conn.execute(
        "INSERT INTO merge_layer_documents (theirs, ours, state) SELECT c.document_id, m.ours, 0 "
        f"FROM ({contained(OTHER)}) c JOIN merge_documents m ON m.theirs = c.document_id ORDER BY c.document_id",
        {"layer": theirs},
    )
    if ours is None:
        return
    conn.execute(
        f"UPDATE merge_layer_documents SET state = {CHECK} WHERE ours IN ({contained('main')})", {"layer": ours}
    )
    held = conn.execute(f"SELECT count(*) FROM merge_layer_documents WHERE state = {CHECK}").fetchone()[0]
    if not held:
        return
    mine = _signatures(conn, "main", ours, "ours")
    same = [
        (document,)
        for document, signature in _signatures(conn, OTHER, theirs, "theirs").items()
        if signature is not None and mine.get(document) == signature
    ]
    conn.executemany(f"UPDATE merge_layer_documents SET state = {SAME} WHERE theirs = ?", same)


def _signatures(conn: sqlite3.Connection, schema: str, layer: int, side: str) -> dict[int, tuple | None]:
    """What a layer says about each held document, from plain rows and keyed by *their*
    document id; None where relations leave it to the caller to compare objects.

    Equal signatures mean equal work (offsets, labels, decisions, fragments, attributes, notes,
    arguments with event fillers at their triggers); unequal ones are compared again as
    objects, since two JSON texts of one value (``1`` and ``1.0``) differ.
    """
    join = f"JOIN merge_layer_documents m ON m.{side} = t.document_id AND m.state = {CHECK}"
    spans: dict[int, list] = {}
    for document, *span in conn.execute(
        "SELECT m.theirs, t.start_char, t.end_char, t.label, t.decision, "
        "CASE WHEN t.data IS NULL THEN '{}' ELSE json_remove(t.data, '$.confidence') END "
        f"FROM {schema}.spans t {join} WHERE t.layer_id = ?",
        (layer,),
    ):
        spans.setdefault(document, []).append(tuple(span))
    fillers: dict[int, list] = {}
    for event, role, start, end, label, by_event, *target in conn.execute(
        "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label, a.event_uid IS NOT NULL, "
        f"f.trigger_start, f.trigger_end, f.type FROM {schema}.arguments a JOIN {schema}.events t ON t.id = a.event_id "
        f"{join} LEFT JOIN {schema}.events f ON f.uid = a.event_uid AND f.layer_id = t.layer_id "
        "AND f.document_id = t.document_id WHERE t.layer_id = ?",
        (layer,),
    ):
        filler = (role, "event", *(target if target[0] is not None else ())) if by_event else (role, start, end, label)
        fillers.setdefault(event, []).append(filler)
    events: dict[int, list] = {}
    for document, event, *trigger in conn.execute(
        f"SELECT m.theirs, t.id, t.trigger_start, t.trigger_end, t.type, t.decision FROM {schema}.events t {join} "
        "WHERE t.layer_id = ?",
        (layer,),
    ):
        events.setdefault(document, []).append((*trigger, sorted(fillers.get(event, ()), key=repr)))
    found: dict[int, tuple | None] = {
        document: (sorted(spans.get(document, ())), sorted(events.get(document, ()), key=repr))
        for (document,) in conn.execute(f"SELECT theirs FROM merge_layer_documents WHERE state = {CHECK}")
    }
    for (document,) in conn.execute(f"SELECT DISTINCT m.theirs FROM {schema}.relations t {join} WHERE t.layer_id = ?", (layer,)):
        found[document] = None
    return found


def clashing_documents(conn: sqlite3.Connection, theirs: int, ours: int) -> tuple[set[int], dict[int, str]]:
    """Of the :data:`NEW` documents, those with a uid already used here, and those whose rows
    would break this layer's one-row-per-suggestion rule (with SQLite's words for it, as the
    first failing insert would say them: spans, then events, then relations)."""
    uids = {
        row[0]
        for table in ("spans", "events", "relations")
        for row in conn.execute(
            f"SELECT DISTINCT t.document_id FROM {OTHER}.{table} t JOIN main.{table} x ON x.uid = t.uid "
            f"JOIN merge_layer_documents m ON m.theirs = t.document_id AND m.state = {NEW} WHERE t.layer_id = ?",
            (theirs,),
        )
    }
    sources: dict[int, str] = {}
    for table in ("spans", "events", "relations"):
        for (document,) in conn.execute(
            f"SELECT DISTINCT t.document_id FROM {OTHER}.{table} t JOIN main.{table} x "
            f"ON x.layer_id = ? AND x.source_uid = t.source_uid "
            f"JOIN merge_layer_documents m ON m.theirs = t.document_id AND m.state = {NEW} "
            "WHERE t.layer_id = ? AND t.source_uid IS NOT NULL",
            (ours, theirs),
        ):
            sources.setdefault(document, f"UNIQUE constraint failed: {table}.layer_id, {table}.source_uid")
    return uids, sources


def copy_layer(conn: sqlite3.Connection, theirs: int, ours: int, now: str) -> tuple[int, int, int]:
    """Copy the :data:`NEW` documents' annotations, arguments, records and statuses of one
    layer; returns ``(spans, events, relations)`` added."""
    new = f"JOIN merge_layer_documents m ON m.theirs = t.document_id AND m.state = {NEW}"
    spans = conn.execute(
        f"INSERT INTO main.spans (uid, layer_id, document_id, start_char, end_char, label, {_PROVENANCE}, data) "
        f"SELECT t.uid, ?, m.ours, t.start_char, t.end_char, t.label, {_columns('t')}, t.data "
        f"FROM {OTHER}.spans t {new} WHERE t.layer_id = ? ORDER BY t.id",
        (ours, theirs),
    ).rowcount
    # Events get ids above every id in use, shifted by one amount: their arguments follow them
    # by that shift alone, no lookup by uid per argument.
    shift = conn.execute(
        f"SELECT (SELECT coalesce(max(id), 0) FROM main.events) + 1 - "
        f"(SELECT coalesce(min(id), 0) FROM {OTHER}.events WHERE layer_id = ?)",
        (theirs,),
    ).fetchone()[0]
    events = conn.execute(
        f"INSERT INTO main.events (id, uid, layer_id, document_id, type, trigger_start, trigger_end, {_PROVENANCE}, data) "
        f"SELECT t.id + :shift, t.uid, :ours, m.ours, t.type, t.trigger_start, t.trigger_end, {_columns('t')}, t.data "
        f"FROM {OTHER}.events t {new} WHERE t.layer_id = :theirs ORDER BY t.id",
        {"shift": shift, "ours": ours, "theirs": theirs},
    ).rowcount
    if events:
        conn.execute(
            "INSERT INTO main.arguments (event_id, position, role, start_char, end_char, label, event_uid) "
            "SELECT a.event_id + :shift, row_number() OVER (PARTITION BY a.event_id ORDER BY a.position) - 1, "
            "a.role, a.start_char, a.end_char, a.label, a.event_uid "
            f"FROM {OTHER}.arguments a JOIN {OTHER}.events t ON t.id = a.event_id {new} WHERE t.layer_id = :theirs",
            {"shift": shift, "theirs": theirs},
        )
    relations = conn.execute(
        f"INSERT INTO main.relations (uid, layer_id, document_id, type, symmetric, ends, {_PROVENANCE}, data) "
        f"SELECT t.uid, ?, m.ours, t.type, t.symmetric, t.ends, {_columns('t')}, t.data "
        f"FROM {OTHER}.relations t {new} WHERE t.layer_id = ? ORDER BY t.id",
        (ours, theirs),
    ).rowcount
    # The records their documents came in replace any this layer kept for the document.
    conn.execute(
        "DELETE FROM main.layer_records WHERE layer_id = ? AND document_id IN (SELECT m.ours FROM "
        f"merge_layer_documents m WHERE m.state = {NEW} AND EXISTS (SELECT 1 FROM {OTHER}.layer_records r "
        "WHERE r.layer_id = ? AND r.document_id = m.theirs))",
        (ours, theirs),
    )
    conn.execute(
        "INSERT INTO main.layer_records (layer_id, document_id, position, data) "
        "SELECT ?, m.ours, row_number() OVER (PARTITION BY t.document_id ORDER BY t.position) - 1, t.data "
        f"FROM {OTHER}.layer_records t {new} WHERE t.layer_id = ?",
        (ours, theirs),
    )
    conn.execute(
        "INSERT INTO main.document_status (layer_id, document_id, status, created_at, updated_at) "
        "SELECT :ours, m.ours, t.status, coalesce(nullif(t.created_at, ''), :now), coalesce(nullif(t.updated_at, ''), :now) "
        f"FROM {OTHER}.document_status t {new} WHERE t.layer_id = :theirs "
        "ON CONFLICT (layer_id, document_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        {"ours": ours, "theirs": theirs, "now": now},
    )
    return spans, events, relations


def _columns(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _PROVENANCE.split(","))


def merged_labels(conn: sqlite3.Connection, theirs: int) -> tuple[list[str], list[tuple[str, str | None, str | None]], list[tuple]]:
    """What the :data:`NEW` documents of one layer use: entity labels; ``(event type, role,
    span filler label)`` (role None for an event without arguments); and their relations as
    ``(document, type, symmetric, ends JSON, uid)`` in document order."""
    new = f"JOIN merge_layer_documents m ON m.theirs = t.document_id AND m.state = {NEW}"
    entities = [row[0] for row in conn.execute(f"SELECT DISTINCT t.label FROM {OTHER}.spans t {new} WHERE t.layer_id = ?", (theirs,))]
    roles = conn.execute(
        f"SELECT DISTINCT t.type, a.role, CASE WHEN a.event_uid IS NULL THEN a.label END FROM {OTHER}.events t {new} "
        f"LEFT JOIN {OTHER}.arguments a ON a.event_id = t.id WHERE t.layer_id = ?",
        (theirs,),
    ).fetchall()
    relations = conn.execute(
        f"SELECT t.document_id, t.type, t.symmetric, t.ends, t.uid FROM {OTHER}.relations t {new} "
        "WHERE t.layer_id = ? ORDER BY t.document_id",
        (theirs,),
    ).fetchall()
    return entities, roles, relations
