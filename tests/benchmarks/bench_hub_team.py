"""Benchmark: the lead's whole-team views on a hub of N documents x 50 analysts, beside raw SQL.

The hub is filled in SQL (documents, 2 analysts per document by ``assign``, a status for every
assignment, half of them done), on a server this script starts as ``bench_hub.py`` does. Each
view runs alternately with a raw psycopg baseline doing the same reading work on the same tables
(plain ``SELECT ... GROUP BY`` without the app's code), ``--runs`` times; medians with min-max,
the ratio and the load average are printed.

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
    "Team window": "SELECT d.content_hash, d.title, count(a.analyst), count(a.analyst) FILTER (WHERE s.status = 'done') "
    "FROM documents d LEFT JOIN assignments a ON a.document = d.content_hash AND a.active "
    "LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document GROUP BY d.content_hash, d.title",
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
        from annotator.hub.team import team_progress

        for n in args.documents:
            database = server.create_database(f"team{n}")
            first = fill(server, database, n, analysts)
            url = server.url("lead", database)
            print(f"{n:,} documents, {args.analysts} analysts, {2 * n:,} assignments; first assign {first:.2f} s "
                  f"(load {os.getloadavg()[0]:.1f})")
            views = {
                "assign (nothing new)": lambda: assign(url, 2, analysts),
                "hub progress": lambda: progress(url),
                "Team window": lambda: team_progress(url),
            }
            for label, call in views.items():
                app, raw = [], []
                for _ in range(args.runs):
                    t = time.perf_counter(); call(); app.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    with psycopg.connect(url) as conn:
                        conn.execute(RAW[label]).fetchall()
                    raw.append(time.perf_counter() - t)
                print(f"  {label:22} app {_stats(app)} s; raw SQL {_stats(raw)} s; ratio app/raw "
                      f"{statistics.median(app) / statistics.median(raw):.2f}; load {os.getloadavg()[0]:.1f}")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
