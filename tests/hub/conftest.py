"""Hub tests run against a real PostgreSQL server that this session starts in a temporary folder.

Every test marked ``hub`` gets a fresh hub database with a lead, analysts and reviewers (login
roles are shared by the whole server, created once). Passwords reach the driver the way a
user's do: through a ``~/.pgpass``-style file named by ``PGPASSFILE``, never in a URL.
Without server binaries or the driver the tests are skipped with the reason.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Iterator

import pytest

from pg_server import PgServer, server_binaries

USERS = {"lead1": "lead", "ann1": "analyst", "ann2": "analyst", "ann3": "analyst", "rev1": "reviewer", "rev2": "reviewer"}
_counter = itertools.count()


def password(user: str) -> str:
    return f"pw-{user}-secret"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("the PostgreSQL driver is not installed: pip install 'annotator[hub]'")
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install -y postgresql")
    server = PgServer(binaries)
    server.start()
    passfile = tmp_path_factory.mktemp("pgpass") / "pgpass"
    passfile.write_text(
        "".join(f"*:*:*:{user}:{password(user)}\n" for user in USERS) + "*:*:*:hubadmin:admin-secret\n"
    )
    passfile.chmod(0o600)
    old = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = str(passfile)
    try:
        yield server
    finally:
        if old is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = old
        server.stop()


class HubFixture:
    """One fresh hub database and the URLs its people use."""

    def __init__(self, server: PgServer, database: str):
        self.server = server
        self.database = database

    def url(self, user: str = "hubadmin") -> str:
        return self.server.url(user, self.database)

    def admin(self):  # -> psycopg.Connection, as the server's superuser
        return self.server.admin(self.database)


@pytest.fixture
def hub(pg_server: PgServer) -> HubFixture:
    from annotator.hub.admin import add_user, init_hub

    database = pg_server.create_database(f"hub{os.getpid()}_{next(_counter)}")
    fixture = HubFixture(pg_server, database)
    init_hub(fixture.url())
    for user, role in USERS.items():
        add_user(fixture.url(), user, role, password(user))
    with fixture.admin() as conn:
        conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
    return fixture


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.hub)
