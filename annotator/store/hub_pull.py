"""Applying what a sync pulled from the team hub to the project file, and the analyst's queue.

Pulled rows are written with ``hub_applying`` set, so the outbox triggers of
:mod:`annotator.store.hub_local` do not send them back. A row whose item has an edit waiting in
the outbox is skipped (the local edit is sent next; for gold, the hub's version check decides).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable

from annotator.model.annotations import now_iso
from annotator.model.layer import GOLD, LayerKind
from annotator.model.schema import LabelSchema
from annotator.store.database import transaction
from annotator.store import hub_local
from annotator.store.hub_local import LOCAL_KINDS, HubLink, LocalKind, get_link
from annotator.store.project import SCHEMA_SETTING, ProjectStore


def local_hashes(store: ProjectStore, hashes: Iterable[str]) -> set[str]:
    wanted = list(hashes)
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(
            r[0]
            for r in store._db.execute(
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

    def prefetch(self, hashes: set[str]) -> None:
        """Look up many documents at once (a pull of 500 edits asked for each of them alone)."""
        wanted = [h for h in hashes if h not in self.documents]
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            self.documents.update((h, None) for h in chunk)
            self.documents.update(self.store._db.conn.execute(
                f"SELECT content_hash, id FROM documents WHERE content_hash IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall())

    def document(self, content_hash: str) -> int | None:
        if content_hash not in self.documents:
            self.documents[content_hash] = self.store.find_document(content_hash)
        return self.documents[content_hash]


def _pending_keys(store: ProjectStore) -> set[tuple[str, str]]:
    return {
        (kind, uid or f"{layer_id}\x00{document_id}")
        for kind, uid, layer_id, document_id in store._db.execute("SELECT kind, uid, layer_id, document_id FROM hub_outbox")
    }


def apply_rows(store: ProjectStore, rows: list[dict[str, Any]], link_: HubLink | None, respect_pending: bool = True) -> int:
    """Write pulled rows into the project (inside the caller's transaction, triggers silenced).

    Versions, assignments, statuses and the annotations of kinds without child rows (spans) are
    written with one ``executemany`` each after the loop (a pull of 500 edits was 1,500 single
    statements); documents, settings and layers first, as they come (the rest refers to them)."""
    db = store._db
    conn = db.conn
    lookup = _Lookup(store)
    lookup.prefetch({row["document"] for row in rows if "document" in row and row["kind"] != "assignment"})
    pending = _pending_keys(store) if respect_pending else set()
    own = link_.client_id if link_ else None
    applied = 0
    versions: dict[str, int] = {}
    assignments: list[tuple[str, str, int]] = []
    statuses: list[tuple[int, int, str, str, str]] = []
    flat: dict[str, dict[str, tuple[int, int, dict | None]]] = {}  # kind -> uid -> (layer, document, payload)
    conn.execute("INSERT INTO hub_applying (flag) VALUES (1)")
    try:
        for row in rows:
            kind = row["kind"]
            if row.get("version") is not None and row.get("uid"):
                versions[row["uid"]] = row["version"]
            if kind == "document":
                if lookup.document(row["content_hash"]) is None:
                    cursor = conn.execute(
                        "INSERT INTO documents (content_hash, text, title, date, source, meta, length, tokens, imported_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (row["content_hash"], row["text"], row["title"], row["date"], row["source"],
                         json.dumps(row["meta"], ensure_ascii=False) if row["meta"] else None, len(row["text"]),
                         row["tokens"], now_iso()),
                    )
                    lookup.documents[row["content_hash"]] = int(cursor.lastrowid)  # type: ignore[arg-type]
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
                assignments.append((row["document"], row["analyst"], int(row["active"])))
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
                statuses.append((layer_id, document_id, payload["status"], payload["created_at"], payload["updated_at"]))
                applied += 1
                continue
            local = LOCAL_KINDS.get(kind)
            if local is None or (kind, row["uid"]) in pending:
                continue
            payload = None if row["deleted"] else row["payload"]
            if local.children:
                _replace(store, local, layer_id, document_id, row["uid"], payload)
            else:
                flat.setdefault(kind, {})[row["uid"]] = (layer_id, document_id, payload)  # the last state wins
            applied += 1
        conn.executemany(
            "INSERT INTO hub_assignments (content_hash, analyst, active) VALUES (?, ?, ?) "
            "ON CONFLICT(content_hash, analyst) DO UPDATE SET active = excluded.active",
            assignments,
        )
        conn.executemany(
            "INSERT INTO document_status (layer_id, document_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(layer_id, document_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            statuses,
        )
        for kind, items in flat.items():
            _replace_many(store, LOCAL_KINDS[kind], items)
        conn.executemany(
            "INSERT INTO hub_versions (uid, version) VALUES (?, ?) ON CONFLICT(uid) DO UPDATE SET version = excluded.version",
            list(versions.items()),
        )
    finally:
        conn.execute("DELETE FROM hub_applying")
    return applied


def _replace_many(store: ProjectStore, kind: LocalKind, items: dict[str, tuple[int, int, dict | None]]) -> None:
    """:func:`_replace` for many annotations of a kind without child rows, two statements in all;
    where one collides with a local row (the same suggestion decided under two uids) it is done
    again row by row, which settles the collision."""
    conn = store._db.conn
    columns = ("layer_id", "document_id", *kind.columns)
    values = [
        (layer_id, document_id, *(uid if c == "uid" else payload.get(c) for c in kind.columns))
        for uid, (layer_id, document_id, payload) in items.items()
        if payload is not None
    ]
    conn.execute("SAVEPOINT hub_replace_many")
    try:
        conn.executemany(f"DELETE FROM {kind.table} WHERE uid = ?", [(uid,) for uid in items])
        conn.executemany(
            f"INSERT INTO {kind.table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values
        )
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO hub_replace_many")
        conn.execute("RELEASE hub_replace_many")
        for uid, (layer_id, document_id, payload) in items.items():
            _replace(store, kind, layer_id, document_id, uid, payload)
        return
    conn.execute("RELEASE hub_replace_many")


def _replace(store: ProjectStore, kind: LocalKind, layer_id: int, document_id: int, uid: str, payload: dict | None) -> None:
    db = store._db
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


def acknowledge_push(store: ProjectStore, upto: int, versions: dict[str, int], reloads: list[dict[str, Any]]) -> None:
    """One local transaction after a push: forget what the hub took (:func:`hub_local.acknowledge`)
    and replace what it refused (a conflict) by the hub's current state."""
    with transaction(store._db):
        hub_local.acknowledge(store, upto, versions)  # nested: a savepoint of this transaction
        if reloads:
            apply_rows(store, reloads, get_link(store), respect_pending=False)


def apply_pull(store: ProjectStore, rows: list[dict[str, Any]], pulled_seq: int) -> int:
    """Apply one page of pulled rows and move the pull mark, in one local transaction."""
    with transaction(store._db):
        link_ = get_link(store)
        applied = apply_rows(store, rows, link_)
        store._db.execute(
            "UPDATE hub_link SET pulled_seq = max(pulled_seq, ?), last_sync = ? WHERE id = 1", (pulled_seq, now_iso())
        )
    return applied


# -- queue ----------------------------------------------------------------------------------------


def my_queue(store: ProjectStore, user: str) -> list[int]:
    """Ids of the documents assigned to ``user`` that ``user``'s layer has not marked done."""
    return [
        r[0]
        for r in store._db.execute(
            "SELECT d.id FROM hub_assignments a JOIN documents d ON d.content_hash = a.content_hash "
            "LEFT JOIN layers l ON l.name = a.analyst "
            "LEFT JOIN document_status s ON s.layer_id = l.id AND s.document_id = d.id "
            "WHERE a.analyst = ? AND a.active = 1 AND coalesce(s.status, 'new') != 'done' ORDER BY d.id",
            (user,),
        )
    ]
