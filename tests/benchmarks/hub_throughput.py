"""Throughput of analysts syncing at once, against raw psycopg writing the same rows (phase 5
of ``bench_hub.py``).

Each process makes ``edits`` edits offline (a new span each, which also marks its document in
progress), then all start together (a barrier) and sync: push, then pull. Edits per second run
from the start to the last process done. The raw side, alternated with the app, has each process
write the same rows with plain psycopg in one transaction, into tables of the hub's shape (``LIKE
spans/statuses INCLUDING ALL`` plus the same foreign keys; no row-level security, no change
stamps on update, no pull): the span rows of its last ``edits`` edits (same payloads, fresh
uids) with ``executemany`` (psycopg pipelines it), and each touched document's status as the
project holds it (status, created and updated times) with the hub's upsert that writes only
what changed. Measured for one client alone and for all of them.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path
from typing import Any

from hub_common import _analysts, _edit, _made, _stats, load

from pg_server import PgServer


def make_raw_tables(server: PgServer, database: str) -> None:
    """``raw_spans`` and ``raw_statuses``: the hub's columns, defaults, generated columns,
    indexes and foreign keys (not its row-level security or update trigger)."""
    with server.admin(database) as conn:
        for table in ("spans", "statuses"):
            conn.execute(f"CREATE TABLE raw_{table} (LIKE {table} INCLUDING ALL)")
            conn.execute(f"ALTER TABLE raw_{table} ADD FOREIGN KEY (layer) REFERENCES layers(name), "
                         "ADD FOREIGN KEY (document) REFERENCES documents(content_hash)")
            conn.execute(f"GRANT INSERT, SELECT, UPDATE ON raw_{table} TO PUBLIC")


def _raw_rows(store: Any, user: str, edits: int) -> tuple[list[tuple], list[tuple]]:
    from psycopg.types.json import Jsonb

    from annotator.store import hub_local

    layer = store.layer(user)
    client = hub_local.get_link(store).client_id
    made = store._db.execute(
        "SELECT s.uid, d.content_hash FROM spans s JOIN documents d ON d.id = s.document_id "
        "WHERE s.layer_id = ? ORDER BY s.id DESC LIMIT ?", (layer.id, edits),
    ).fetchall()
    stamp = f"raw{time.time()}-"
    spans = [(stamp + uid, user, document, Jsonb(hub_local._payload(store, hub_local.LOCAL_KINDS["span"], uid)), client)
             for uid, document in made]
    touched = sorted({d for _, d in made})
    status = dict(
        (row[0], row[1:]) for row in store._db.execute(
            "SELECT d.content_hash, s.status, s.created_at, s.updated_at FROM document_status s "
            "JOIN documents d ON d.id = s.document_id WHERE s.layer_id = ?", (layer.id,),
        )
    )
    statuses = [(user, d, *status.get(d, ("in_progress", "x", "x")), client) for d in touched]
    return spans, statuses


def throughput_worker(args: tuple[str, str, str, int, object, str]) -> float:
    """One analyst: ``app`` syncs the edits made offline (push, then pull); ``raw`` writes the
    same rows with psycopg alone (see the module's docstring). Returns when it finished."""
    from annotator.store.project import ProjectStore

    path, url, user, edits, barrier, mode = args
    with ProjectStore.open(path) as store:
        if mode == "app":
            from annotator.hub.sync import Hub, sync
            from annotator.store import hub_local

            layer = store.layer(user)
            documents = store.document_ids()
            made = _made(store, layer.id)  # type: ignore[union-attr]
            for i in range(edits):
                _edit(store, layer.id, documents[i % len(documents)], i, made)  # type: ignore[union-attr]
            hub = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]  # connected before the start, like raw
            barrier.wait()  # type: ignore[attr-defined]
            sync(hub, store)
            hub.close()
            return time.time()
        spans, statuses = _raw_rows(store, user, edits)
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        barrier.wait()  # type: ignore[attr-defined]
        with conn.transaction():
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO raw_spans (uid, layer, document, payload, client) VALUES (%s, %s, %s, %s, %s)",
                                spans)
                cur.executemany(
                    "INSERT INTO raw_statuses AS t (layer, document, status, created_at, updated_at, client) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (layer, document) DO UPDATE SET status = EXCLUDED.status, "
                    "updated_at = EXCLUDED.updated_at, client = EXCLUDED.client "
                    "WHERE (t.status, t.updated_at) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.updated_at)", statuses)
    return time.time()


def rates(server: PgServer, database: str, work: Path, analysts: list[str], edits: int, runs: int,
          context: Any) -> tuple[list[float], list[float]]:
    """Edits per second of the app and of raw psycopg, ``runs`` each, alternated."""
    app_rates: list[float] = []
    raw_rates: list[float] = []
    total = len(analysts) * edits
    for i in range(runs):
        # app, raw, app, raw...: a raw run writes the rows of the app run just before it (its
        # edits and the statuses they left), so each run writes rows the hub does not hold yet.
        for mode in ("app", "raw"):
            barrier = context.Manager().Barrier(len(analysts) + 1)
            target = [(str(work / f"{u}.db"), server.url(u, database), u, edits, barrier, mode) for u in analysts]
            with context.Pool(len(analysts)) as pool:
                result = pool.map_async(throughput_worker, target)
                try:
                    barrier.wait(timeout=120)
                except threading.BrokenBarrierError:
                    result.get(timeout=10)  # a worker failed before the start: its error
                    raise
                start = time.time()
                ends = result.get()
            (app_rates if mode == "app" else raw_rates).append(total / (max(ends) - start))
    return app_rates, raw_rates


def run_throughput(server: PgServer, database: str, work: Path, analysts: int, edits: int, runs: int,
                   context: Any) -> None:
    everyone = _analysts(analysts)
    print(f"throughput: before: {load()}")
    one_app, one_raw = rates(server, database, work, everyone[:1], edits, runs, context)
    print(f"throughput, one client alone ({edits} edits): app {_stats(one_app)} edits/s; raw executemany "
          f"{_stats(one_raw)} edits/s; ratio app/raw {statistics.median(one_app) / statistics.median(one_raw):.2f}; "
          f"{load()}")
    all_app, all_raw = rates(server, database, work, everyone, edits, runs, context)
    print(f"throughput ({len(everyone) * edits:,} edits from {len(everyone)} processes at once, each pushing then "
          f"pulling): app {_stats(all_app)} edits/s; raw executemany {_stats(all_raw)} edits/s; ratio app/raw "
          f"{statistics.median(all_app) / statistics.median(all_raw):.2f}; "
          f"{statistics.median(all_app) / statistics.median(one_app):.1f}x one client alone; after: {load()}")
