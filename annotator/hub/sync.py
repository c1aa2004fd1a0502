"""``annotator sync``: push the outbox to the hub, then pull what changed since the last pull.

Push, per batch of the outbox: one hub transaction writes the batch and records, in the
``clients`` row of this project, the last outbox number it holds; then one local transaction
forgets those outbox rows. A crash between the two is repaired on the next run: the hub says
what it already took. Writes compare with what the hub holds, so a repeated row is a no-op
(its version does not move). Gold rows carry the version the reviewer last saw: when the hub
holds a newer one the write is refused, reported, and the hub's state replaces the local one.

Pull: in one repeatable-read snapshot, everything with a change mark (``tx``) above the local
mark and below the snapshot's horizon (the oldest transaction still running: below it every
change is final, see :mod:`annotator.hub.schema_v2`), except this project's own rows, applied
locally in pages; the mark moves only after the last page, so an interrupted pull is simply
pulled again (applying a row twice writes the same state). An unchanged hub costs one query.

No push waits for another: only the gold rows a batch changes are locked (reviewers share
them); each batch is a bounded number of statements whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from annotator.hub.connection import HubError, Identity, connect, driver, identity
from annotator.hub.kinds import KINDS
from annotator.hub.push_rows import collect, conflict_message, dict_cursor, lock_rows, send_kind, send_statuses
from annotator.hub.schema import SYNCED_TABLES, check_version
from annotator.model.layer import GOLD
from annotator.store import hub_local, hub_pull
from annotator.store.project import ProjectStore

PAGE = 1000
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


# -- pull -----------------------------------------------------------------------------------------


def _news(conn: Any, last: int) -> tuple[int, int]:
    """The horizon (every change below it is final and visible) and how many changes lie between
    the mark and it (counted up to a cap: enough to choose how to fetch them); one query."""
    cap = 2 * PAGE + 1
    parts = " UNION ALL ".join(
        f"(SELECT 1 FROM {t}, w WHERE {t}.tx > %(last)s AND {t}.tx < w.h LIMIT {cap})" for t in SYNCED_TABLES
    )
    row = conn.execute(
        f"WITH w AS (SELECT hub_horizon() AS h) SELECT (SELECT h FROM w), (SELECT count(*) FROM ({parts}) c)",
        {"last": last},
    ).fetchone()
    return int(row[0]), int(row[1])


_DOC_COLUMNS = "d.content_hash, d.text, d.title, d.date, d.source, d.meta, d.tokens, d.version"


def _pages(cur: Any, query: str, params: Any, kind: str) -> Any:
    cur.execute(query, params)
    while True:
        rows = cur.fetchmany(PAGE)
        if not rows:
            return
        yield [{"kind": kind, **r} for r in rows]


def pull(hub: Hub, store: ProjectStore, report: SyncReport) -> None:
    link = hub_local.get_link(store)
    assert link is not None
    conn, me = hub.conn, hub.me
    last = link.pulled_seq
    psycopg = driver()
    _, waiting = _news(conn, last)
    if not waiting:  # nothing new: one round trip (autocommit), no transaction
        report.mark = last
        return
    # One snapshot for the whole pull: the mark and the rows agree.
    conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
    try:
        with conn.transaction():
            _pull_snapshot(conn, me, store, report, last, link.client_id, small=waiting <= 2 * PAGE)
    finally:
        conn.isolation_level, conn.read_only = None, False


@dataclass(frozen=True)
class _Window:
    """What one pull reads: changes with ``last < tx <= upto``, for ``me``, not written by ``client``."""

    me: Identity
    last: int
    upto: int
    client: str
    small: bool  # few rows: plain queries (one round trip each) rather than server-side cursors

    @property
    def everything(self) -> bool:
        return self.me.lead or self.me.reviewer

    @property
    def params(self) -> dict[str, Any]:
        return {"last": self.last, "upto": self.upto, "me": self.me.user, "client": self.client}


def _pull_snapshot(conn: Any, me: Identity, store: ProjectStore, report: SyncReport, last: int, client: str,
                   small: bool) -> None:
    # The first statement takes the snapshot: its horizon is the one that bounds what it sees.
    horizon = int(conn.execute("SELECT hub_horizon()").fetchone()[0])
    upto = max(last, horizon - 1)  # everything up to here is final: the next pull starts above it
    report.mark = upto
    if upto <= last:
        return
    # A pull reads every row it asks for: plan for all of them. A server-side cursor is otherwise
    # planned for its first tenth, and a fast-start plan (a nested loop that re-reads the
    # analyst's assignments for every changed row) made 50 analysts' pulls cost seconds each.
    conn.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    window = _Window(me, last, upto, client, small)
    buffer = _Buffer(store, report, last)
    buffer.add(_settings_and_layers(conn, window))
    new_documents = _pull_documents(conn, store, window, buffer)
    if new_documents:
        hub_local.unpark(store)  # held-back changes may now be sendable
    queries = _change_queries(window)
    if new_documents and not window.everything:
        queries += _backfill_queries(new_documents, upto)
    for i, (kind, query, params) in enumerate(queries):
        named = _cursor(conn, f"pull_{i}", small)
        for page in _pages(named, query, params, kind):
            buffer.add(page)
        named.close()
    buffer.flush(upto)


_IN_WINDOW = "tx > %(last)s AND tx <= %(upto)s"


def _settings_and_layers(conn: Any, window: _Window) -> list[dict[str, Any]]:
    cur = dict_cursor(conn)
    cur.execute(f"SELECT key, value, version FROM settings WHERE {_IN_WINDOW}", window.params)
    rows = [{"kind": "setting", **r} for r in cur.fetchall()]
    cur.execute(f"SELECT name, kind AS layer_kind FROM layers WHERE {_IN_WINDOW}", window.params)
    return rows + [{"kind": "layer", **r} for r in cur.fetchall()]


def _pull_documents(conn: Any, store: ProjectStore, window: _Window, buffer: _Buffer) -> list[str]:
    """Fetch the documents new to this project; return their hashes. Names first, texts only of
    the documents this project lacks (a lead already holds them all)."""
    if window.everything:
        names = f"SELECT d.content_hash FROM documents d WHERE d.{_IN_WINDOW} ORDER BY d.tx, d.seq"
    else:
        # Documents never change once on the hub (they are named by their content): new
        # assignments say which ones to fetch.
        names = (
            "SELECT a.document AS content_hash FROM assignments a "
            f"WHERE a.analyst = %(me)s AND a.{_IN_WINDOW}"
        )
    new_documents: list[str] = []
    named = _cursor(conn, "pull_documents", window.small)
    for page in _pages(named, names, window.params, "document"):
        hashes = [d["content_hash"] for d in page]
        held = hub_pull.local_hashes(store, hashes)
        new_documents += [h for h in hashes if h not in held]
    named.close()
    cur = dict_cursor(conn)
    for i in range(0, len(new_documents), PAGE):
        cur.execute(f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.content_hash = ANY(%s)", (new_documents[i : i + PAGE],))
        buffer.add([{"kind": "document", **r} for r in cur.fetchall()])
    return new_documents


_STATUS_PAYLOAD = (
    "jsonb_build_object('status', status, 'created_at', created_at, 'updated_at', updated_at) AS payload"
)


def _change_queries(window: _Window) -> list[tuple[str, str, Any]]:
    """The changed assignments, statuses and annotations in the window, in commit order."""
    params = window.params
    # An analyst fetches rows of their own documents only. The analyst is named as a value, not
    # as current_user, so the planner knows from the statistics how many documents that is.
    mine = "" if window.everything else (
        " AND EXISTS (SELECT 1 FROM assignments x WHERE x.analyst = %(me)s AND x.document = t.document)"
    )
    whose = "" if window.everything else " AND analyst = %(me)s"  # an analyst needs only their own
    # This project's own rows never come back: it holds them already (their versions came back
    # with the push).
    theirs = " AND t.client IS DISTINCT FROM %(client)s"
    queries = [
        ("assignment",
         f"SELECT document, analyst, active FROM assignments WHERE {_IN_WINDOW}{whose} ORDER BY tx, seq", params),
        ("status",
         f"SELECT layer, document, {_STATUS_PAYLOAD}, client FROM statuses t WHERE {_IN_WINDOW}{mine}{theirs} "
         "ORDER BY tx, seq", params),
    ]
    for kind, table in KINDS.items():
        queries.append((
            kind,
            f"SELECT uid, layer, document, deleted, payload, version, client FROM {table} t "
            f"WHERE {_IN_WINDOW}{mine}{theirs} ORDER BY tx, seq",
            params,
        ))
    return queries


def _backfill_queries(documents: list[str], upto: int) -> list[tuple[str, str, Any]]:
    """Documents just assigned: their older annotations are below the mark, fetch them whole."""
    params = (documents, upto)
    queries: list[tuple[str, str, Any]] = [(
        "status",
        f"SELECT layer, document, {_STATUS_PAYLOAD}, NULL AS client FROM statuses WHERE document = ANY(%s) AND tx <= %s",
        params,
    )]
    for kind, table in KINDS.items():
        queries.append((
            kind,
            f"SELECT uid, layer, document, deleted, payload, version, NULL AS client FROM {table} "
            "WHERE document = ANY(%s) AND tx <= %s",
            params,
        ))
    return queries


class _Buffer:
    """Pulled rows applied a few thousand at a time; the last local transaction also moves the
    mark, so a small pull is one local transaction (one disk sync) in all."""

    def __init__(self, store: ProjectStore, report: SyncReport, last: int):
        self.store, self.report, self.last = store, report, last
        self.rows: list[dict[str, Any]] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.rows += rows
        if len(self.rows) >= 2 * PAGE:
            self.flush(self.last)

    def flush(self, mark: int) -> None:
        if self.rows or mark != self.last:
            self.report.pulled += hub_pull.apply_pull(self.store, self.rows, mark)
        self.rows = []


def _cursor(conn: Any, name: str, small: bool) -> Any:
    """A server-side cursor that streams a big pull in pages, or a plain one (one round trip) for a small one."""
    return conn.cursor(row_factory=_dict_row()) if small else conn.cursor(name=name, row_factory=_dict_row())


def _dict_row() -> Any:
    from psycopg.rows import dict_row

    return dict_row


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
