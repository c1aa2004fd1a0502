"""Benchmark: the team hub on a local PostgreSQL server, each figure beside raw psycopg.

Phases, on a server this script starts in a temporary folder (Debian's binaries, as the tests):

1. corpus: ``push_corpus`` of N documents (default 100,000) into a fresh hub, against a raw
   ``COPY`` of the same rows into a plain table; alternated, ``--runs`` times each.
2. assignment of every document to 2 of the analysts; each analyst's project connects and pulls
   its documents (processes in parallel); timed once.
3. unchanged sync: a sync with nothing to send or fetch, on a kept connection (the window) and a
   fresh one (the command line), for the lead's project (all N documents) and an analyst's
   (2N/analysts), against a raw ``SELECT 1`` round trip. Goal: under 50 ms whatever the size.
4. latency at the window's real settings (``PUSH_DELAY`` after the last edit, a sync every
   ``SYNC_INTERVAL``): ``--analysts`` processes each make ``--latency-edits`` edits, one every
   ``--pace`` seconds on average; an edit's latency runs from its local commit to the end of the
   colleague's sync that brought it into the colleague's file (each document has two analysts).
5. throughput: processes make ``--edits`` edits offline, then all sync at once (push, then
   pull); edits/s from the start to the last process done, against each process inserting the
   same rows with psycopg ``executemany`` in one transaction; alternated, ``--runs`` times each;
   for one client alone and for all of them.
6. the lead's views with a status for every assignment: assignment, ``hub progress``, the Team
   window's two queries (with EXPLAIN ANALYZE).

    python tests/benchmarks/bench_hub.py [--documents 100000] [--analysts 50] [--edits 500] [--runs 5]
                                         [--skip-latency] [--corpus-only]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "hub"))

from pg_server import SUPERPASSWORD, SUPERUSER, PgServer, server_binaries  # noqa: E402

from annotator.app.bundled import default_schema  # noqa: E402
from annotator.model.annotations import Span, SpanAnnotation  # noqa: E402
from annotator.model.changes import Change  # noqa: E402
from annotator.model.document import Document  # noqa: E402

WORDS = "officials met delegates from the region on monday to discuss the harbour project and its funding".split()


def _stats(values: list[float]) -> str:
    return f"median {statistics.median(values):.4g} (min {min(values):.4g}, max {max(values):.4g}, n={len(values)})"


def _password(user: str) -> str:
    return f"bench-{user}"


def _analysts(n: int) -> list[str]:
    return [f"a{i:02d}" for i in range(1, n + 1)]


def statuses_for_every_assignment(server, database: str) -> None:
    """A status for every assignment, half of them done (the lead's views then count them all)."""
    with server.admin(database) as conn:
        conn.execute(
            "INSERT INTO statuses (layer, document, status, created_at, updated_at) "
            "SELECT analyst, document, CASE WHEN hashtext(document) % 2 = 0 THEN 'done' ELSE 'in_progress' END, 'x', 'x' "
            "FROM assignments ON CONFLICT DO NOTHING"
        )
        conn.execute("ANALYZE")


def build_lead(path: Path, documents: int) -> None:
    from annotator.store.project import ProjectStore

    with ProjectStore.open(path) as store:
        store.set_schema(default_schema())
        with store.transaction():
            for i in range(documents):
                words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40))
                store.add_document(Document(f"Report {i}: {words}."), None)


def raw_copy(url: str, lead: Path) -> float:
    """The same rows (every column push-corpus sends, tokens included) COPYed into a plain table."""
    import psycopg

    from annotator.hub.admin import _corpus_rows
    from annotator.store.project import ProjectStore

    with psycopg.connect(url, autocommit=True) as conn, ProjectStore.open(lead) as store:
        conn.execute("DROP TABLE IF EXISTS raw_documents")
        conn.execute("CREATE TABLE raw_documents (content_hash text PRIMARY KEY, text text, title text, date text, "
                     "source text, meta jsonb, tokens bytea)")
        start = time.perf_counter()
        with conn.transaction():
            with conn.cursor().copy("COPY raw_documents FROM STDIN") as copy:
                for row in _corpus_rows(store, set()):
                    copy.write_row(row)
        return time.perf_counter() - start


