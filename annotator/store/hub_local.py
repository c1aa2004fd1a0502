"""The project file's side of team-hub sync: the link, the outbox of own changes, applying pulls.

Own changes are caught by triggers (created by :func:`link`) on the tables of each annotation
kind and on statuses: whatever writes them (the window, an import, a review decision), a row
naming the changed annotation lands in ``hub_outbox`` in the same transaction. Pushing reads
the annotation's *current* state, so ten edits of one span send one row. Rows written by a
pull are not echoed back: the pull sets ``hub_applying`` inside its transaction and the
triggers skip while it is set.

A kind of annotation is described once in :data:`LOCAL_KINDS` (table, columns, child rows); the
payload sent to the hub is the row as a dict, so adding a kind (relations) adds an entry here,
the triggers for its table, and a table of the same shape on the hub.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from annotator.model.annotations import now_iso
from annotator.model.layer import LayerKind
from annotator.store.database import StoreError, transaction
from annotator.store.project import ProjectStore


@dataclass(frozen=True)
class LocalKind:
    """One kind of annotation as stored locally: its table and the columns that travel."""

    name: str
    table: str
    columns: tuple[str, ...]
    children: tuple[str, str, tuple[str, ...], str] | None = None  # table, foreign key, columns, order


LOCAL_KINDS: dict[str, LocalKind] = {
    "span": LocalKind(
        "span", "spans",
        ("uid", "start_char", "end_char", "label", "origin", "decision", "author", "suggester", "source_uid",
         "created_at", "updated_at", "data"),
    ),
    "event": LocalKind(
        "event", "events",
        ("uid", "type", "trigger_start", "trigger_end", "origin", "decision", "author", "suggester", "source_uid",
         "created_at", "updated_at", "data"),
        ("arguments", "event_id", ("role", "start_char", "end_char", "label", "event_uid"), "position"),
    ),
    "relation": LocalKind(
        "relation", "relations",
        ("uid", "type", "symmetric", "ends", "origin", "decision", "author", "suggester", "source_uid",
         "created_at", "updated_at", "data"),
    ),
}


@dataclass(frozen=True)
class HubLink:
    url: str
    user: str
    role: str
    client_id: str
    pulled_seq: int
    last_sync: str | None
    last_message: str | None


@dataclass
class OutgoingChange:
    """The current state of one changed annotation (``payload`` None: deleted) or status."""

    kind: str
    uid: str
    layer: str
    document: str
    payload: dict[str, Any] | None
    base_version: int | None = None


@dataclass
class Outgoing:
    upto: int
    changes: list[OutgoingChange] = field(default_factory=list)
    seqs: dict[tuple[str, str], list[int]] = field(default_factory=dict)


# -- the link -------------------------------------------------------------------------------------


def _triggers(kind: str, table: str, key: str) -> list[str]:
    guard = "{row}.layer_id IN (SELECT layer_id FROM hub_push_layers) AND NOT EXISTS (SELECT 1 FROM hub_applying)"
    statements = []
    for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS hub_outbox_{table}_{event.lower()} AFTER {event} ON {table} "
            f"WHEN {guard.format(row=row)} BEGIN "
            f"INSERT INTO hub_outbox (kind, uid, layer_id, document_id) "
            f"VALUES ('{kind}', {key.format(row=row)}, {row}.layer_id, {row}.document_id); END"
        )
    return statements


def _all_triggers() -> list[str]:
    statements = []
    for kind in LOCAL_KINDS.values():
        statements += _triggers(kind.name, kind.table, "{row}.uid")
    statements += _triggers("status", "document_status", "''")
    return statements


def link(store: ProjectStore, url: str, user: str, role: str, push_layers: Iterable[tuple[str, LayerKind]]) -> HubLink:
    """Connect the project to a hub: remember it, create the outbox triggers, and queue the work
    already in the layers this user pushes (work done before connecting is not lost)."""
    with transaction(store._db):
        existing = get_link(store)
        if existing is not None and (existing.url != url or existing.user != user):
            raise StoreError(
                f"this project is already connected to {existing.url} as {existing.user}; "
                "use `annotator hub disconnect` first"
            )
        client_id = existing.client_id if existing else secrets.token_hex(12)
        store._db.execute(
            "INSERT INTO hub_link (id, url, user, role, client_id, connected_at) VALUES (1, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET role = excluded.role",
            (url, user, role, client_id, now_iso()),
        )
        for statement in _all_triggers():
            store._db.execute(statement)
        for name, kind in push_layers:
            layer = store.ensure_layer(name, kind)
            added = store._db.execute("INSERT OR IGNORE INTO hub_push_layers (layer_id) VALUES (?)", (layer.id,)).rowcount
            if added:
                for local in LOCAL_KINDS.values():
                    store._db.execute(
                        f"INSERT INTO hub_outbox (kind, uid, layer_id, document_id) "
                        f"SELECT ?, uid, layer_id, document_id FROM {local.table} WHERE layer_id = ? ORDER BY id",
                        (local.name, layer.id),
                    )
                store._db.execute(
                    "INSERT INTO hub_outbox (kind, uid, layer_id, document_id) "
                    "SELECT 'status', '', layer_id, document_id FROM document_status WHERE layer_id = ?",
                    (layer.id,),
                )
    link_ = get_link(store)
    assert link_ is not None
    return link_


def ensure_triggers(store: ProjectStore) -> None:
    """Create the outbox triggers a connected project lacks (a kind added since it connected)."""
    wanted = _all_triggers()
    have = {r[0] for r in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'hub_outbox_%'")}
    missing = [t for t in wanted if t.split()[5] not in have]
    if missing and get_link(store) is not None:
        with transaction(store._db):
            for statement in missing:
                store._db.execute(statement)


def unlink(store: ProjectStore) -> None:
    """Forget the hub: drop the triggers and the bookkeeping (local annotations stay)."""
    with transaction(store._db):
        for (name,) in store._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'hub_outbox_%'"
        ).fetchall():
            store._db.execute(f"DROP TRIGGER {name}")
        for table in ("hub_link", "hub_outbox", "hub_push_layers", "hub_versions", "hub_assignments"):
            store._db.execute(f"DELETE FROM {table}")


def get_link(store: ProjectStore) -> HubLink | None:
    row = store._db.execute(
        "SELECT url, user, role, client_id, pulled_seq, last_sync, last_message FROM hub_link WHERE id = 1"
    ).fetchone()
    return HubLink(*row) if row else None


def record_sync(store: ProjectStore, message: str | None) -> None:
    with transaction(store._db):
        store._db.execute("UPDATE hub_link SET last_sync = ?, last_message = ? WHERE id = 1", (now_iso(), message))


def pending_count(store: ProjectStore) -> int:
    """Changes waiting to be pushed (the status bar's 'pending N')."""
    return int(store._db.execute("SELECT count(DISTINCT kind || uid || layer_id || ':' || document_id) FROM hub_outbox").fetchone()[0])


# -- push -----------------------------------------------------------------------------------------


def has_outgoing(store: ProjectStore) -> bool:
    return store._db.execute("SELECT 1 FROM hub_outbox WHERE parked = 0 LIMIT 1").fetchone() is not None


def _payload(store: ProjectStore, kind: LocalKind, uid: str) -> dict[str, Any] | None:
    """The current state of one annotation as the hub receives it (None: deleted)."""
    return _payloads(store, kind, [uid]).get(uid)


_CHUNK = 500  # ids per ``IN (...)``: well under SQLite's limit on parameters


def _payloads(store: ProjectStore, kind: LocalKind, uids: list[str]) -> dict[str, dict[str, Any]]:
    """The current state of these annotations (absent: deleted), a few queries for any number:
    a push of 500 edits once made two queries per edit, a third of its time."""
    conn = store._db.conn
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(uids), _CHUNK):
        chunk = uids[i : i + _CHUNK]
        rows = conn.execute(
            f"SELECT id, {', '.join(kind.columns)} FROM {kind.table} WHERE uid IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
        by_id = {row[0]: dict(zip(kind.columns, row[1:])) for row in rows}
        if kind.children and by_id:
            table, key, columns, order = kind.children
            for payload in by_id.values():
                payload[table] = []
            ids = list(by_id)
            for child in conn.execute(
                f"SELECT {key}, {', '.join(columns)} FROM {table} WHERE {key} IN ({','.join('?' * len(ids))}) "
                f"ORDER BY {key}, {order}", ids,
            ):
                by_id[child[0]][table].append(dict(zip(columns, child[1:])))
        found.update((payload["uid"], payload) for payload in by_id.values())
    return found


def outbox_end(store: ProjectStore) -> int:
    """The number of the newest outbox row: a sync sends up to here, so edits made meanwhile
    wait for the next sync instead of keeping this one going."""
    return int(store._db.execute("SELECT coalesce(max(seq), 0) FROM hub_outbox").fetchone()[0])


def outgoing(store: ProjectStore, limit: int = 500, until: int | None = None) -> Outgoing:
    """The next ``limit`` distinct changed items (outbox rows up to ``until``) with their current
    state, read in one snapshot: one query for the outbox rows, the statuses and the versions the
    hub gave, and a few per annotation kind for the payloads (whatever the number of rows)."""
    # One consistent read, and only a read: in WAL mode it never waits for the window's edits.
    with _read_snapshot(store):
        entries = store._db.conn.execute(
            "SELECT o.seq, o.kind, o.uid, l.name, d.content_hash, s.status, s.created_at, s.updated_at, v.version "
            "FROM hub_outbox o JOIN layers l ON l.id = o.layer_id JOIN documents d ON d.id = o.document_id "
            "LEFT JOIN document_status s ON o.kind = 'status' AND s.layer_id = o.layer_id AND s.document_id = o.document_id "
            "LEFT JOIN hub_versions v ON o.uid != '' AND v.uid = o.uid "
            "WHERE o.parked = 0 AND o.seq <= ? ORDER BY o.seq LIMIT ?",
            (until if until is not None else 2**62, limit),
        ).fetchall()
        result = Outgoing(entries[-1][0] if entries else 0)
        seen: dict[tuple[str, str], OutgoingChange] = {}
        wanted: dict[str, list[str]] = {}
        for seq, kind, uid, layer, document, status, created_at, updated_at, version in entries:
            key = (kind, uid or f"{layer}\x00{document}")
            result.seqs.setdefault(key, []).append(seq)
            if key in seen:
                continue
            if kind == "status":
                payload = (
                    {"status": status, "created_at": created_at, "updated_at": updated_at} if status is not None else None
                )
            elif kind in LOCAL_KINDS:
                payload = None  # read below, all of a kind at once
                wanted.setdefault(kind, []).append(uid)
            else:
                continue
            seen[key] = OutgoingChange(kind, uid, layer, document, payload, version)
        for kind, uids in wanted.items():
            payloads = _payloads(store, LOCAL_KINDS[kind], uids)
            for uid in uids:
                seen[(kind, uid)].payload = payloads.get(uid)
        result.changes = list(seen.values())
    return result


@contextmanager
def _read_snapshot(store: ProjectStore) -> Iterator[None]:
    conn = store._db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def park(store: ProjectStore, seqs: Iterable[int]) -> None:
    """Hold back changes the hub cannot take yet (their document or layer is not on the hub)."""
    with transaction(store._db):
        store._db.conn.executemany("UPDATE hub_outbox SET parked = 1 WHERE seq = ?", [(s,) for s in seqs])


def unpark(store: ProjectStore) -> None:
    with transaction(store._db):
        store._db.execute("UPDATE hub_outbox SET parked = 0 WHERE parked = 1")


def acknowledge(store: ProjectStore, upto: int, versions: dict[str, int]) -> None:
    """The hub holds everything in the outbox up to ``upto``: forget it and remember the versions.
    (What the hub refused is replaced by its state in :func:`annotator.store.hub_pull.acknowledge_push`.)"""
    with transaction(store._db):
        store._db.execute("DELETE FROM hub_outbox WHERE seq <= ? AND parked = 0", (upto,))
        # Changes in documents or layers deleted since can never be sent (outgoing() skips them).
        store._db.execute(
            "DELETE FROM hub_outbox WHERE layer_id NOT IN (SELECT id FROM layers) "
            "OR document_id NOT IN (SELECT id FROM documents)"
        )
        store._db.execute("UPDATE hub_link SET last_sync = ? WHERE id = 1", (now_iso(),))
        store._db.conn.executemany(
            "INSERT INTO hub_versions (uid, version) VALUES (?, ?) ON CONFLICT(uid) DO UPDATE SET version = excluded.version",
            list(versions.items()),
        )


def acknowledged_by_hub(store: ProjectStore, acked: int) -> None:
    """After a restart: drop what the hub says it already took (the crash came after its commit)."""
    with transaction(store._db):
        store._db.execute("DELETE FROM hub_outbox WHERE seq <= ? AND parked = 0", (acked,))
