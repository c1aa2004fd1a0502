"""A throwaway PostgreSQL server in a temporary folder, for the hub tests and benchmark.

Uses the server binaries of the system (Debian's ``postgresql`` package, found under
``/usr/lib/postgresql/*/bin`` or on ``PATH``). PostgreSQL refuses to run as root, so under root
(CI) the server runs as the ``postgres`` user through ``runuser``. It listens on a unix socket in
its own folder only (``listen_addresses=''``), so the port number just names the socket file.
Clients log in with passwords (scram-sha-256), passed through ``PGPASSWORD`` as real users would.

The port only names the socket file, in a folder of this server's own, so two test sessions
at once on one machine do not collide even on one port (checked: two servers on one port in two
folders both start; PostgreSQL steps past a shared-memory key in use). As a precaution each
session still starts from a port in ``PORTS`` chosen by its process id and moves to the next
one if the server will not start there; a port given explicitly is used as is.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PORTS = range(55500, 55600)
"""The ports these tests may use (this machine's engineers each have their own range)."""
SUPERUSER = "hubadmin"
SUPERPASSWORD = "admin-secret"


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


class PgServer:
    """Start with :meth:`start`, stop with :meth:`stop`; :meth:`url` for a user and database."""

    def __init__(self, bin_dir: Path, port: int | None = None):
        self.bin = bin_dir
        self._fixed_port = port is not None
        self.port = port if port is not None else PORTS[os.getpid() % len(PORTS)]
        self.base = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.base / "data"
        self.socket = self.base
        self._runas: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.base, user.pw_uid, user.pw_gid)
            os.chmod(self.base, 0o755)
            self._runas = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self._runas, *args], capture_output=True, text=True, cwd=self.base)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {result.stdout}\n{result.stderr}")

    def start(self) -> None:
        pwfile = self.base / "pw"
        pwfile.write_text(SUPERPASSWORD + "\n")
        if self._runas:
            shutil.chown(pwfile, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile),
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )
        attempts = 1 if self._fixed_port else 5
        for attempt in range(attempts):
            options = f"-k {self.socket} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=200"
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")
                return
            except RuntimeError:
                if attempt == attempts - 1:
                    raise
                # Taken by another session's server (or its shared memory): the next port in the range.
                self.port = PORTS[(PORTS.index(self.port) + 1) % len(PORTS)]

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, user: str = SUPERUSER, database: str = "postgres") -> str:
        return f"postgresql://{user}@/{database}?host={self.socket}&port={self.port}"

    def admin(self, database: str = "postgres"):  # -> psycopg.Connection
        import psycopg

        return psycopg.connect(self.url(SUPERUSER, database), password=SUPERPASSWORD, autocommit=True)

    def create_database(self, name: str) -> str:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return name