# -- workers (separate processes) -----------------------------------------------------------------


def connect_worker(args: tuple[str, str, str]) -> float:
    from annotator.hub.admin import connect_project
    from annotator.hub.sync import sync_project
    from annotator.store.project import ProjectStore

    path, url, _user = args
    start = time.perf_counter()
    with ProjectStore.open(path) as store:
        connect_project(store, url)
        sync_project(store)
    return time.perf_counter() - start


def _made(store, layer_id: int) -> int:
    """How many spans the layer holds: numbers new edits so no run repeats an earlier span (refused)."""
    return int(store._db.execute("SELECT count(*) FROM spans WHERE layer_id = ?", (layer_id,)).fetchone()[0])


def _edit(store, layer_id: int, document_id: int, i: int, made: int = 0) -> str:
    start = (made + i) % 241  # texts are longer than 250 characters
    span = SpanAnnotation(Span(start, start + 3, "ORG"))
    store.apply(layer_id, document_id, [Change(None, span)])
    return span.uid


def latency_worker(args: tuple[str, str, int, float]) -> tuple[dict[str, float], dict[str, float], int]:
    """An analyst's window at its real settings: an edit every ``pace`` seconds; a sync
    PUSH_DELAY after the last edit and every SYNC_INTERVAL. Returns when each own edit was
    committed, when each colleague's edit arrived in this file, and the number of syncs."""
    from annotator.hub.sync import PUSH_DELAY, SYNC_INTERVAL, Hub, sync
    from annotator.store import hub_local
    from annotator.store.project import ProjectStore

    path, user, edits, pace = args
    edited: dict[str, float] = {}
    arrived: dict[str, float] = {}
    wake = threading.Event()
    done = threading.Event()
    last_edit = [0.0]
    syncs = [0]

    def syncing() -> None:  # the window's two timers, on the window's worker thread
        with ProjectStore.open(path) as store:
            hub = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]
            own = store.layer(user).id  # type: ignore[union-attr]
            seen = int(store._db.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0])
            next_tick = time.time() + SYNC_INTERVAL
            stop_at = None
            while True:
                now = time.time()
                due = min(next_tick, last_edit[0] + PUSH_DELAY if wake.is_set() else next_tick)
                if now < due:
                    time.sleep(min(due - now, 0.05))
                    continue
                if wake.is_set() and now >= last_edit[0] + PUSH_DELAY:
                    wake.clear()
                if now >= next_tick:
                    next_tick = now + SYNC_INTERVAL
                sync(hub, store)
                syncs[0] += 1
                ended = time.time()
                for (uid, row_id) in store._db.execute(
                    "SELECT uid, id FROM spans WHERE id > ? AND layer_id != ?", (seen, own)
                ).fetchall():
                    arrived.setdefault(uid, ended)
                seen = int(store._db.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0])
                if done.is_set():
                    stop_at = stop_at or ended + 2 * SYNC_INTERVAL + 1  # colleagues' last edits
                    if ended > stop_at:
                        break
            hub.close()

    thread = threading.Thread(target=syncing)
    thread.start()
    with ProjectStore.open(path) as store:
        layer = store.layer(user)
        documents = store.document_ids()
        made = _made(store, layer.id)  # type: ignore[union-attr]
        for i in range(edits):
            time.sleep(pace * (0.5 + random.random()))
            uid = _edit(store, layer.id, documents[i % 50], i, made)  # type: ignore[union-attr]
            edited[uid] = last_edit[0] = time.time()
            wake.set()
    done.set()
    thread.join()
    return edited, arrived, syncs[0]


