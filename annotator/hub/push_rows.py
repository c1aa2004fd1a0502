"""The hub side of a push: lock the gold rows a batch touches, write each kind, and word a refusal.

A batch of any size is a bounded number of statements: per kind at most one lock (gold only),
one multi-row upsert and one multi-row delete; one for statuses. The writes are sent without
waiting for each other (psycopg's pipeline mode), so a batch costs one round trip plus the commit.

Called by :func:`annotator.hub.sync.push` inside its hub transaction; every function here only
reads or writes the hub through the connection it is given (no transaction of its own).
"""

from __future__ import annotations

import json
from typing import Any

from annotator.model.layer import GOLD
from annotator.store import hub_local


def dict_cursor(conn: Any) -> Any:
    from psycopg.rows import dict_row

    return conn.cursor(row_factory=dict_row)


def lock_rows(conn: Any, table: str, changes: list[hub_local.OutgoingChange]) -> dict[str, dict]:
    """The hub's current rows for these changes, locked (in uid order: two pushes never deadlock)."""
    cur = dict_cursor(conn)
    return {
        r["uid"]: r
        for r in cur.execute(
            f"SELECT uid, layer, document, deleted, payload, version, client, changed_by FROM {table} "
            "WHERE uid = ANY(%s) ORDER BY uid FOR UPDATE",
            (sorted(c.uid for c in changes),),
        )
    }


def _upsert(table: str) -> str:
    # One statement for any number of rows; rows in uid order so two pushes lock in the same
    # order. A row the hub already holds unchanged (a repeat after a crash) is not written: its
    # version does not move and it does not come back in RETURNING.
    return (
        f"INSERT INTO {table} AS t (uid, layer, document, payload, client) "
        "SELECT u, l, d, p, %s FROM jsonb_to_recordset(%s::jsonb) AS x(u text, l text, d text, p jsonb) "
        "ORDER BY u "
        "ON CONFLICT (uid) DO UPDATE SET deleted = false, payload = EXCLUDED.payload, layer = EXCLUDED.layer, "
        "document = EXCLUDED.document, client = EXCLUDED.client "
        "WHERE (t.deleted, t.payload, t.layer, t.document) IS DISTINCT FROM "
        "(false, EXCLUDED.payload, EXCLUDED.layer, EXCLUDED.document) "
        "RETURNING uid, version"
    )


def _delete(table: str) -> str:
    # Made and removed between two syncs (not on the hub) or already deleted: nothing to write.
    return (
        f"UPDATE {table} AS t SET deleted = true, client = %s FROM jsonb_array_elements_text(%s::jsonb) AS x(u) "
        "WHERE t.uid = x.u AND NOT t.deleted RETURNING t.uid, t.version"
    )


def send_kind(conn: Any, table: str, changes: list[hub_local.OutgoingChange], current: dict[str, dict], client: str,
              versions: dict[str, int], refused: list[tuple[hub_local.OutgoingChange, dict]]) -> list[Any]:
    """Send the writes of one annotation kind (at most two statements) without waiting for them;
    return their cursors for :func:`collect`. ``current``: the locked hub rows of the gold changes
    among them (the others need no lock: only their owner writes them). In pipeline mode every
    statement of a batch travels in one round trip."""
    live: list[hub_local.OutgoingChange] = []
    deletes: list[str] = []
    for change in sorted(changes, key=lambda c: c.uid):
        deleted = change.payload is None
        if change.layer == GOLD:
            row = current.get(change.uid)
            if row is not None and row["deleted"] == deleted and (deleted or (row["payload"] == change.payload and row["layer"] == change.layer)):
                versions[change.uid] = row["version"]  # already there: nothing new
                continue
            if row is not None and row["version"] != change.base_version:
                refused.append((change, row))
                continue
        (deletes.append(change.uid) if deleted else live.append(change))
    sent = []
    if live:
        # The rows travel as one JSON parameter: encoded in C here, parsed in C there.
        rows = [{"u": c.uid, "l": c.layer, "d": c.document, "p": c.payload} for c in live]
        sent.append(conn.cursor())
        sent[-1].execute(_upsert(table), (client, json.dumps(rows, ensure_ascii=False)))
    if deletes:
        sent.append(conn.cursor())
        sent[-1].execute(_delete(table), (client, json.dumps(deletes)))
    return sent


def collect(cursors: list[Any], versions: dict[str, int]) -> int:
    """Wait for the writes :func:`send_kind` sent; note the new versions; return how many rows changed."""
    written = 0
    for cur in cursors:
        for uid, version in cur.fetchall():
            versions[uid] = version
            written += 1
        cur.close()
    return written


def send_statuses(conn: Any, changes: list[hub_local.OutgoingChange], client: str) -> Any | None:
    """All status changes of a batch in one statement (in key order: no deadlock), not waited
    for; its cursor's ``rowcount`` says how many changed once the result is in."""
    rows = sorted(
        (c.layer, c.document, c.payload["status"], c.payload["created_at"], c.payload["updated_at"])
        for c in changes
        if c.payload is not None
    )
    if not rows:
        return None
    data = json.dumps([dict(zip("ldscu", row)) for row in rows], ensure_ascii=False)
    cur = conn.cursor()
    cur.execute(
        "INSERT INTO statuses AS t (layer, document, status, created_at, updated_at, client) "
        "SELECT l, d, s, c, u, %s FROM jsonb_to_recordset(%s::jsonb) "
        "AS x(l text, d text, s text, c text, u text) ORDER BY l, d "
        "ON CONFLICT (layer, document) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at, "
        "client = EXCLUDED.client WHERE (t.status, t.updated_at) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.updated_at)",
        (client, data),
    )
    return cur


def conflict_message(change: hub_local.OutgoingChange, row: dict) -> str:
    what = (change.payload or row["payload"] or {})
    label = what.get("label") or what.get("type") or change.kind
    return (
        f"not saved: the gold {change.kind} {label!r} in document {change.document[:12]} was changed on the hub by "
        f"{row['changed_by']} meanwhile; their version has been loaded, decide again if needed"
    )
