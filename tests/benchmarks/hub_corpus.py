"""``push-corpus`` against a raw ``COPY`` of the same rows (phase 1 of ``bench_hub.py``).

Each run makes a fresh hub and times, in alternating order: the app's ``push_corpus`` of the
lead's project; a raw ``COPY`` of the same rows (every column push-corpus sends, tokens included,
read from the same project file the same way) into a table of the hub's shape (``LIKE documents
INCLUDING ALL``: the same columns, defaults, indexes and constraints, no row-level security); and,
for reference, the same ``COPY`` into a plain table with a primary key only (what earlier
figures compared against).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from hub_common import SUPERUSER, _stats, load

from pg_server import PgServer


def raw_copy(url: str, lead: Path, hub_shape: bool) -> float:
    """Seconds to COPY the lead's documents into ``raw_documents`` in one transaction."""
    import psycopg

    from annotator.hub.admin import _corpus_rows
    from annotator.store.project import ProjectStore

    with psycopg.connect(url, autocommit=True) as conn, ProjectStore.open(lead) as store:
        conn.execute("DROP TABLE IF EXISTS raw_documents")
        if hub_shape:
            conn.execute("CREATE TABLE raw_documents (LIKE documents INCLUDING ALL)")
        else:
            conn.execute("CREATE TABLE raw_documents (content_hash text PRIMARY KEY, text text, title text, date text, "
                         "source text, meta jsonb, tokens bytea)")
        columns = "content_hash, text, title, date, source, meta, tokens"
        start = time.perf_counter()
        with conn.transaction():
            with conn.cursor().copy(f"COPY raw_documents ({columns}) FROM STDIN") as copy:
                for row in _corpus_rows(store, set()):
                    copy.write_row(row)
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE raw_documents")
        return elapsed


def run_corpus(server: PgServer, lead: Path, runs: int, documents: int) -> str:
    """Time ``runs`` uploads of each kind; print the figures; return the last hub's database name."""
    from annotator.hub.admin import init_hub, push_corpus
    from annotator.store.project import ProjectStore

    app_times: list[float] = []
    shaped_times: list[float] = []
    plain_times: list[float] = []
    print(f"push-corpus: {documents:,} documents, {runs} runs; before: {load()}")
    for i in range(runs):
        name = server.create_database(f"hub{i}")
        url = server.url(SUPERUSER, name)
        init_hub(url)

        def app() -> None:
            with ProjectStore.open(lead) as store:
                start = time.perf_counter()
                push_corpus(store, url)
                app_times.append(time.perf_counter() - start)

        def raw() -> None:
            shaped_times.append(raw_copy(url, lead, hub_shape=True))
            plain_times.append(raw_copy(server.url(SUPERUSER, server.create_database("raw")), lead, hub_shape=False))

        for step in ((raw, app) if i % 2 == 0 else (app, raw)):  # alternate which goes first
            step()
        if i < runs - 1:
            with server.admin() as conn:
                conn.execute(f"DROP DATABASE hub{i}")
    app_median = statistics.median(app_times)
    print(f"push-corpus      app {_stats(app_times)} s = {documents / app_median:,.0f} documents/s")
    for label, times in (("raw COPY, table of the hub's shape", shaped_times), ("raw COPY, plain table (reference)", plain_times)):
        median = statistics.median(times)
        print(f"                 {label} {_stats(times)} s = {documents / median:,.0f} documents/s; "
              f"app speed / raw speed {median / app_median:.2f}")
    print(f"                 after: {load()}")
    return f"hub{runs - 1}"
