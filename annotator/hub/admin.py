"""What a lead does on the hub: create it, add people, upload the corpus and schema, assign work,
and connect a project file to it (anyone)."""

from __future__ import annotations

import heapq
from collections import Counter
import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from annotator.hub.connection import ANALYST, GROUPS, HubError, check_role_name, check_url, connect, driver, identity
from annotator.hub.schema import check_version, migrate
from annotator.model.layer import GOLD, LayerKind
from annotator.store import hub_local
from annotator.store.project import SCHEMA_SETTING, ProjectStore

REASSIGN_SETTING = "reassign_after_days"


def init_hub(url: str) -> int:
    """Create (or upgrade) the hub's tables in the database at ``url``; return the version it had."""
    with connect(url, autocommit=True) as conn:
        return migrate(conn)


def add_user(url: str, name: str, role: str, password: str | None) -> None:
    """Create a login role for ``name`` in the group of ``role`` and their layer on the hub.

    Needs a connection with CREATEROLE (the database owner or an administrator)."""
    psycopg = driver()
    from psycopg import sql

    name = check_role_name(name)
    if role not in GROUPS:
        raise HubError(f"a role is one of {', '.join(GROUPS)}, got {role!r}")
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        try:
            with conn.transaction():
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
                if password:
                    conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUPS[role]), sql.Identifier(name)))
                if role == "lead":
                    conn.execute(sql.SQL("ALTER ROLE {} CREATEROLE").format(sql.Identifier(name)))
                conn.execute("INSERT INTO layers (name, kind) VALUES (%s, 'annotator') ON CONFLICT (name) DO NOTHING", (name,))
        except psycopg.errors.InsufficientPrivilege as error:
            raise HubError(f"the hub refused to add {name}: {str(error).strip()} (ask the database administrator)") from None


def connect_project(store: ProjectStore, url: str) -> hub_local.HubLink:
    """Link a project file to the hub as the URL's user; their work there becomes their layer."""
    url = check_url(url)
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        me = identity(conn)
        if not (me.lead or me.reviewer or me.analyst):
            raise HubError(f"{me.user} is not a member of this hub: the lead runs `annotator hub add-user {me.user} ...`")
    push_layers: list[tuple[str, LayerKind]] = [(me.user, LayerKind.ANNOTATOR)]
    if me.reviewer or me.lead:
        push_layers.append((GOLD, LayerKind.GOLD))
    return hub_local.link(store, url, me.user, me.role, push_layers)


def _corpus_rows(store: ProjectStore, skip: set[str]) -> Iterable[tuple]:
    batch: list[Any] = []

    def rows() -> Iterable[tuple]:
        tokens = store.tokens_of([d.id for d in batch])  # type: ignore[misc]
        for document in batch:
            yield (
                document.content_hash, document.text, document.title, document.date, document.source,
                json.dumps(dict(document.extra), ensure_ascii=False) if document.extra else None, tokens.get(document.id),  # type: ignore[arg-type]
            )

    for document in store.documents():
        if document.content_hash in skip:
            continue
        batch.append(document)
        if len(batch) == 500:
            yield from rows()
            batch = []
    if batch:
        yield from rows()


_CORPUS_COLUMNS = "content_hash, text, title, date, source, meta, tokens"


def push_corpus(store: ProjectStore, url: str, batch: int = 2000) -> int:
    """Upload the project's documents (and its label schema) to the hub; return how many were new.

    The documents the hub lacks go straight into its table with one ``COPY`` (their change
    stamps are column defaults, no trigger runs); when another lead uploads the same documents
    at the same moment, it is done again through a staging table that skips what is there."""
    from psycopg.types.json import Jsonb

    psycopg = driver()
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        schema = store.schema()
        if schema is not None:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value "
                "WHERE settings.value IS DISTINCT FROM EXCLUDED.value",
                (SCHEMA_SETTING, Jsonb(schema.to_dict())),
            )
        hashes = store.content_hashes()
        # A first upload (an empty hub) asks nothing more; otherwise the names travel as one JSON
        # text (psycopg's array encoding of 100,000 strings costs seconds).
        empty = bool(conn.execute("SELECT NOT EXISTS (SELECT 1 FROM documents)").fetchone()[0])
        held = set() if empty else {r[0] for r in conn.execute(
            "SELECT content_hash FROM documents WHERE content_hash IN (SELECT jsonb_array_elements_text(%s::jsonb))",
            (json.dumps(hashes),),
        )}
        if len(held) == len(hashes):
            return 0
        try:
            with conn.transaction():
                with conn.cursor().copy(f"COPY documents ({_CORPUS_COLUMNS}) FROM STDIN") as copy:
                    added = 0
                    for row in _corpus_rows(store, held):
                        copy.write_row(row)
                        added += 1
            return added
        except psycopg.errors.UniqueViolation:
            pass  # someone else added some of them meanwhile: the careful way below
        with conn.transaction():
            conn.execute(
                "CREATE TEMP TABLE incoming (content_hash text, text text, title text, date text, source text, "
                "meta jsonb, tokens bytea) ON COMMIT DROP"
            )
            with conn.cursor().copy("COPY incoming FROM STDIN") as copy:
                for row in _corpus_rows(store, held):
                    copy.write_row(row)
            return int(conn.execute(
                f"INSERT INTO documents ({_CORPUS_COLUMNS}) SELECT {_CORPUS_COLUMNS} FROM incoming "
                "ON CONFLICT (content_hash) DO NOTHING"
            ).rowcount)


