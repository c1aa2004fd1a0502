"""The pull half of ``annotator sync``: fetch what the team changed since the last pull.

Below the hub's *horizon* (the oldest transaction still running, see
:mod:`annotator.hub.schema_v2`) every change is final. :func:`_news` reads the horizon and
whether anything of others lies between the project's mark and it (one query; an unchanged hub
costs just that). The rows in that window, except this project's own (it holds them: their
versions came back with the push), are then read in one repeatable-read snapshot and applied
locally in pages; the mark moves only with the last page, so an interrupted pull is simply
pulled again (applying a row twice writes the same state).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.hub.connection import Identity, driver
from annotator.hub.kinds import KINDS
from annotator.hub.push_rows import dict_cursor
from annotator.hub.schema import SYNCED_TABLES
from annotator.store import hub_local, hub_pull
from annotator.store.project import ProjectStore

if TYPE_CHECKING:
    from annotator.hub.sync import Hub, SyncReport

PAGE = 1000
"""Rows per page of a big pull (a pull of up to twice this is read in one round trip)."""



def _news(conn: Any, last: int, client: str) -> tuple[int, int]:
    """The horizon (every change below it is final and visible) and how many changes of others lie
    between the mark and it (counted up to a cap: enough to choose how to fetch them); one query.
    This project's own rows do not count: a pull never fetches them, so a sync after a push with
    nothing new from the team ends here."""
    cap = 2 * PAGE + 1
    parts = " UNION ALL ".join(
        f"(SELECT 1 FROM {t}, w WHERE {t}.tx > %(last)s AND {t}.tx < w.h"
        + (f" AND {t}.client IS DISTINCT FROM %(client)s" if t in _WITH_CLIENT else "")
        + f" LIMIT {cap})"
        for t in SYNCED_TABLES
    )
    row = conn.execute(
        f"WITH w AS (SELECT hub_horizon() AS h) SELECT (SELECT h FROM w), (SELECT count(*) FROM ({parts}) c)",
        {"last": last, "client": client},
    ).fetchone()
    return int(row[0]), int(row[1])


_WITH_CLIENT = ("statuses", *KINDS.values())  # the tables whose rows name the project that wrote them


_DOC_COLUMNS = "d.content_hash, d.text, d.title, d.date, d.source, d.meta, d.tokens, d.version"


def _pages(cur: Any, query: str, params: Any, kind: str) -> Any:
    cur.execute(query, params)
    while True:
        rows = cur.fetchmany(PAGE)
        if not rows:
            return
        yield [{"kind": kind, **r} for r in rows]


def pull(hub: Hub, store: ProjectStore, report: SyncReport) -> None:
    """Fetch what others changed since the last pull, below the horizon :func:`_news` read.

    Every change below that horizon is final, so any later snapshot holds exactly those changes
    (rows changed again since carry a newer ``tx`` and come with the next pull): the pull reads
    them in one repeatable-read snapshot (its rows agree with each other). A small pull (up to
    :data:`PAGE` x 2 rows, the usual case) is one round trip: the snapshot's statements are sent
    together (pipeline mode) with its ``BEGIN`` and ``COMMIT``; the texts of documents new to
    this project, if any, take one more. A big one pages through server-side cursors. The rows
    are applied locally after the hub's transaction has ended (an open snapshot holds back every
    colleague's horizon)."""
    link = hub_local.get_link(store)
    assert link is not None
    conn, me = hub.conn, hub.me
    last = link.pulled_seq
    psycopg = driver()
    horizon, waiting = _news(conn, last, link.client_id)
    upto = max(last, horizon - 1)  # everything up to here is final: the next pull starts above it
    if not waiting or upto <= last:  # nothing new: one round trip (autocommit), no transaction
        report.mark = last
        return
    report.mark = upto
    small = waiting <= 2 * PAGE
    window = _Window(me, last, upto, link.client_id, small)
    buffer = _Buffer(store, report, last)
    conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
    try:
        if small:
            new_documents = _pull_pipelined(conn, store, window, buffer)
        else:
            with conn.transaction():
                new_documents = _pull_paged(conn, store, window, buffer)
    finally:
        conn.isolation_level, conn.read_only = None, False
    if new_documents:
        hub_local.unpark(store)  # held-back changes may now be sendable
    buffer.flush(upto)


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


