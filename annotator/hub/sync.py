"""``annotator sync``: push the outbox to the hub, then pull what changed since the last pull.

Push, per batch of the outbox: one hub transaction writes the batch and records, in the
``clients`` row of this project, the last outbox number it holds; then one local transaction
forgets those outbox rows. A crash between the two is repaired on the next run: the hub says
what it already took. Writes compare with what the hub holds, so a repeated row is a no-op
(its version does not move). Gold rows carry the version the reviewer last saw: when the hub
holds a newer one the write is refused, reported, and the hub's state replaces the local one.

Pull (:mod:`annotator.hub.pull`): everything with a change mark (``tx``) above the local mark
and below the horizon (the oldest transaction still running: below it every change is final,
see :mod:`annotator.hub.schema_v2`), except this project's own rows, read in one
repeatable-read snapshot (a small pull in one round trip) and applied locally in pages; the mark
moves only after the last page. An unchanged hub costs one query.

No push waits for another: only the gold rows a batch changes are locked (reviewers share
them); each batch is a bounded number of statements whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from annotator.hub.connection import HubError, Identity, connect, driver, identity
from annotator.hub.kinds import KINDS
from annotator.hub.pull import PAGE, pull  # noqa: F401  (PAGE: tests and callers)
from annotator.hub.push_rows import collect, conflict_message, lock_rows, send_kind, send_statuses
from annotator.hub.schema import check_version
from annotator.model.layer import GOLD
from annotator.store import hub_local, hub_pull
from annotator.store.project import ProjectStore

BATCH = 2000
"""Distinct changes per push transaction: 500 edits (a span and a status each) go in one."""

PUSH_DELAY = 0.3
"""Seconds the window waits after the last edit before it syncs (edits in a burst go together)."""
SYNC_INTERVAL = 3.0
"""Seconds between the window's background syncs (how soon it sees the team's work)."""


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    parked: int = 0
    conflicts: list[str] = field(default_factory=list)
    mark: int = 0

    def summary(self) -> str:
        parts = [f"pushed {self.pushed} change(s)", f"pulled {self.pulled}"]
        if self.parked:
            parts.append(f"{self.parked} held back (their document is not on the hub: the lead pushes the corpus)")
        text = ", ".join(parts)
        for conflict in self.conflicts:
            text += "\n" + conflict
        return text


class Hub:
    """An open connection to the hub for one project, reused across syncs by the window."""

    def __init__(self, url: str, conn: Any | None = None):
        self.url = url
        # Autocommit: every transaction is an explicit ``conn.transaction()`` block below.
        self.conn = conn if conn is not None else connect(url, autocommit=True)
        check_version(self.conn)
        self.me: Identity = identity(self.conn)
        # What this connection already learnt, so a small push costs few round trips.
        self.recovered = False  # the hub's acknowledgement read once after (re)connecting
        self.known_documents: set[str] = set()  # on the hub (documents are never removed)
        self.known_layers: set[str] = set()

    def close(self) -> None:
        self.conn.close()


# -- push -----------------------------------------------------------------------------------------


def push(hub: Hub, store: ProjectStore, report: SyncReport, batch: int = BATCH,
         during: Callable[[], None] | None = None) -> None:
    """Send the outbox in batches. ``during`` (tests) runs inside each hub transaction, before commit."""
    link = hub_local.get_link(store)
    if link is None:
        raise HubError("this project is not connected to a hub: run `annotator hub connect URL` first")
    conn = hub.conn
    hub_local.ensure_triggers(store)
    if not hub_local.has_outgoing(store):
        return  # nothing to send: no round trip at all
    if not hub.recovered:
        acked = conn.execute("SELECT acked FROM clients WHERE client_id = %s", (link.client_id,)).fetchone()
        if acked:
            hub_local.acknowledged_by_hub(store, acked[0])
        hub.recovered = True
    until = hub_local.outbox_end(store)
    while True:
        out = hub_local.outgoing(store, batch, until)
        if not out.changes and not out.upto:
            return
        documents = {c.document for c in out.changes} - hub.known_documents
        layers = {c.layer for c in out.changes} - hub.known_layers
        if documents or layers:
            with conn.pipeline():  # both questions in one round trip
                found_documents = conn.execute("SELECT content_hash FROM documents WHERE content_hash = ANY(%s)",
                                               (list(documents),)) if documents else None
                found_layers = conn.execute("SELECT name FROM layers WHERE name = ANY(%s)", (list(layers),)) if layers else None
                if found_documents is not None:
                    hub.known_documents.update(r[0] for r in found_documents.fetchall())
                if found_layers is not None:
                    hub.known_layers.update(r[0] for r in found_layers.fetchall())
        held = [c for c in out.changes if c.document not in hub.known_documents or c.layer not in hub.known_layers]
        if held:
            hub_local.park(store, [s for c in held for s in out.seqs[(c.kind, c.uid or f"{c.layer}\x00{c.document}")]])
            report.parked += len(held)
            continue  # read the batch again without them
        versions: dict[str, int] = {}
        refused: list[tuple[hub_local.OutgoingChange, dict]] = []
        # Pipeline mode: the batch's writes and acknowledgement go in one round trip, then the
        # commit (50 analysts' backends spent a quarter of a sync idle in transaction before).
        with conn.pipeline() as pipe, conn.transaction():
            # No lock beyond the rows written: pushes of different analysts run side by side.
            # Gold rows (shared by reviewers) are locked in uid order, kind by kind, before any
            # write; the rest of a batch is rows only this user writes. The change log needs no
            # lock at all (see annotator.hub.schema_v2).
            sent: list[Any] = []
            for kind, table in KINDS.items():
                mine = [c for c in out.changes if c.kind == kind]
                if mine:
                    gold = [c for c in mine if c.layer == GOLD]
                    current = lock_rows(conn, table, gold) if gold else {}  # waits: the decision needs the rows
                    sent += send_kind(conn, table, mine, current, link.client_id, versions, refused)
            statuses = send_statuses(conn, [c for c in out.changes if c.kind == "status"], link.client_id)
            conn.execute(
                "INSERT INTO clients (client_id, acked) VALUES (%s, %s) "
                "ON CONFLICT (client_id) DO UPDATE SET acked = EXCLUDED.acked, seen_at = now()",
                (link.client_id, out.upto),
            )
            pipe.sync()  # everything above is sent; a refused write raises here
            report.pushed += collect(sent, versions)
            if statuses is not None:
                report.pushed += max(statuses.rowcount, 0)
            if during is not None:
                during()
        reloads = []
        for change, row in refused:
            report.conflicts.append(conflict_message(change, row))
            reloads.append({"kind": change.kind, **row})
        hub_pull.acknowledge_push(store, out.upto, versions, reloads)


# -- both -----------------------------------------------------------------------------------------


def sync(hub: Hub, store: ProjectStore, batch: int = BATCH) -> SyncReport:
    """Push, then pull; the report says what moved and what was refused."""
    report = SyncReport()
    psycopg = driver()
    try:
        push(hub, store, report, batch)
        pull(hub, store, report)
    except psycopg.OperationalError as error:
        raise HubError(f"the connection to the hub was lost: {str(error).strip()}; nothing is lost, sync again") from None
    except psycopg.errors.InsufficientPrivilege as error:
        hub.conn.rollback()
        raise HubError(f"the hub refused a write: {str(error).strip()}") from None
    link = hub_local.get_link(store)
    message = "\n".join(report.conflicts) or None
    if link is not None and link.last_message != message:
        hub_local.record_sync(store, message)  # a write (and a disk sync) only when the message changes
    return report


def sync_project(store: ProjectStore, batch: int = BATCH) -> SyncReport:
    """One sync of a connected project with a fresh connection (the command line)."""
    link = hub_local.get_link(store)
    if link is None:
        raise HubError("this project is not connected to a hub: run `annotator hub connect URL` first")
    hub = Hub(link.url)
    try:
        return sync(hub, store, batch)
    finally:
        hub.close()
