"""Shared by the hub benchmarks: a throwaway PostgreSQL server, the people on it, a lead's
project to upload, and edits made the way the window makes them.

Used by ``bench_hub.py`` (and its phases ``hub_corpus``, ``hub_latency``, ``hub_throughput``) and
``bench_hub_team.py``; importing it starts nothing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[2]
for _path in (REPO, REPO / "tests" / "hub", REPO / "tests" / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from pg_server import SUPERPASSWORD, SUPERUSER, PgServer, server_binaries  # noqa: E402

from annotator.app.bundled import default_schema  # noqa: E402
from annotator.model.annotations import Span, SpanAnnotation  # noqa: E402
from annotator.model.changes import Change  # noqa: E402
from annotator.model.document import Document  # noqa: E402

WORDS = "officials met delegates from the region on monday to discuss the harbour project and its funding".split()


def _stats(values: list[float]) -> str:
    return f"median {statistics.median(values):.4g} (min {min(values):.4g}, max {max(values):.4g}, n={len(values)})"


def load() -> str:
    """The load average now (1, 5, 15 minutes), printed beside each figure."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def _password(user: str) -> str:
    return f"bench-{user}"


def _analysts(n: int) -> list[str]:
    return [f"a{i:02d}" for i in range(1, n + 1)]


@contextmanager
def hub_server(analysts: int, port: int | None = None) -> Iterator[tuple[PgServer, Path]]:
    """A started server and a scratch folder; passwords of the lead, a reviewer and the analysts
    in a pgpass file named by ``PGPASSFILE`` (as users give theirs). Both are removed after."""
    binaries = server_binaries()
    if binaries is None:
        sys.exit("no PostgreSQL server binaries: apt-get install -y postgresql")
    work = Path(tempfile.mkdtemp(prefix="annotator-bench-hub-"))
    passfile = work / "pgpass"
    users = ["lead", "rev", *_analysts(analysts)]
    passfile.write_text("".join(f"*:*:*:{u}:{_password(u)}\n" for u in users) + f"*:*:*:{SUPERUSER}:{SUPERPASSWORD}\n")
    passfile.chmod(0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    server = PgServer(binaries, port)
    server.start()
    try:
        yield server, work
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def statuses_for_every_assignment(server: PgServer, database: str) -> None:
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


def add_people(server: PgServer, database: str, analysts: list[str]) -> None:
    """The lead, a reviewer and the analysts on the hub ``database``."""
    from annotator.hub.admin import add_user

    admin_url = server.url(SUPERUSER, database)
    with server.admin() as conn:
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
    add_user(admin_url, "lead", "lead", _password("lead"))
    add_user(admin_url, "rev", "reviewer", _password("rev"))
    for user in analysts:
        add_user(admin_url, user, "analyst", _password(user))


def connect_worker(args: tuple[str, str, str]) -> float:
    """One analyst's project connects to the hub and pulls its documents (a separate process)."""
    import time

    from annotator.hub.admin import connect_project
    from annotator.hub.sync import sync_project
    from annotator.store.project import ProjectStore

    path, url, _user = args
    start = time.perf_counter()
    with ProjectStore.open(path) as store:
        connect_project(store, url)
        sync_project(store)
    return time.perf_counter() - start


def _made(store: Any, layer_id: int) -> int:
    """How many spans the layer holds: numbers new edits so no run repeats an earlier span (refused)."""
    return int(store._db.execute("SELECT count(*) FROM spans WHERE layer_id = ?", (layer_id,)).fetchone()[0])


def _edit(store: Any, layer_id: int, document_id: int, i: int, made: int = 0) -> str:
    """One new span in one transaction, as the window makes it; returns its uid."""
    start = (made + i) % 241  # texts are longer than 250 characters
    span = SpanAnnotation(Span(start, start + 3, "ORG"))
    store.apply(layer_id, document_id, [Change(None, span)])
    return span.uid
