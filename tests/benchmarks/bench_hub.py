"""Benchmark: the team hub on a local PostgreSQL server, each figure beside raw psycopg.

Phases, on a server this script starts in a temporary folder (Debian's binaries, as the tests):

1. corpus (``hub_corpus.py``): ``push_corpus`` of N documents (default 100,000) into a fresh hub,
   against a raw ``COPY`` of the same rows into a table of the hub's shape; alternated, ``--runs``
   times each.
2. assignment of every document to 2 of the analysts; each analyst's project connects and pulls
   its documents (processes in parallel); timed once.
3. unchanged sync: a sync with nothing to send or fetch, on a kept connection (the window) and a
   fresh one (the command line), for the lead's project (all N documents) and an analyst's
   (2N/analysts), against a raw ``SELECT 1`` round trip. Goal: under 50 ms whatever the size.
4. latency at the window's real settings (``hub_latency.py``): ``--analysts`` processes each make
   ``--latency-edits`` edits, one every ``--pace`` seconds on average, syncing as the window does.
5. throughput (``hub_throughput.py``): processes make ``--edits`` edits offline, then all sync at
   once (push, then pull), against each process writing the same rows with psycopg in one
   transaction; alternated, ``--runs`` times each; for one client alone and for all of them.
6. the lead's views with a status for every assignment: assignment, ``hub progress``, the Team
   window's two queries (with EXPLAIN ANALYZE); ``bench_hub_team.py`` times them against raw SQL.

    python tests/benchmarks/bench_hub.py [--documents 100000] [--analysts 50] [--edits 500] [--runs 5]
                                         [--skip-latency] [--corpus-only] [--throughput-only]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hub_common import (  # noqa: E402
    PgServer,
    _analysts,
    _password,
    _stats,
    add_people,
    build_lead,
    connect_worker,
    hub_server,
    load,
    statuses_for_every_assignment,
)
from hub_corpus import run_corpus  # noqa: E402
from hub_latency import run_latency  # noqa: E402
from hub_throughput import make_raw_tables, run_throughput  # noqa: E402

__all__ = ["_analysts", "_password", "_stats", "statuses_for_every_assignment"]  # bench_hub_team.py uses them


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--analysts", type=int, default=50)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pace", type=float, default=2.0, help="seconds between an analyst's edits (latency phase)")
    parser.add_argument("--latency-edits", type=int, default=20, help="edits per analyst in the latency phase")
    parser.add_argument("--skip-latency", action="store_true", help="leave out phase 4 (about a minute)")
    parser.add_argument("--corpus-only", action="store_true", help="phase 1 only (push-corpus against COPY)")
    parser.add_argument("--throughput-only", action="store_true",
                        help="phases 2 and 5 only (the corpus uploaded once, then throughput)")
    parser.add_argument("--port", type=int, default=None, help="default: a free one in 55500-55599")
    args = parser.parse_args()
    with hub_server(args.analysts, args.port) as (server, work):
        run(server, work, args, multiprocessing.get_context("spawn"))


def run(server: PgServer, work: Path, args: argparse.Namespace, context) -> None:
    from annotator.hub.admin import assign

    print(f"hub benchmark: {args.documents} documents, {args.analysts} analysts x {args.edits} edits, {args.runs} runs; "
          f"{load()}")
    lead = work / "lead.db"
    start = time.perf_counter()
    build_lead(lead, args.documents)
    print(f"built the lead's project in {time.perf_counter() - start:.1f} s")
    database = run_corpus(server, lead, 1 if args.throughput_only else args.runs, args.documents)  # 1. corpus
    if args.corpus_only:
        return
    everyone = _analysts(args.analysts)
    add_people(server, database, everyone)
    make_raw_tables(server, database)

    # 2. assignment and connecting
    start = time.perf_counter()
    report = assign(server.url("lead", database), 2, everyone)
    print(f"assign           {report.assigned:,} pairs in {time.perf_counter() - start:.1f} s")
    jobs = [(str(work / f"{u}.db"), server.url(u, database), u) for u in everyone]
    start = time.perf_counter()
    with context.Pool(min(args.analysts, 4)) as pool:
        pulls = pool.map(connect_worker, jobs)
    print(f"analysts connect and pull {2 * args.documents // args.analysts:,} documents each: {_stats(pulls)} s "
          f"({time.perf_counter() - start:.1f} s for all, 4 at a time)")
    if not args.throughput_only:
        unchanged_sync(server, database, lead, work, args.runs)  # 3.
        if not args.skip_latency:
            run_latency(work, args.analysts, args.latency_edits, args.pace, context)  # 4.
    run_throughput(server, database, work, args.analysts, args.edits, args.runs, context)  # 5.
    if not args.throughput_only:
        lead_views(server, database, everyone, args.runs)  # 6.


def unchanged_sync(server: PgServer, database: str, lead: Path, work: Path, runs: int) -> None:
    """A sync with nothing to move, for the lead (every document) and an analyst, beside ``SELECT 1``."""
    import psycopg

    from annotator.hub.admin import connect_project
    from annotator.hub.sync import Hub, sync, sync_project
    from annotator.store.project import ProjectStore

    with ProjectStore.open(lead) as store:
        connect_project(store, server.url("lead", database))
        start = time.perf_counter()
        sync_project(store)
        print(f"lead's first sync (checks {store.count_documents():,} documents it holds): {time.perf_counter() - start:.1f} s")
    for label, path in (("lead, all documents", lead), ("analyst a01", work / "a01.db")):
        with ProjectStore.open(path) as store:
            hub = Hub(store._db.execute("SELECT url FROM hub_link").fetchone()[0])
            raw = psycopg.connect(hub.url, autocommit=True)
            kept, fresh, bare = [], [], []
            for _ in range(max(runs, 5) * 4):
                t = time.perf_counter(); sync(hub, store); kept.append((time.perf_counter() - t) * 1000)  # noqa: E702
                t = time.perf_counter(); raw.execute("SELECT 1").fetchone(); bare.append((time.perf_counter() - t) * 1000)  # noqa: E702
                t = time.perf_counter(); sync_project(store); fresh.append((time.perf_counter() - t) * 1000)  # noqa: E702
            docs = store.count_documents()
            hub.close()
            raw.close()
        print(f"unchanged sync ({label}, {docs:,} documents): kept connection {_stats(kept)} ms; "
              f"new connection {_stats(fresh)} ms; raw SELECT 1 {_stats(bare)} ms; {load()}")


def lead_views(server: PgServer, database: str, everyone: list[str], runs: int) -> None:
    """Assignment (nothing new), progress and the Team window's queries with a status for every assignment."""
    from annotator.hub.admin import assign, progress
    from annotator.hub.team import _ANALYSTS, _DOCUMENTS, team_progress

    statuses_for_every_assignment(server, database)
    lead_url = server.url("lead", database)
    for label, call in (
        ("assign (nothing new)", lambda: assign(lead_url, 2, everyone)),
        ("hub progress", lambda: progress(lead_url)),
        ("Team window (both tables)", lambda: team_progress(lead_url)),
    ):
        times = []
        for _ in range(max(runs, 5)):
            t = time.perf_counter(); call(); times.append(time.perf_counter() - t)  # noqa: E702
        print(f"{label:26} {_stats(times)} s")
    with server.admin(database) as conn:
        for label, query in (("per analyst", _ANALYSTS), ("per document", _DOCUMENTS)):
            plan_ = [r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + query)]
            print(f"EXPLAIN ANALYZE Team window {label}: {plan_[-1].strip()}")
    print(f"lead's views: {load()}")


if __name__ == "__main__":
    main()
