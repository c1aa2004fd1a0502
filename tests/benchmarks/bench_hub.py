"""Benchmark: the team hub on a local PostgreSQL server, each figure beside raw psycopg.

Phases, on a server this script starts in a temporary folder (Debian's binaries, as the tests):

1. corpus: ``push_corpus`` of N documents (default 100,000) into a fresh hub, against a raw
   ``COPY`` of the same rows into a plain table; alternated, ``--runs`` times each.
2. assignment of every document to 2 of the analysts; each analyst's project connects and pulls
   its documents (processes in parallel); timed once.
3. unchanged sync: a sync with nothing to send or fetch, on a kept connection (the window) and a
   fresh one (the command line), for the lead's project (all N documents) and an analyst's
   (2N/analysts), against a raw ``SELECT 1`` round trip. Goal: under 50 ms whatever the size.
4. latency: ``--analysts`` processes (default 20) each make ``--edits`` edits (default 500) at
   20 per second, one transaction each, while a thread syncs every 0.25 s; an edit's latency is
   from its local commit to the end of the sync that delivered it. Raw: one ``INSERT`` and commit
   per edit at the same pace. Median and p99 over all edits (one run each: 10,000 samples).
5. throughput: every process makes its edits offline, then all sync at once; edits/s from the
   start to the last process done, against each process inserting the same rows with psycopg in
   one transaction; alternated, ``--runs`` times each.

    python tests/benchmarks/bench_hub.py [--documents 100000] [--analysts 20] [--edits 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
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

from annotator.formats.schema_toml import default_schema  # noqa: E402
from annotator.model.annotations import Span, SpanAnnotation  # noqa: E402
from annotator.model.changes import Change  # noqa: E402
from annotator.model.document import Document  # noqa: E402

SYNC_PAUSE = 0.25  # between two syncs of one analyst (the window waits 3 s): 20 busy loops would only fight for the CPU
WORDS = "officials met delegates from the region on monday to discuss the harbour project and its funding".split()


def _stats(values: list[float]) -> str:
    return f"median {statistics.median(values):.4g} (min {min(values):.4g}, max {max(values):.4g}, n={len(values)})"


def _password(user: str) -> str:
    return f"bench-{user}"


def _analysts(n: int) -> list[str]:
    return [f"a{i:02d}" for i in range(1, n + 1)]


def build_lead(path: Path, documents: int) -> None:
    from annotator.store.project import ProjectStore

    with ProjectStore.open(path) as store:
        store.set_schema(default_schema())
        with store.transaction():
            for i in range(documents):
                words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40))
                store.add_document(Document(f"Report {i}: {words}."), None)


def raw_copy(url: str, lead: Path) -> float:
    import psycopg

    from annotator.store.project import ProjectStore

    with psycopg.connect(url, autocommit=True) as conn, ProjectStore.open(lead) as store:
        conn.execute("DROP TABLE IF EXISTS raw_documents")
        conn.execute("CREATE TABLE raw_documents (content_hash text PRIMARY KEY, text text, title text, date text, source text)")
        start = time.perf_counter()
        with conn.transaction():
            with conn.cursor().copy("COPY raw_documents FROM STDIN") as copy:
                for d in store.documents():
                    copy.write_row((d.content_hash, d.text, d.title, d.date, d.source))
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


def _edit(store, layer_id: int, document_id: int, i: int) -> str:
    span = SpanAnnotation(Span(i % 30, i % 30 + 5, "ORG"))
    store.apply(layer_id, document_id, [Change(None, span)])
    return span.uid


def latency_worker(args: tuple[str, str, int, float]) -> tuple[list[float], list[tuple[float, float]]]:
    """Edits at a steady pace while a thread syncs continuously; latency of each edit, and the
    (push, pull) seconds of each sync."""
    from annotator.hub.sync import Hub, SyncReport, pull, push
    from annotator.store import hub_local
    from annotator.store.project import ProjectStore

    path, user, edits, pace = args
    edited: dict[str, float] = {}
    latencies: list[float] = []
    phases: list[tuple[float, float]] = []
    lock = threading.Lock()
    done = threading.Event()

    def syncing() -> None:
        with ProjectStore.open(path) as store:
            hub = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]
            while True:
                finished = done.is_set()
                started = time.time()
                report = SyncReport()
                push(hub, store, report)
                pushed = time.time()
                pull(hub, store, report)
                ended = time.time()
                phases.append((pushed - started, ended - pushed))
                with lock:
                    for uid, at in list(edited.items()):
                        if at < started:
                            latencies.append(ended - at)
                            del edited[uid]
                    if finished and not edited:
                        break
                time.sleep(SYNC_PAUSE)
            hub.close()

    thread = threading.Thread(target=syncing)
    thread.start()
    with ProjectStore.open(path) as store:
        layer = store.layer(user)
        documents = store.document_ids()
        for i in range(edits):
            uid = _edit(store, layer.id, documents[i % len(documents)], i)  # type: ignore[union-attr]
            with lock:
                edited[uid] = time.time()
            time.sleep(pace)
    done.set()
    thread.join()
    return latencies, phases


def raw_latency_worker(args: tuple[str, str, int, float]) -> list[float]:
    import psycopg
    from psycopg.types.json import Jsonb

    url, user, edits, pace = args
    latencies = []
    with psycopg.connect(url, autocommit=True) as conn:
        for i in range(edits):
            start = time.time()
            conn.execute(
                "INSERT INTO raw_spans (uid, layer, payload) VALUES (%s, %s, %s)",
                (f"{user}-{i}-{start}", user, Jsonb({"start_char": i % 30, "end_char": i % 30 + 5, "label": "ORG"})),
            )
            latencies.append(time.time() - start)
            time.sleep(pace)
    return latencies


def throughput_worker(args: tuple[str, str, int, object, str]) -> float:
    from annotator.store.project import ProjectStore

    path, user, edits, barrier, mode = args
    if mode == "app":
        from annotator.hub.sync import Hub, sync
        from annotator.store import hub_local

        with ProjectStore.open(path) as store:
            layer = store.layer(user)
            documents = store.document_ids()
            for i in range(edits):
                _edit(store, layer.id, documents[i % len(documents)], i)  # type: ignore[union-attr]
            hub = Hub(hub_local.get_link(store).url)  # connected before the start, like the raw side
            barrier.wait()  # type: ignore[attr-defined]
            sync(hub, store)
            hub.close()
    else:
        import psycopg
        from psycopg.types.json import Jsonb

        with psycopg.connect(path, autocommit=True) as conn:
            rows = [(f"{user}-{i}-{time.time()}", user, Jsonb({"start_char": i % 30, "end_char": i % 30 + 5, "label": "ORG"}))
                    for i in range(edits)]
            barrier.wait()  # type: ignore[attr-defined]
            with conn.transaction():
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO raw_spans (uid, layer, payload) VALUES (%s, %s, %s)", rows)
    return time.time()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--analysts", type=int, default=20)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
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
    database = f"hub{args.runs - 1}"
    admin_url = server.url(SUPERUSER, database)
    with server.admin() as conn:
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
    add_user(admin_url, "lead", "lead", _password("lead"))
    add_user(admin_url, "rev", "reviewer", _password("rev"))
    for user in _analysts(args.analysts):
        add_user(admin_url, user, "analyst", _password(user))
    with server.admin(database) as conn:
        conn.execute("CREATE TABLE raw_spans (uid text PRIMARY KEY, layer text, payload jsonb)")
        conn.execute("GRANT INSERT, SELECT ON raw_spans TO PUBLIC")

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
            hub = Hub(store.db.execute("SELECT url FROM hub_link").fetchone()[0])
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

    # 4. latency
    pace = 0.05
    jobs4 = [(str(work / f"{u}.db"), u, args.edits, pace) for u in _analysts(args.analysts)]
    start = time.perf_counter()
    with context.Pool(args.analysts) as pool:
        results = pool.map(latency_worker, jobs4)
    latencies = [x for chunk, _ in results for x in chunk]
    phases = [p for _, chunk in results for p in chunk]
    app_wall = time.perf_counter() - start
    print(f"  {len(phases)} syncs during the edits: push {_stats([p[0] * 1000 for p in phases])} ms, "
          f"pull {_stats([p[1] * 1000 for p in phases])} ms")
    raw_jobs = [(server.url(u, database), u, args.edits, pace) for u in _analysts(args.analysts)]
    with context.Pool(args.analysts) as pool:
        raw_latencies = [x for chunk in pool.map(raw_latency_worker, raw_jobs) for x in chunk]

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    print(f"edit-to-hub latency ({len(latencies):,} edits, {args.analysts} analysts at {1 / pace:.0f} edits/s each, "
          f"{app_wall:.0f} s): median {pct(latencies, 0.5):.1f} ms, p99 {pct(latencies, 0.99):.1f} ms; "
          f"raw INSERT+commit per edit: median {pct(raw_latencies, 0.5):.2f} ms, p99 {pct(raw_latencies, 0.99):.2f} ms")

    # 5. throughput
    app_rates, raw_rates = [], []
    total = args.analysts * args.edits
    for _ in range(args.runs):
        for mode in ("app", "raw"):
            barrier = context.Manager().Barrier(args.analysts + 1)
            target = [
                (str(work / f"{u}.db") if mode == "app" else server.url(u, database), u, args.edits, barrier, mode)
                for u in _analysts(args.analysts)
            ]
            with context.Pool(args.analysts) as pool:
                result = pool.map_async(throughput_worker, target)
                barrier.wait()
                start = time.time()
                ends = result.get()
            (app_rates if mode == "app" else raw_rates).append(total / (max(ends) - start))
    print(f"throughput ({total:,} edits from {args.analysts} processes at once): app {_stats(app_rates)} edits/s; "
          f"raw executemany {_stats(raw_rates)} edits/s; ratio app/raw {statistics.median(app_rates) / statistics.median(raw_rates):.2f}")


if __name__ == "__main__":
    main()
