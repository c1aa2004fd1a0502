"""A throwaway PostgreSQL server in a temporary folder, for the hub tests and benchmark.

Uses the server binaries of the system (Debian's ``postgresql`` package, found under
``/usr/lib/postgresql/*/bin`` or on ``PATH``). PostgreSQL refuses to run as root, so under root
(CI) the server runs as the ``postgres`` user through ``runuser``. It listens on a unix socket in
its own folder only (``listen_addresses=''``), so the port number just names the socket file.
Clients log in with passwords (scram-sha-256), passed through ``PGPASSWORD`` as real users would.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PORT = 55432
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

    def __init__(self, bin_dir: Path, port: int = PORT):
        self.bin = bin_dir
        self.port = port
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
        options = f"-k {self.socket} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=200"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")

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
