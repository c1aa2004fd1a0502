"""The hub side of a push: lock the rows a batch touches, write each kind, and word a refusal.

Called by :func:`annotator.hub.sync.push` inside its hub transaction; every function here only
reads or writes the hub through the connection it is given (no transaction of its own).
"""

from __future__ import annotations

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
            ([c.uid for c in changes],),
        )
    }


def write_kind(conn: Any, table: str, changes: list[hub_local.OutgoingChange], current: dict[str, dict], client: str,
                versions: dict[str, int], refused: list[tuple[hub_local.OutgoingChange, dict]]) -> int:
    """Write the changes of one annotation kind; return how many rows changed on the hub."""
    from psycopg.types.json import Jsonb

    cur = conn.cursor()
    inserts, deletes, updates = [], [], []
    for change in changes:
        row = current.get(change.uid)
        deleted = change.payload is None
        if row is not None and row["deleted"] == deleted and (deleted or (row["payload"] == change.payload and row["layer"] == change.layer)):
            versions[change.uid] = row["version"]  # already there: a repeat after a crash, or nothing new
            continue
        if row is None and deleted:
            continue  # made and removed between two syncs: the hub never needs to know
        if change.layer == GOLD and row is not None and row["version"] != change.base_version:
            refused.append((change, row))
            continue
        if row is None:
            inserts.append((change.uid, change.layer, change.document, Jsonb(change.payload), client))
        elif deleted:
            deletes.append((client, change.uid))
        else:
            updates.append((Jsonb(change.payload), change.layer, change.document, client, change.uid))
    # Batched statements (pipelined by psycopg), each row's new version coming back with it.
    statements = (
        (f"INSERT INTO {table} (uid, layer, document, payload, client) VALUES (%s, %s, %s, %s, %s) RETURNING uid, version", inserts),
        (f"UPDATE {table} SET deleted = true, client = %s WHERE uid = %s RETURNING uid, version", deletes),
        (f"UPDATE {table} SET deleted = false, payload = %s, layer = %s, document = %s, client = %s WHERE uid = %s "
         "RETURNING uid, version", updates),
    )
    written = 0
    for statement, rows in statements:
        if not rows:
            continue
        cur.executemany(statement, rows, returning=True)
        while True:
            for uid, version in cur.fetchall():
                versions[uid] = version
                written += 1
            if not cur.nextset():
                break
    return written


def write_statuses(conn: Any, changes: list[hub_local.OutgoingChange], client: str) -> int:
    rows = [
        (c.layer, c.document, c.payload["status"], c.payload["created_at"], c.payload["updated_at"], client)
        for c in changes
        if c.payload is not None
    ]
    if not rows:
        return 0
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO statuses (layer, document, status, created_at, updated_at, client) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (layer, document) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at, "
            "client = EXCLUDED.client WHERE (statuses.status, statuses.updated_at) IS DISTINCT FROM "
            "(EXCLUDED.status, EXCLUDED.updated_at)",
            rows,
        )
        return max(cur.rowcount, 0)


def conflict_message(change: hub_local.OutgoingChange, row: dict) -> str:
    what = (change.payload or row["payload"] or {})
    label = what.get("label") or what.get("type") or change.kind
    return (
        f"not saved: the gold {change.kind} {label!r} in document {change.document[:12]} was changed on the hub by "
        f"{row['changed_by']} meanwhile; their version has been loaded, decide again if needed"
    )
