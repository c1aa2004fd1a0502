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

import json
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from annotator.model.annotations import now_iso
from annotator.model.layer import GOLD, LayerKind
from annotator.model.schema import LabelSchema
from annotator.store.database import StoreError, transaction
from annotator.store.project import SCHEMA_SETTING, ProjectStore


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
    with transaction(store.db):
        existing = get_link(store)
        if existing is not None and (existing.url != url or existing.user != user):
            raise StoreError(
                f"this project is already connected to {existing.url} as {existing.user}; "
                "use `annotator hub disconnect` first"
            )
        client_id = existing.client_id if existing else secrets.token_hex(12)
        store.db.execute(
            "INSERT INTO hub_link (id, url, user, role, client_id, connected_at) VALUES (1, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET role = excluded.role",
            (url, user, role, client_id, now_iso()),
        )
        for statement in _all_triggers():
            store.db.execute(statement)
        for name, kind in push_layers:
            layer = store.ensure_layer(name, kind)
            added = store.db.execute("INSERT OR IGNORE INTO hub_push_layers (layer_id) VALUES (?)", (layer.id,)).rowcount
            if added:
                for local in LOCAL_KINDS.values():
                    store.db.execute(
                        f"INSERT INTO hub_outbox (kind, uid, layer_id, document_id) "
                        f"SELECT ?, uid, layer_id, document_id FROM {local.table} WHERE layer_id = ? ORDER BY id",
                        (local.name, layer.id),
                    )
                store.db.execute(
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
    have = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'hub_outbox_%'")}
    missing = [t for t in wanted if t.split()[5] not in have]
    if missing and get_link(store) is not None:
        with transaction(store.db):
            for statement in missing:
                store.db.execute(statement)


def unlink(store: ProjectStore) -> None:
    """Forget the hub: drop the triggers and the bookkeeping (local annotations stay)."""
    with transaction(store.db):
        for (name,) in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'hub_outbox_%'"
        ).fetchall():
            store.db.execute(f"DROP TRIGGER {name}")
        for table in ("hub_link", "hub_outbox", "hub_push_layers", "hub_versions", "hub_assignments"):
            store.db.execute(f"DELETE FROM {table}")


def get_link(store: ProjectStore) -> HubLink | None:
    row = store.db.execute(
        "SELECT url, user, role, client_id, pulled_seq, last_sync, last_message FROM hub_link WHERE id = 1"
    ).fetchone()
    return HubLink(*row) if row else None


def record_sync(store: ProjectStore, message: str | None) -> None:
    with transaction(store.db):
        store.db.execute("UPDATE hub_link SET last_sync = ?, last_message = ? WHERE id = 1", (now_iso(), message))


def pending_count(store: ProjectStore) -> int:
    """Changes waiting to be pushed (the status bar's 'pending N')."""
    return int(store.db.execute("SELECT count(DISTINCT kind || uid || layer_id || ':' || document_id) FROM hub_outbox").fetchone()[0])


# -- push -----------------------------------------------------------------------------------------


def has_outgoing(store: ProjectStore) -> bool:
    return store.db.execute("SELECT 1 FROM hub_outbox WHERE parked = 0 LIMIT 1").fetchone() is not None


def _payload(store: ProjectStore, kind: LocalKind, uid: str) -> dict[str, Any] | None:
    row = store.db.execute(f"SELECT id, {', '.join(kind.columns)} FROM {kind.table} WHERE uid = ?", (uid,)).fetchone()
    if row is None:
        return None
    payload = dict(zip(kind.columns, row[1:]))
    if kind.children:
        table, key, columns, order = kind.children
        children = store.db.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = ? ORDER BY {order}", (row[0],)
        ).fetchall()
        payload[table] = [dict(zip(columns, child)) for child in children]
    return payload


def outbox_end(store: ProjectStore) -> int:
    """The number of the newest outbox row: a sync sends up to here, so edits made meanwhile
    wait for the next sync instead of keeping this one going."""
    return int(store.db.execute("SELECT coalesce(max(seq), 0) FROM hub_outbox").fetchone()[0])