@dataclass
class AssignReport:
    assigned: int
    reassigned: int
    documents: int
    analysts: int


def hub_analysts(conn: Any) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = %s AND m.rolcanlogin ORDER BY m.rolname",
            (ANALYST,),
        )
    ]


def plan(documents: Sequence[str], current: dict[str, set[str]], analysts: Sequence[str], per_document: int,
         load: dict[str, int], excluded: dict[str, set[str]] | None = None) -> list[tuple[str, str]]:
    """New ``(document, analyst)`` pairs so every document has ``per_document`` distinct analysts,
    always giving work to the least loaded analyst (ties by name), so loads differ by at most one.
    ``current``: who holds each document now; ``excluded``: who must not get it (gave it up)."""
    excluded = excluded or {}
    if per_document > len(analysts):
        raise HubError(f"each document needs {per_document} analysts but only {len(analysts)} are available")
    heap = [(load.get(a, 0), a) for a in analysts]
    heapq.heapify(heap)
    pairs = []
    for document in documents:
        have = current.get(document, set())
        need = per_document - len(have)
        have = have | excluded.get(document, set())
        taken, skipped = [], []
        while need > 0 and heap:
            count, analyst = heapq.heappop(heap)
            if analyst in have:
                skipped.append((count, analyst))
                continue
            taken.append((count + 1, analyst))
            pairs.append((document, analyst))
            need -= 1
        for item in taken + skipped:
            heapq.heappush(heap, item)
    return pairs


def assign(url: str, per_document: int, analysts: Iterable[str] | None = None,
           reassign_after_days: float | None = None) -> AssignReport:
    """Assign every document to ``per_document`` distinct analysts, balanced, in one transaction.

    With ``reassign_after_days`` (kept as a hub setting for later runs), work an analyst left
    unfinished and untouched that long is taken from them and given to someone else."""
    from psycopg.types.json import Jsonb

    if per_document < 1:
        raise HubError("--per-document must be at least 1")
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        with conn.transaction():
            names = sorted(set(analysts)) if analysts else hub_analysts(conn)
            for name in names:
                check_role_name(name)
            if reassign_after_days is not None:
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (REASSIGN_SETTING, Jsonb(reassign_after_days)),
                )
            row = conn.execute("SELECT value FROM settings WHERE key = %s", (REASSIGN_SETTING,)).fetchone()
            days = row[0] if row else None
            reassigned = 0
            if days is not None:
                # Abandoned: active, not done, and neither the assignment nor the analyst's status moved for `days`.
                reassigned = conn.execute(
                    "UPDATE assignments a SET active = false WHERE a.active AND a.changed_at < now() - make_interval(secs => %s) "
                    "AND NOT EXISTS (SELECT 1 FROM statuses s WHERE s.layer = a.analyst AND s.document = a.document "
                    "AND (s.status = 'done' OR s.changed_at >= now() - make_interval(secs => %s)))",
                    (float(days) * 86400, float(days) * 86400),
                ).rowcount
            total = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
            # Only documents short of analysts are read back (a re-run at 100,000 documents used to
            # fetch every document and assignment: 3.7 s); plan() leaves the others untouched anyway.
            documents = [r[0] for r in conn.execute(
                "SELECT d.content_hash FROM documents d LEFT JOIN assignments a ON a.document = d.content_hash AND a.active "
                "GROUP BY d.content_hash, d.seq HAVING count(a.analyst) < %s ORDER BY d.seq, d.content_hash",
                (per_document,),
            )]
            load: dict[str, int] = dict(conn.execute(
                "SELECT analyst, count(*) FROM assignments WHERE active GROUP BY analyst"
            ).fetchall())
            current: dict[str, set[str]] = {}
            everyone: dict[str, set[str]] = {}
            if documents:
                rows = conn.execute(
                    "SELECT document, analyst, active FROM assignments "
                    "WHERE document IN (SELECT jsonb_array_elements_text(%s::jsonb))",
                    (json.dumps(documents),),
                )
                for document, analyst, active in rows:
                    everyone.setdefault(document, set()).add(analyst)  # an analyst who abandoned it does not get it back
                    if active:
                        current.setdefault(document, set()).add(analyst)
            pairs = plan(documents, current, names, per_document, load, everyone)
            given = Counter(document for document, _ in pairs)
            short = [d for d in documents if len(current.get(d, set())) + given[d] < per_document]
            if short:
                raise HubError(
                    f"{len(short)} document(s) cannot get {per_document} distinct analysts "
                    "(too few analysts who have not already had them)"
                )
            with conn.cursor().copy("COPY assignments (document, analyst) FROM STDIN") as copy:
                for pair in pairs:
                    copy.write_row(pair)
    return AssignReport(len(pairs), reassigned, total, len(names))


@dataclass(frozen=True)
class AnalystProgress:
    analyst: str
    assigned: int
    done: int
    annotations: int


def progress(url: str) -> list[AnalystProgress]:
    """Per analyst: documents assigned now, how many of them they marked done, annotations made."""
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        rows = conn.execute(
            "SELECT a.analyst, count(*), count(s.status) FILTER (WHERE s.status = 'done'), "
            "(SELECT count(*) FROM spans x WHERE x.layer = a.analyst AND NOT x.deleted) + "
            "(SELECT count(*) FROM events x WHERE x.layer = a.analyst AND NOT x.deleted) "
            "FROM assignments a LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document "
            "WHERE a.active GROUP BY a.analyst ORDER BY a.analyst"
        ).fetchall()
    return [AnalystProgress(*row) for row in rows]
