"""Benchmark: the lead's whole-team views on a hub of N documents x 50 analysts, beside raw SQL.

The hub is filled in SQL (documents, 2 analysts per document by ``assign``, a status for every
assignment, half of them done), on a server this script starts as ``bench_hub.py`` does. Each
view runs alternately with a raw psycopg baseline doing the same reading work on the same tables,
``--runs`` times; medians with min-max, the ratio and the load average are printed.

Baselines: for ``assign`` and ``hub progress``, plain ``SELECT ... GROUP BY`` written by hand.
For the Team window (opening it: the analysts, the corpus's figures and the first page of 200
documents; and a filtered page: in progress, least done first, the second page; and the last page
of all documents in upload order), a new psycopg connection runs the same statements in the same
kind of transaction (REPEATABLE READ READ ONLY, the same ``work_mem``) and fetches the rows, so the
ratio is what the app adds on top of PostgreSQL's work (its version check, rows into objects).
For reference, the raw SQL of what the window read before it paged (every document's counts,
shipped to the client) is timed too.

    python tests/benchmarks/bench_hub_team.py [--documents 20000 100000] [--analysts 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "hub"))
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))

from bench_hub import _analysts, _password, _stats, statuses_for_every_assignment  # noqa: E402
from pg_server import SUPERPASSWORD, SUPERUSER, PgServer, server_binaries  # noqa: E402

RAW = {
    "assign (nothing new)": "SELECT d.content_hash FROM documents d LEFT JOIN assignments a ON a.document = d.content_hash "
    "AND a.active GROUP BY d.content_hash HAVING count(a.analyst) < 2",
    "hub progress": "SELECT a.analyst, count(*), count(s.status) FILTER (WHERE s.status = 'done') FROM assignments a "
    "LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document WHERE a.active GROUP BY a.analyst",
}
# What the Team window read before it paged: every document's counts (reference only).
EVERY_DOCUMENT = (
    "SELECT d.content_hash, d.title, count(a.analyst), count(a.analyst) FILTER (WHERE s.status = 'done') "
    "FROM documents d LEFT JOIN assignments a ON a.document = d.content_hash AND a.active "
    "LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document GROUP BY d.content_hash, d.title"
)


def raw_read(url: str, statements: list[tuple[str, dict | None]], lead_read: bool) -> None:
    """The statements on a new plain psycopg connection, in one transaction (like the Team window's if ``lead_read``)."""
    import psycopg

    from annotator.hub.team_documents import WORK_MEM

    with psycopg.connect(url) as conn:
        if lead_read:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        for sql, params in statements:
            conn.execute(sql, params).fetchall()


def team_views(url: str, documents: int) -> dict:
    """The Team window's reads: label -> (app call, raw statements)."""
    from annotator.hub.team import _TEAM, team_progress
    from annotator.hub.team_documents import PAGE_SIZE, DocumentFilter, DocumentSort, document_page, page_statements

    def statements(which: DocumentFilter, order: DocumentSort, offset: int) -> list[tuple[str, dict | None]]:
        params = {"limit": PAGE_SIZE, "offset": offset}
        return [(sql, params if "%(limit)s" in sql else None) for sql in page_statements(which, order)]

    last = (documents - 1) // PAGE_SIZE * PAGE_SIZE
    all_, upload = DocumentFilter.ALL, DocumentSort.UPLOAD
    progress_, ratio = DocumentFilter.IN_PROGRESS, DocumentSort.DONE_RATIO
    return {
        # Opening reads the figures with the analysts (one statement), then the first page alone.
        "Team window open": (lambda: team_progress(url), [(_TEAM, None), statements(all_, upload, 0)[-1]]),
        "in progress, page 2": (lambda: document_page(url, progress_, ratio, PAGE_SIZE),
                                statements(progress_, ratio, PAGE_SIZE)),
        "all, last page": (lambda: document_page(url, all_, upload, last), statements(all_, upload, last)),
    }


def fill(server: PgServer, database: str, documents: int, analysts: list[str]) -> float:
    from annotator.hub.admin import add_user, assign, init_hub

    admin_url = server.url(SUPERUSER, database)
    init_hub(admin_url)
    with server.admin(database) as conn:
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
        conn.execute(
            "INSERT INTO documents (content_hash, text, title) SELECT md5(i::text), 'Report ' || i || ': officials met.', "
            "'Report ' || i FROM generate_series(1, %s) i", (documents,),
        )
    add_user(admin_url, "lead", "lead", _password("lead"))
    for user in analysts:
        add_user(admin_url, user, "analyst", _password(user))
    start = time.perf_counter()
    assign(server.url("lead", database), 2, analysts)
    first = time.perf_counter() - start
    statuses_for_every_assignment(server, database)
    return first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--analysts", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binaries = server_binaries()
    if binaries is None:
        sys.exit("no PostgreSQL server binaries: apt-get install -y postgresql")
    work = Path(tempfile.mkdtemp(prefix="annotator-bench-team-"))
    analysts = _analysts(args.analysts)
    passfile = work / "pgpass"
    passfile.write_text("".join(f"*:*:*:{u}:{_password(u)}\n" for u in ["lead", *analysts])
                        + f"*:*:*:{SUPERUSER}:{SUPERPASSWORD}\n")
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    server = PgServer(binaries)
    server.start()
    try:
        import psycopg

        from annotator.hub.admin import assign, progress

        for n in args.documents:
            database = server.create_database(f"team{n}")
            first = fill(server, database, n, analysts)
            url = server.url("lead", database)
            print(f"{n:,} documents, {args.analysts} analysts, {2 * n:,} assignments; first assign {first:.2f} s "
                  f"(load {os.getloadavg()[0]:.1f})")
            team = team_views(url, n)
            views = {
                "assign (nothing new)": (lambda: assign(url, 2, analysts), [(RAW["assign (nothing new)"], None)]),
                "hub progress": (lambda: progress(url), [(RAW["hub progress"], None)]),
                **team,
            }
            for label, (call, statements) in views.items():
                app, raw = [], []
                loads = [os.getloadavg()[0]]
                for _ in range(args.runs):
                    t = time.perf_counter(); call(); app.append(time.perf_counter() - t)
                    t = time.perf_counter(); raw_read(url, statements, label in team); raw.append(time.perf_counter() - t)
                    loads.append(os.getloadavg()[0])
                print(f"  {label:22} app {_stats(app)} s; raw SQL {_stats(raw)} s; ratio app/raw "
                      f"{statistics.median(app) / statistics.median(raw):.2f}; load {min(loads):.1f}-{max(loads):.1f}")
            before = []
            for _ in range(args.runs):
                t = time.perf_counter()
                with psycopg.connect(url) as conn:
                    conn.execute(EVERY_DOCUMENT).fetchall()
                before.append(time.perf_counter() - t)
            print(f"  (before paging, the window read every document: raw SQL {_stats(before)} s; "
                  f"load {os.getloadavg()[0]:.1f})")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