def outgoing(store: ProjectStore, limit: int = 500, until: int | None = None) -> Outgoing:
    """The next ``limit`` distinct changed items (outbox rows up to ``until``) with their current
    state, read in one snapshot."""
    # One consistent read, and only a read: in WAL mode it never waits for the window's edits.
    with _read_snapshot(store):
        entries = store.db.execute(
            "SELECT o.seq, o.kind, o.uid, l.name, d.content_hash, o.layer_id, o.document_id FROM hub_outbox o "
            "JOIN layers l ON l.id = o.layer_id JOIN documents d ON d.id = o.document_id "
            "WHERE o.parked = 0 AND o.seq <= ? ORDER BY o.seq LIMIT ?",
            (until if until is not None else 2**62, limit),
        ).fetchall()
        result = Outgoing(entries[-1][0] if entries else 0)
        seen: dict[tuple[str, str], OutgoingChange] = {}
        for seq, kind, uid, layer, document, layer_id, document_id in entries:
            key = (kind, uid or f"{layer}\x00{document}")
            result.seqs.setdefault(key, []).append(seq)
            if key in seen:
                continue
            if kind == "status":
                row = store.db.execute(
                    "SELECT status, created_at, updated_at FROM document_status WHERE layer_id = ? AND document_id = ?",
                    (layer_id, document_id),
                ).fetchone()
                payload = dict(zip(("status", "created_at", "updated_at"), row)) if row else None
            elif kind in LOCAL_KINDS:
                payload = _payload(store, LOCAL_KINDS[kind], uid)
            else:
                continue
            version = store.db.execute("SELECT version FROM hub_versions WHERE uid = ?", (uid,)).fetchone() if uid else None
            seen[key] = OutgoingChange(kind, uid, layer, document, payload, version[0] if version else None)
        result.changes = list(seen.values())
    return result


@contextmanager
def _read_snapshot(store: ProjectStore) -> Iterator[None]:
    conn = store.db.conn
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
    with transaction(store.db):
        store.db.conn.executemany("UPDATE hub_outbox SET parked = 1 WHERE seq = ?", [(s,) for s in seqs])


def unpark(store: ProjectStore) -> None:
    with transaction(store.db):
        store.db.execute("UPDATE hub_outbox SET parked = 0 WHERE parked = 1")


def acknowledge(store: ProjectStore, upto: int, versions: dict[str, int], reloads: Iterable[dict[str, Any]] = ()) -> None:
    """The hub holds everything in the outbox up to ``upto``: forget it, remember the versions,
    and replace what the hub refused (a conflict) by the hub's current state."""
    with transaction(store.db):
        store.db.execute("DELETE FROM hub_outbox WHERE seq <= ? AND parked = 0", (upto,))
        # Changes in documents or layers deleted since can never be sent (outgoing() skips them).
        store.db.execute(
            "DELETE FROM hub_outbox WHERE layer_id NOT IN (SELECT id FROM layers) "
            "OR document_id NOT IN (SELECT id FROM documents)"
        )
        store.db.execute("UPDATE hub_link SET last_sync = ? WHERE id = 1", (now_iso(),))
        store.db.conn.executemany(
            "INSERT INTO hub_versions (uid, version) VALUES (?, ?) ON CONFLICT(uid) DO UPDATE SET version = excluded.version",
            list(versions.items()),
        )
        reloads = list(reloads)
        if reloads:
            _apply_rows(store, reloads, get_link(store), respect_pending=False)


def acknowledged_by_hub(store: ProjectStore, acked: int) -> None:
    """After a restart: drop what the hub says it already took (the crash came after its commit)."""
    with transaction(store.db):
        store.db.execute("DELETE FROM hub_outbox WHERE seq <= ? AND parked = 0", (acked,))


# -- pull -----------------------------------------------------------------------------------------


def local_hashes(store: ProjectStore, hashes: Iterable[str]) -> set[str]:
    wanted = list(hashes)
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(
            r[0]
            for r in store.db.execute(
                f"SELECT content_hash FROM documents WHERE content_hash IN ({','.join('?' * len(chunk))})", chunk
            )
        )
    return found


class _Lookup:
    """Local ids of hub layers (by name) and documents (by content hash), created or cached."""

    def __init__(self, store: ProjectStore):
        self.store = store
        self.layers: dict[str, int] = {layer.name: layer.id for layer in store.layers()}  # type: ignore[misc]
        self.documents: dict[str, int | None] = {}

    def layer(self, name: str) -> int:
        if name not in self.layers:
            kind = LayerKind.GOLD if name == GOLD else LayerKind.ANNOTATOR
            self.layers[name] = self.store.ensure_layer(name, kind).id  # type: ignore[assignment]
        return self.layers[name]

    def document(self, content_hash: str) -> int | None:
        if content_hash not in self.documents:
            self.documents[content_hash] = self.store.find_document(content_hash)
        return self.documents[content_hash]


def _pending_keys(store: ProjectStore) -> set[tuple[str, str]]:
    return {
        (kind, uid or f"{layer_id}\x00{document_id}")
        for kind, uid, layer_id, document_id in store.db.execute("SELECT kind, uid, layer_id, document_id FROM hub_outbox")
    }


