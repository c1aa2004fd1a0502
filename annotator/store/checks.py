"""Cheap and full damage checks of a project file, and the finishing of an interrupted restore.

Both run before anything else opens the file, from :func:`annotator.store.database.connect`:

* :func:`finish_restore`: a restore writes the backup's copy to ``NAME.restoring.partial``, renames
  it ``NAME.restoring`` when complete, removes the old write-ahead log and renames the copy over
  the project. A kill leaves one of those states; the next open rolls back a partial copy (the old
  project and its log are untouched then) or finishes a complete one, and says which.
* :func:`open_check`: SQLite's ``quick_check`` (every page read, no index cross-check), run on
  opening a file of up to :data:`OPEN_CHECK_LIMIT` bytes, so that damaged pages are caught before
  the window works on the file or backs it up. Measured by ``tests/benchmarks/bench_check.py``:
  about 0.66 s for 1 GB here, so larger files are checked in the window's backup thread instead.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotator.store.errors import StoreError

OPEN_CHECK_LIMIT = 256 * 1024 * 1024
"""Files up to this size get ``quick_check`` on every open (~0.17 s at the limit, measured)."""
FULL_CHECK_LIMIT = 2 * 1024 * 1024 * 1024
"""Backups up to this size get the full ``integrity_check`` (1.7 s for 1 GB here); larger ones ``quick_check``."""
RESTORING = ".restoring"
PARTIAL = ".partial"


def restoring_path(project: Path) -> Path:
    return project.with_name(project.name + RESTORING)


def finish_restore(project: Path) -> str | None:
    """Roll back or finish a restore that was interrupted; the message to show, or None."""
    ready = restoring_path(project)
    partial = ready.with_name(ready.name + PARTIAL)
    message = None
    if partial.exists():
        try:
            partial.unlink()
        except OSError:
            return None  # not ours to touch (a read-only folder): the project itself is intact
        message = (f"A restore of {project} was interrupted before the backup was copied; the project was "
                   "left as it was (with all its work). Run the restore again if you still want it.")
    if ready.exists():
        try:
            for extra in ("-wal", "-shm", "-journal"):
                Path(str(project) + extra).unlink(missing_ok=True)
            os.replace(ready, project)
        except OSError as error:
            return f"A restore of {project} was interrupted and could not be finished: {error.strerror or error}."
        message = (f"A restore of {project} was interrupted after the backup was copied; it has now been "
                   "finished (the file before the restore is among the backups).")
    return message


def read_only_query(path: Path, immutable: bool = False) -> str:
    """The URI query that opens ``path`` without writing it or its folder, as SQLite documents:
    ``mode=ro``; in a folder that cannot be written and with no ``-shm`` there (SQLite cannot make
    one), ``mode=ro&immutable=1``. Immutable ignores a ``-wal``: a non-empty one there is refused
    with a :class:`~annotator.store.database.StoreError` saying so, never read as a silently older state."""
    shm, wal = Path(str(path) + "-shm"), Path(str(path) + "-wal")
    if not immutable and (os.access(path.parent, os.W_OK) or shm.exists()):
        return "mode=ro"
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(
            f"{path} has a write-ahead log ({wal.name}) holding recent work but no {shm.name}, in a folder that "
            "cannot be written, so SQLite cannot read the log there. Make the folder writable (or copy the file "
            "with its -wal to a writable folder) and try again."
        )
    return "mode=ro&immutable=1"


def lenient_text(raw: bytes) -> str:
    """A check's text as a ``text_factory``: the problems SQLite reports in a damaged file can quote
    its damaged bytes (a table or index name from a ruined schema page), which are not UTF-8."""
    return raw.decode("utf-8", "replace")


def run_check(path: Path, full: bool = False) -> str:
    """``"ok"`` or the first problems SQLite's check found (``integrity_check`` when ``full``)."""
    pragma = "integrity_check(20)" if full else "quick_check(20)"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{read_only_query(path)}", uri=True, timeout=10)
        conn.text_factory = lenient_text
        try:
            rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if "malformed" in str(error):
            return str(error)  # damage SQLite met before its check could run (e.g. in the schema's pages)
        return f"cannot be read: {error}"
    except sqlite3.Error as error:
        return f"cannot be read: {error}"
    return "\n".join(str(r[0]) for r in rows)


_CHECKED: set[tuple[Path, int, int]] = set()
"""Files (path, size, modification time) this process found sound already: a window's background
tasks (hub sync, agreement) open the project again; the file unchanged needs no second check."""


def open_check(path: Path) -> str:
    """The check on open: ``"ok"`` (also for a file too large to check here, or one this process
    has checked already) or the problems."""
    try:
        stat = path.stat()
    except OSError:
        return "ok"
    key = (path.resolve(), stat.st_size, stat.st_mtime_ns)
    if key in _CHECKED:
        return "ok"
    try:
        size = path.stat().st_size + (Path(str(path) + "-wal").stat().st_size if Path(str(path) + "-wal").exists() else 0)
    except OSError:
        return "ok"
    if size == 0 or size > OPEN_CHECK_LIMIT:
        return "ok"
    result = run_check(path)
    if result == "ok":
        _CHECKED.add(key)
    return result


SQLITE_HEADER = b"SQLite format 3\x00"


def foreign_file(path: Path, application_id: int) -> str | None:
    """Why the file at ``path`` is not an annotator project, read from its header without opening
    it in SQLite (whose first write, the journal mode, would change another program's file); None
    for a project, or a file that is empty or new."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None  # SQLite will say what is wrong with it
    if not header:
        return None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return f"{path} is not an annotator project (it is not an SQLite database)"
    app_id = int.from_bytes(header[68:72], "big")
    pages = int.from_bytes(header[28:32], "big")
    # A project gets its id in the transaction that makes its first tables: a file with tables
    # (more than its first page) and another id is another program's.
    if app_id != application_id and pages > 1:
        return f"{path} is not an annotator project (it is an SQLite database of another program)"
    return None