def _pull_pipelined(conn: Any, store: ProjectStore, window: _Window, buffer: _Buffer) -> list[str]:
    """A small pull: every statement of the snapshot in one round trip; return the new documents."""
    with conn.pipeline() as pipe:
        with conn.transaction():
            settings = _send(conn, f"SELECT key, value, version FROM settings WHERE {_IN_WINDOW}", window.params)
            layers = _send(conn, f"SELECT name, kind AS layer_kind FROM layers WHERE {_IN_WINDOW}", window.params)
            names = _send(conn, _document_names(window), window.params)
            changes = [(kind, _send(conn, query, params)) for kind, query, params in _change_queries(window)]
        pipe.sync()  # BEGIN, the statements and COMMIT: one round trip
        buffer.add(_rows(settings, "setting") + _rows(layers, "layer"))
        new_documents = _new_documents(store, [r["content_hash"] for r in names.fetchall()])
        later: list[tuple[str, Any]] = []
        if new_documents:
            # Outside the snapshot, which is fine: documents never change, and what the backfill
            # reads lies below the horizon (final).
            texts = [_send(conn, f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.content_hash = ANY(%s)",
                           (new_documents[i : i + PAGE],)) for i in range(0, len(new_documents), PAGE)]
            if not window.everything:
                later = [(kind, _send(conn, query, params)) for kind, query, params in
                         _backfill_queries(new_documents, window.upto)]
            pipe.sync()
            for cur in texts:
                buffer.add(_rows(cur, "document"))
    for kind, cur in changes + later:  # after the documents they may belong to
        buffer.add(_rows(cur, kind))
    return new_documents


def _send(conn: Any, query: str, params: Any) -> Any:
    cur = dict_cursor(conn)
    cur.execute(query, params)
    return cur


def _rows(cur: Any, kind: str) -> list[dict[str, Any]]:
    rows = [{"kind": kind, **r} for r in cur.fetchall()]
    cur.close()
    return rows


def _new_documents(store: ProjectStore, hashes: list[str]) -> list[str]:
    held = hub_pull.local_hashes(store, hashes)
    return [h for h in hashes if h not in held]


def _pull_paged(conn: Any, store: ProjectStore, window: _Window, buffer: _Buffer) -> list[str]:
    """A big pull, in the caller's snapshot: server-side cursors read in pages; return the new documents."""
    # A pull reads every row it asks for: plan for all of them. A server-side cursor is otherwise
    # planned for its first tenth, and a fast-start plan (a nested loop that re-reads the
    # analyst's assignments for every changed row) made 50 analysts' pulls cost seconds each.
    conn.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    buffer.add(_settings_and_layers(conn, window))
    new_documents = _pull_documents(conn, store, window, buffer)
    queries = _change_queries(window)
    if new_documents and not window.everything:
        queries += _backfill_queries(new_documents, window.upto)
    for i, (kind, query, params) in enumerate(queries):
        named = _cursor(conn, f"pull_{i}", window.small)
        for page in _pages(named, query, params, kind):
            buffer.add(page)
        named.close()
    return new_documents


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
    new_documents: list[str] = []
    named = _cursor(conn, "pull_documents", window.small)
    for page in _pages(named, _document_names(window), window.params, "document"):
        new_documents += _new_documents(store, [d["content_hash"] for d in page])
    named.close()
    cur = dict_cursor(conn)
    for i in range(0, len(new_documents), PAGE):
        cur.execute(f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.content_hash = ANY(%s)", (new_documents[i : i + PAGE],))
        buffer.add([{"kind": "document", **r} for r in cur.fetchall()])
    return new_documents


def _document_names(window: _Window) -> str:
    if window.everything:
        return f"SELECT d.content_hash FROM documents d WHERE d.{_IN_WINDOW} ORDER BY d.tx, d.seq"
    # Documents never change once on the hub (they are named by their content): new assignments
    # say which ones to fetch.
    return f"SELECT a.document AS content_hash FROM assignments a WHERE a.analyst = %(me)s AND a.{_IN_WINDOW}"


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