def throughput_worker(args: tuple[str, str, str, int, object, str]) -> float:
    """One analyst: ``app`` syncs the edits made offline (push, then pull); ``raw`` writes the
    same rows with psycopg alone into tables of the hub's shape: the span rows of the analyst's
    last ``edits`` edits (same columns, same payloads, fresh uids) and the status of each document
    they touch (an upsert that, like the hub's, writes only what changed)."""
    from annotator.store.project import ProjectStore

    path, url, user, edits, barrier, mode = args
    if mode == "app":
        from annotator.hub.sync import Hub, sync
        from annotator.store import hub_local

        with ProjectStore.open(path) as store:
            layer = store.layer(user)
            documents = store.document_ids()
            made = _made(store, layer.id)  # type: ignore[union-attr]
            for i in range(edits):
                _edit(store, layer.id, documents[i % len(documents)], i, made)  # type: ignore[union-attr]
            hub = Hub(hub_local.get_link(store).url)  # connected before the start, like the raw side
            barrier.wait()  # type: ignore[attr-defined]
            sync(hub, store)
            hub.close()
    else:
        import psycopg
        from psycopg.types.json import Jsonb

        from annotator.store import hub_local

        with ProjectStore.open(path) as store:
            layer = store.layer(user)
            client = hub_local.get_link(store).client_id  # type: ignore[union-attr]
            made = store._db.execute(
                "SELECT s.uid, d.content_hash FROM spans s JOIN documents d ON d.id = s.document_id "
                "WHERE s.layer_id = ? ORDER BY s.id DESC LIMIT ?", (layer.id, edits),  # type: ignore[union-attr]
            ).fetchall()
            stamp = f"raw{time.time()}-"
            spans = [(stamp + uid, user, document, Jsonb(hub_local._payload(store, hub_local.LOCAL_KINDS["span"], uid)),
                      client) for uid, document in made]
            statuses = [(user, document, "in_progress", "x", "x", client) for document in sorted({d for _, d in made})]
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()  # type: ignore[attr-defined]
            with conn.transaction():
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO raw_spans (uid, layer, document, payload, client) VALUES (%s, %s, %s, %s, %s)",
                                    spans)
                    cur.executemany(
                        "INSERT INTO raw_statuses AS t (layer, document, status, created_at, updated_at, client) "
                        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (layer, document) DO UPDATE SET status = EXCLUDED.status "
                        "WHERE t.status IS DISTINCT FROM EXCLUDED.status", statuses)
    return time.time()


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
    parser.add_argument("--port", type=int, default=None, help="default: a free one in 55500-55599")
    args = parser.parse_args()
    binaries = server_binaries()
    if binaries is None:
        sys.exit("no PostgreSQL server binaries: apt-get install -y postgresql")
    work = Path(tempfile.mkdtemp(prefix="annotator-bench-hub-"))
    passfile = work / "pgpass"
    users = ["lead", "rev", *_analysts(args.analysts)]
    passfile.write_text("".join(f"*:*:*:{u}:{_password(u)}\n" for u in users) + f"*:*:*:{SUPERUSER}:{SUPERPASSWORD}\n")
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    server = PgServer(binaries, args.port)
    server.start()
    context = multiprocessing.get_context("spawn")
    try:
        run(server, work, args, context)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(server: PgServer, work: Path, args: argparse.Namespace, context) -> None:
    from annotator.hub.admin import add_user, assign, init_hub, push_corpus
    from annotator.hub.sync import Hub, sync, sync_project
    from annotator.store.project import ProjectStore

    print(f"hub benchmark: {args.documents} documents, {args.analysts} analysts x {args.edits} edits, {args.runs} runs")
    lead = work / "lead.db"
    start = time.perf_counter()
    build_lead(lead, args.documents)
    print(f"built the lead's project in {time.perf_counter() - start:.1f} s")

    # 1. corpus
    app_times, raw_times = [], []
    for i in range(args.runs):
        raw_times.append(raw_copy(server.url(SUPERUSER, server.create_database("raw")), lead))
        name = server.create_database(f"hub{i}")
        url = server.url(SUPERUSER, name)
        init_hub(url)
        with ProjectStore.open(lead) as store:
            start = time.perf_counter()
            push_corpus(store, url)
            app_times.append(time.perf_counter() - start)
        if i < args.runs - 1:
            with server.admin() as conn:
                conn.execute(f"DROP DATABASE hub{i}")
    n = args.documents
    print(f"push-corpus      app {_stats(app_times)} s = {n / statistics.median(app_times):,.0f} documents/s")
    print(f"                 raw COPY {_stats(raw_times)} s = {n / statistics.median(raw_times):,.0f} documents/s; "
          f"ratio raw/app {statistics.median(raw_times) / statistics.median(app_times):.2f}")
    if args.corpus_only:
        return
    database = f"hub{args.runs - 1}"
    admin_url = server.url(SUPERUSER, database)
    with server.admin() as conn:
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
    add_user(admin_url, "lead", "lead", _password("lead"))
    add_user(admin_url, "rev", "reviewer", _password("rev"))
    for user in _analysts(args.analysts):
        add_user(admin_url, user, "analyst", _password(user))
    with server.admin(database) as conn:
        # The raw side writes into tables of the hub's shape: same columns, defaults, generated
        # columns, indexes and foreign keys (no row-level security: that is the hub's cost).
        for table in ("spans", "statuses"):
            conn.execute(f"CREATE TABLE raw_{table} (LIKE {table} INCLUDING ALL)")
            conn.execute(f"ALTER TABLE raw_{table} ADD FOREIGN KEY (layer) REFERENCES layers(name), "
                         "ADD FOREIGN KEY (document) REFERENCES documents(content_hash)")
            conn.execute(f"GRANT INSERT, SELECT, UPDATE ON raw_{table} TO PUBLIC")

    # 2. assignment and connecting
    start = time.perf_counter()
    report = assign(server.url("lead", database), 2, _analysts(args.analysts))
    print(f"assign           {report.assigned:,} pairs in {time.perf_counter() - start:.1f} s")
    jobs = [(str(work / f"{u}.db"), server.url(u, database), u) for u in _analysts(args.analysts)]
    start = time.perf_counter()
    with context.Pool(min(args.analysts, 4)) as pool:
        pulls = pool.map(connect_worker, jobs)
    print(f"analysts connect and pull {2 * n // args.analysts:,} documents each: {_stats(pulls)} s "
          f"({time.perf_counter() - start:.1f} s for all, 4 at a time)")
    with ProjectStore.open(lead) as store:
        from annotator.hub.admin import connect_project

        connect_project(store, server.url("lead", database))
        start = time.perf_counter()
        sync_project(store)
        print(f"lead's first sync (checks {n:,} documents it holds): {time.perf_counter() - start:.1f} s")

    # 3. unchanged sync
    import psycopg

    for label, path in (("lead, all documents", lead), ("analyst a01", work / "a01.db")):
        with ProjectStore.open(path) as store:
            hub = Hub(store._db.execute("SELECT url FROM hub_link").fetchone()[0])
            raw = psycopg.connect(hub.url, autocommit=True)
            kept, fresh, bare = [], [], []
            for _ in range(max(args.runs, 5) * 4):
                t = time.perf_counter(); sync(hub, store); kept.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter(); raw.execute("SELECT 1").fetchone(); bare.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter(); sync_project(store); fresh.append((time.perf_counter() - t) * 1000)
            docs = store.count_documents()
            hub.close(); raw.close()
        print(f"unchanged sync ({label}, {docs:,} documents): kept connection {_stats(kept)} ms; "
              f"new connection {_stats(fresh)} ms; raw SELECT 1 {_stats(bare)} ms")

    # 4. latency at the window's settings: edit -> colleague's file
    if not args.skip_latency:
        from annotator.hub.sync import PUSH_DELAY, SYNC_INTERVAL

        pace = args.pace
        count = args.latency_edits
        jobs4 = [(str(work / f"{u}.db"), u, count, pace) for u in _analysts(args.analysts)]
        start = time.perf_counter()
        with context.Pool(args.analysts) as pool:
            results = pool.map(latency_worker, jobs4)
        wall = time.perf_counter() - start
        edited = {uid: at for own, _, _ in results for uid, at in own.items()}
        seen = [at - edited[uid] for _, arrived, _ in results for uid, at in arrived.items() if uid in edited]
        syncs = sum(n for *_, n in results)

        def pct(values: list[float], q: float) -> float:
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

        print(f"edit-to-colleague latency (window settings: push {PUSH_DELAY:g} s after the last edit, sync every "
              f"{SYNC_INTERVAL:g} s; {args.analysts} analysts, an edit every {pace:g} s on average each, {len(seen):,} of "
              f"{len(edited):,} edits seen by the colleague sharing the document, {syncs:,} syncs, {wall:.0f} s): "
              f"median {pct(seen, 0.5):.0f} ms, p90 {pct(seen, 0.9):.0f} ms, p99 {pct(seen, 0.99):.0f} ms")

    # 5. throughput: everyone at once, and one client alone, each against raw psycopg writing the same rows
    def rates(analysts: list[str]) -> tuple[list[float], list[float]]:
        app_rates, raw_rates = [], []
        total = len(analysts) * args.edits
        for _ in range(args.runs):
            for mode in ("app", "raw"):
                barrier = context.Manager().Barrier(len(analysts) + 1)
                target = [(str(work / f"{u}.db"), server.url(u, database), u, args.edits, barrier, mode) for u in analysts]
                with context.Pool(len(analysts)) as pool:
                    result = pool.map_async(throughput_worker, target)
                    try:
                        barrier.wait(timeout=60)
                    except threading.BrokenBarrierError:
                        result.get(timeout=10)  # a worker failed before the start: its error
                        raise
                    start = time.time()
                    ends = result.get()
                (app_rates if mode == "app" else raw_rates).append(total / (max(ends) - start))
        return app_rates, raw_rates

    everyone = _analysts(args.analysts)
    one_app, one_raw = rates(everyone[:1])
    all_app, all_raw = rates(everyone)
    print(f"throughput, one client alone ({args.edits} edits): app {_stats(one_app)} edits/s; raw executemany "
          f"{_stats(one_raw)} edits/s; ratio app/raw {statistics.median(one_app) / statistics.median(one_raw):.2f}")
    print(f"throughput ({len(everyone) * args.edits:,} edits from {len(everyone)} processes at once, each pushing then "
          f"pulling): app {_stats(all_app)} edits/s; raw executemany {_stats(all_raw)} edits/s; ratio app/raw "
          f"{statistics.median(all_app) / statistics.median(all_raw):.2f}; "
          f"{statistics.median(all_app) / statistics.median(one_app):.1f}x one client alone")

    # 6. the lead's views over the whole team: statuses for every assignment (half done), then
    # assignment (a second run: nothing new), progress and the Team window's two queries.
    statuses_for_every_assignment(server, database)
    from annotator.hub.admin import progress
    from annotator.hub.team import _ANALYSTS, _DOCUMENTS, team_progress

    lead_url = server.url("lead", database)
    for label, call in (
        ("assign (nothing new)", lambda: assign(lead_url, 2, everyone)),
        ("hub progress", lambda: progress(lead_url)),
        ("Team window (both tables)", lambda: team_progress(lead_url)),
    ):
        times = []
        for _ in range(max(args.runs, 5)):
            t = time.perf_counter(); call(); times.append(time.perf_counter() - t)
        print(f"{label:26} {_stats(times)} s")
    with server.admin(database) as conn:
        for label, query in (("per analyst", _ANALYSTS), ("per document", _DOCUMENTS)):
            plan_ = [r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + query)]
            print(f"EXPLAIN ANALYZE Team window {label}: {plan_[-1].strip()}")


if __name__ == "__main__":
    main()