def _apply_rows(store: ProjectStore, rows: list[dict[str, Any]], link_: HubLink | None, respect_pending: bool = True) -> int:
    """Write pulled rows into the project (inside the caller's transaction, triggers silenced)."""
    db = store.db
    lookup = _Lookup(store)
    pending = _pending_keys(store) if respect_pending else set()
    own = link_.client_id if link_ else None
    applied = 0
    db.execute("INSERT INTO hub_applying (flag) VALUES (1)")
    try:
        for row in rows:
            kind = row["kind"]
            if row.get("version") is not None and row.get("uid"):
                db.execute(
                    "INSERT INTO hub_versions (uid, version) VALUES (?, ?) ON CONFLICT(uid) DO UPDATE SET version = excluded.version",
                    (row["uid"], row["version"]),
                )
            if kind == "document":
                if lookup.document(row["content_hash"]) is None:
                    cursor = db.conn.execute(
                        "INSERT INTO documents (content_hash, text, title, date, source, meta, length, tokens, imported_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (row["content_hash"], row["text"], row["title"], row["date"], row["source"],
                         json.dumps(row["meta"], ensure_ascii=False) if row["meta"] else None, len(row["text"]),
                         row["tokens"], now_iso()),
                    )
                    lookup.documents[row["content_hash"]] = int(cursor.lastrowid)
                    applied += 1
                continue
            if kind == "setting":
                if row["key"] == SCHEMA_SETTING:
                    store.set_schema(LabelSchema.from_dict(row["value"]))
                    applied += 1
                continue
            if kind == "layer":
                lookup.layer(row["name"])
                continue
            if kind == "assignment":
                db.execute(
                    "INSERT INTO hub_assignments (content_hash, analyst, active) VALUES (?, ?, ?) "
                    "ON CONFLICT(content_hash, analyst) DO UPDATE SET active = excluded.active",
                    (row["document"], row["analyst"], int(row["active"])),
                )
                applied += 1
                continue
            document_id = lookup.document(row["document"])
            if document_id is None:
                continue  # a document this user does not hold (not assigned to them)
            layer_id = lookup.layer(row["layer"])
            if own is not None and row.get("client") == own and respect_pending:
                continue  # our own push coming back
            if kind == "status":
                if ("status", f"{layer_id}\x00{document_id}") in pending:
                    continue
                payload = row["payload"]
                db.execute(
                    "INSERT INTO document_status (layer_id, document_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(layer_id, document_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                    (layer_id, document_id, payload["status"], payload["created_at"], payload["updated_at"]),
                )
                applied += 1
                continue
            local = LOCAL_KINDS.get(kind)
            if local is None or (kind, row["uid"]) in pending:
                continue
            _replace(store, local, layer_id, document_id, row["uid"], None if row["deleted"] else row["payload"])
            applied += 1
    finally:
        db.execute("DELETE FROM hub_applying")
    return applied


def _replace(store: ProjectStore, kind: LocalKind, layer_id: int, document_id: int, uid: str, payload: dict | None) -> None:
    db = store.db
    db.execute(f"DELETE FROM {kind.table} WHERE uid = ?", (uid,))
    if payload is None:
        return
    values = {c: payload.get(c) for c in kind.columns}
    values["uid"] = uid  # the row's key is the truth, whatever the payload says
    columns = ("layer_id", "document_id", *kind.columns)
    insert = f"INSERT INTO {kind.table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    try:
        cursor = db.conn.execute(insert, (layer_id, document_id, *values.values()))
    except sqlite3.IntegrityError:
        # The same suggestion decided here and on the hub under two uids: the hub's decision wins.
        db.execute(f"DELETE FROM {kind.table} WHERE layer_id = ? AND source_uid = ?", (layer_id, values.get("source_uid")))
        cursor = db.conn.execute(insert, (layer_id, document_id, *values.values()))
    if kind.children:
        table, key, child_columns, order = kind.children
        children = payload.get(table) or []
        db.conn.executemany(
            f"INSERT INTO {table} ({key}, {order}, {', '.join(child_columns)}) "
            f"VALUES ({', '.join('?' * (len(child_columns) + 2))})",
            [(cursor.lastrowid, i, *(child.get(c) for c in child_columns)) for i, child in enumerate(children)],
        )


def apply_pull(store: ProjectStore, rows: list[dict[str, Any]], pulled_seq: int) -> int:
    """Apply one page of pulled rows and move the pull mark, in one local transaction."""
    with transaction(store.db):
        link_ = get_link(store)
        applied = _apply_rows(store, rows, link_)
        store.db.execute(
            "UPDATE hub_link SET pulled_seq = max(pulled_seq, ?), last_sync = ? WHERE id = 1", (pulled_seq, now_iso())
        )
    return applied


# -- queue ----------------------------------------------------------------------------------------


def my_queue(store: ProjectStore, user: str) -> list[int]:
    """Ids of the documents assigned to ``user`` that ``user``'s layer has not marked done."""
    return [
        r[0]
        for r in store.db.execute(
            "SELECT d.id FROM hub_assignments a JOIN documents d ON d.content_hash = a.content_hash "
            "LEFT JOIN layers l ON l.name = a.analyst "
            "LEFT JOIN document_status s ON s.layer_id = l.id AND s.document_id = d.id "
            "WHERE a.analyst = ? AND a.active = 1 AND coalesce(s.status, 'new') != 'done' ORDER BY d.id",
            (user,),
        )
    ]
