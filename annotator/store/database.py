"""Opening a project file and running transactions on it.

A project is one SQLite file in WAL mode with foreign keys on and a busy timeout, so that two
windows (or a window and the command line) can share it. Every write goes through
:func:`transaction`, which takes the write lock up front (``BEGIN IMMEDIATE``) so that a
transaction never fails half way because another connection wrote in between.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from annotator.store.checks import finish_restore, foreign_file, open_check, read_only_query, restoring_path
from annotator.store.errors import (  # noqa: F401 - raised here, and imported from here by callers
    BusyError,
    ConflictError,
    DamagedError,
    ReadOnlyError,
    StoreError,
    WriteError,
)

BUSY_TIMEOUT_SECONDS = 10.0
APPLICATION_ID = 0x414E4E4F  # "ANNO": marks the file as an annotator project


def _file_of(db: sqlite_utils.Database | None) -> str:
    try:
        row = db.execute("PRAGMA database_list").fetchone() if db is not None else None
    except sqlite3.Error:
        return ""
    return f" ({row[2]})" if row and row[2] else ""


def explain(error: sqlite3.Error, db: sqlite_utils.Database | None = None, file: str | Path | None = None) -> StoreError:
    """The user's words for what SQLite reported, as the :class:`StoreError` to raise."""
    name = getattr(error, "sqlite_errorname", "") or ""
    where = f" ({file})" if file else _file_of(db)
    text = str(error)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return BusyError(
            f"The project{where} is busy: another program (an import, the suggester or another window) is "
            "writing to it. Nothing was saved; try again when it has finished."
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return ReadOnlyError(
            f"The project file{where} is read-only, so nothing can be saved to it. Make the file and its folder "
            "writable (or work on a copy) and try again."
        )
    if name == "SQLITE_FULL" or "disk is full" in text:
        return WriteError(
            f"The disk is full: nothing was saved{where}. Free some space and try again; everything saved "
            "before is safe."
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "Could not decode" in text:
        return DamagedError(
            f"The project file{where} is damaged (SQLite says: {text[:200]}). Run `annotator check` for details; "
            "`annotator backups` lists the backups and `annotator restore BACKUP` brings one back."
        )
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return WriteError(
            f"The disk could not read or write the project file{where} (SQLite says: {text}); nothing was saved. "
            "Check the disk and try again; everything saved before is safe."
        )
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return StoreError(f"The project file{where} cannot be opened (SQLite says: {text}); check that it and its folder exist and are readable.")
    if name.startswith("SQLITE_CONSTRAINT") or isinstance(error, sqlite3.IntegrityError):
        return WriteError(
            f"The project refused this change as inconsistent (SQLite says: {text}); nothing was saved. "
            "This is a bug in annotator: please report it."
        )
    return StoreError(f"The project file{where} could not be used (SQLite says: {text}).")


def translate(error: BaseException) -> StoreError | None:
    """For code outside the store (the command line, the window): a SQLite error in the user's
    words, or None for anything that is not one."""
    return explain(error) if isinstance(error, sqlite3.Error) else None


def writable(path: Path) -> bool:
    """Whether the project file and its folder (WAL writes files beside it) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (or create) the SQLite file at ``path`` with the settings every connection needs."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a project file")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    recovered = finish_restore(path) if path.exists() or restoring_path(path).exists() else None
    _refuse_foreign_or_damaged(path)
    if path.exists() and not writable(path):
        db = connect_read_only(path)
        db.recovered = recovered  # type: ignore[attr-defined]
        return db
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        db.execute("PRAGMA foreign_keys = ON")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        # FULL: a commit survives a power cut too, not only a crash of the app.
        db.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(error):
            raise StoreError(f"{path} is not an annotator project (SQLite says: {error})") from None
        raise explain(error, file=path) from None
    if str(mode).lower() != "wal":
        # WAL is refused on some network file systems; the rollback journal still keeps edits safe.
        db.execute("PRAGMA journal_mode = DELETE")
    db.read_only_reason = None  # type: ignore[attr-defined]
    db.recovered = recovered  # type: ignore[attr-defined]
    return db


def _refuse_foreign_or_damaged(path: Path) -> None:
    """Before any pragma that writes: refuse another program's file, and a damaged one (the
    cheap check on open, so that nothing is done to, or backed up from, damaged pages)."""
    if not path.exists():
        return
    foreign = foreign_file(path, APPLICATION_ID)
    if foreign:
        raise StoreError(foreign)
    result = open_check(path)
    if result != "ok" and not result.startswith("cannot be read"):
        first = result.splitlines()[0][:200]
        raise DamagedError(
            f"The project file ({path}) is damaged (SQLite's check says: {first}). Run `annotator check` for "
            "details; `annotator backups` lists the backups and `annotator restore BACKUP` brings one back."
        )


def connect_read_only(path: Path) -> sqlite_utils.Database:
    """Open a project that cannot be written: reads work, every write is refused by SQLite.

    A WAL file in a read-only folder cannot get its shared-memory file; ``immutable`` then reads
    it as it stands (nobody can be writing to it there either).
    """
    reason = "the file is read-only" if not os.access(path, os.W_OK) else "its folder is read-only"
    last: sqlite3.Error | None = None
    for query in (read_only_query(path), "mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            last = error
            if "immutable" not in query:
                read_only_query(path, immutable=True)  # refuses a log that immutable would hide
            continue
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        db.read_only_reason = reason  # type: ignore[attr-defined]
        return db
    assert last is not None
    if getattr(last, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(last):
        raise StoreError(f"{path} is not an annotator project (SQLite says: {last})") from None
    raise explain(last, file=path) from None


def connect_memory() -> sqlite_utils.Database:
    """An in-memory project, for tests and scratch work."""
    db = sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False), execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    db.read_only_reason = None  # type: ignore[attr-defined]
    db.recovered = None  # type: ignore[attr-defined]
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
    except sqlite3.Error as error:
        raise explain(error, db) from None
    try:
        yield db
    except sqlite3.Error as error:
        _rollback(conn)
        # The outermost transaction speaks for the whole action: SQLite's words become the user's.
        raise explain(error, db) from error
    except BaseException:
        _rollback(conn)
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            _rollback(conn)
            raise explain(error, db) from error


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # a failed commit may already have rolled back


def set_busy_timeout(db: sqlite_utils.Database, seconds: float) -> None:
    """How long a write waits for another connection's write lock before :class:`BusyError`.

    The window uses a short one and retries on a timer, so that it never freezes for long.
    """
    db.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


def data_version(db: sqlite_utils.Database) -> int:
    """A number that changes whenever *another* connection commits to the file."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])
