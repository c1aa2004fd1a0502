"""Opening a project file and running transactions on it.

A project is one SQLite file in WAL mode with foreign keys on and a busy timeout, so that two
windows (or a window and the command line) can share it. Every write goes through
:func:`transaction`, which takes the write lock up front (``BEGIN IMMEDIATE``) so that a
transaction never fails half way because another connection wrote in between.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

BUSY_TIMEOUT_SECONDS = 10.0
APPLICATION_ID = 0x414E4E4F  # "ANNO": marks the file as an annotator project


class StoreError(Exception):
    """A project file that cannot be opened or written; ``str()`` is the message for the user."""


class ConflictError(StoreError):
    """Another window or process changed what this edit was about to change."""


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (or create) the SQLite file at ``path`` with the settings every connection needs."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a project file")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        db.execute("PRAGMA foreign_keys = ON")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        # FULL: a commit survives a power cut too, not only a crash of the app.
        db.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is not an annotator project (SQLite says: {error})") from None
    if str(mode).lower() != "wal":
        # WAL is refused on some network file systems; the rollback journal still keeps edits safe.
        db.execute("PRAGMA journal_mode = DELETE")
    return db


def connect_memory() -> sqlite_utils.Database:
    """An in-memory project, for tests and scratch work."""
    db = sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False), execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    return db


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One atomic unit of work: everything inside commits together or not at all.

    Nested use becomes a savepoint of the outer transaction, so a bulk import can call the same
    functions a single edit calls and still land whole or not at all.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise StoreError(f"the project is busy or locked by another program: {error}") from None
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def data_version(db: sqlite_utils.Database) -> int:
    """A number that changes whenever *another* connection commits to the file."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])
