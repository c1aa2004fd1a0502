"""Rolling backups of project files, made with SQLite's online backup API.

Backups live in the user data folder (``platformdirs``), one folder per project file (named
after the file and a short hash of its full path), as ``YYYYMMDD-HHMMSS-micros.db``; the newest
:data:`KEEP` are kept. A backup is written to a temporary name and renamed when complete, so a
killed backup leaves no half file that looks like one (leftovers are removed by the next backup).
The online backup copies a consistent snapshot while the project is in use (WAL included).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import platformdirs

from annotator.store.checks import FULL_CHECK_LIMIT, PARTIAL as RESTORE_PARTIAL, finish_restore, foreign_file, lenient_text, restoring_path, run_check
from annotator.store.database import APPLICATION_ID, DamagedError, StoreError, explain, read_only_query

KEEP = 10
"""The newest backups kept per project (and one a day for :data:`DAYS` days more)."""
DAYS = 7
DAMAGED = "-damaged"
"""A copy of a damaged file (made before restoring over it): kept, never counted as sound."""
PARTIAL = ".partial"
ABANDONED = 3600
STAMP = "%Y%m%d-%H%M%S-%f"
"""Backup names start with the time they were made, to the microsecond."""


@dataclass(frozen=True)
class Backup:
    path: Path
    made: datetime
    size: int

    def describe(self) -> str:
        return f"{self.made:%Y-%m-%d %H:%M:%S}  {self.size / 1e6:8.1f} MB  {self.path}"


def backup_root() -> Path:
    return platformdirs.user_data_path("annotator", appauthor=False) / "backups"


def backup_folder(project: str | Path) -> Path:
    """Where the backups of ``project`` go (the same folder whatever the working directory)."""
    resolved = Path(project).expanduser().resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return backup_root() / f"{resolved.stem}-{digest}"


def list_backups(project: str | Path) -> list[Backup]:
    """The project's backups, newest first."""
    folder = backup_folder(project)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.db"):
        try:
            made = datetime.strptime(path.stem[:22], STAMP)
            found.append(Backup(path, made, path.stat().st_size))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda b: (b.made, b.path.name), reverse=True)


def _remove_abandoned(folder: Path) -> None:
    """Delete unfinished copies left by a crash: those not written to for ABANDONED seconds (a
    copy in progress is written to continuously, and may belong to another program)."""
    cutoff = time.time() - ABANDONED
    for leftover in folder.glob(f"*{PARTIAL}*"):  # with its -journal
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
        except OSError:
            pass  # gone already, or not ours to delete: it is only a leftover


def make_backup(project: str | Path, keep: int = KEEP, suffix: str = "", prune: bool = True) -> Backup:
    """Copy ``project`` into its backup folder with the online backup API, check the copy, then
    prune (unless ``prune`` is false).

    The copy counts only when SQLite's check of it passes (``integrity_check``, or ``quick_check``
    above :data:`~annotator.store.checks.FULL_CHECK_LIMIT`): a damaged project's copy is deleted
    and :class:`DamagedError` says so, and the older backups are all kept. Raises
    :class:`StoreError` when it cannot back up (another program's file, an unreadable one).
    """
    project = Path(project)
    refuse_foreign(project)
    folder = backup_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder)
    made = datetime.now()
    target = folder / f"{made:{STAMP}}{suffix}.db"
    # The process id keeps two programs backing up the same project at once (a window and a
    # command) from writing, or deleting, each other's unfinished copy.
    partial = target.with_name(f"{target.name}.{os.getpid()}{PARTIAL}")
    try:
        source = open_read_only(project)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination, pages=_pages_per_step(source))
                # One self-contained file: checked and later opened read-only, a WAL-mode copy
                # would grow -wal and -shm files beside it.
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
        finally:
            source.close()
        result = run_check(partial, full=partial.stat().st_size <= FULL_CHECK_LIMIT)
        if result != "ok":
            _unlink_with_journals(partial)
            kept = len(list_backups(project))
            raise DamagedError(
                f"The project file ({project}) is damaged: the check of its backup copy found "
                f"{result.splitlines()[0][:200]}. No backup was made, and the {kept} older backup(s) are kept. "
                "Run `annotator check` for what to do."
            )
        os.replace(partial, target)
    except sqlite3.Error as error:
        _unlink_with_journals(partial)
        raise explain(error, file=project) from None
    except OSError as error:
        _unlink_with_journals(partial)
        raise StoreError(f"could not write a backup to {folder}: {error.strerror or error}") from None
    if prune:
        prune_backups(project, keep)
    return Backup(target, made, target.stat().st_size)


def _unlink_with_journals(path: Path) -> None:
    for extra in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)


def refuse_foreign(project: Path) -> None:
    """The same "not an annotator project" message ``check`` and ``backups`` give for any command."""
    if project.is_file() and project.stat().st_size == 0:
        raise StoreError(f"{project} is not an annotator project (the file is empty)")
    foreign = foreign_file(project, APPLICATION_ID) if project.is_file() else None
    if foreign:
        raise StoreError(foreign)


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes the file or its folder (see :func:`read_only_query`)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?{read_only_query(path)}", uri=True, timeout=10)


def prune_backups(project: str | Path, keep: int = KEEP, protect: tuple[Path, ...] = ()) -> list[Path]:
    """Delete old backups, keeping: the newest ``keep``, the newest of each of the last
    :data:`DAYS` days, the newest sound one always, every copy of a damaged file from the last
    :data:`DAYS` days (and the newest two), and ``protect``. Returns what was deleted."""
    backups = list_backups(project)
    sound = [b for b in backups if not b.path.stem.endswith(DAMAGED)]
    damaged = [b for b in backups if b.path.stem.endswith(DAMAGED)]
    kept = {b.path for b in sound[:keep]} | {b.path for b in damaged[:2]} | {Path(p) for p in protect}
    since = datetime.now() - timedelta(days=DAYS)
    days: set[object] = set()
    for backup in sound:  # newest first: the first of each day is that day's newest
        if backup.made >= since and backup.made.date() not in days:
            days.add(backup.made.date())
            kept.add(backup.path)
    kept |= {b.path for b in damaged if b.made >= since}
    deleted = []
    for backup in backups:
        if backup.path not in kept:
            backup.path.unlink(missing_ok=True)
            deleted.append(backup.path)
    return deleted


def _pages_per_step(source: sqlite3.Connection) -> int:
    """In WAL mode the whole copy in one step (-1): it reads one snapshot, which never blocks the
    project's writers; copied a few pages at a time it starts again from the first page after
    every commit of another connection, so a large project written to every few seconds (the
    suggester) was copied over and over for as long as the writes went on. With a rollback
    journal a reader blocks writers: a few pages at a time keep the project usable."""
    mode = str(source.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    return -1 if mode == "wal" else 256


def integrity(path: str | Path) -> str:
    """SQLite's ``integrity_check`` of a file: ``"ok"`` or the problems it found (first lines).

    Opened so that nothing is written (a read-only file or folder is checked as it is)."""
    path = Path(path)
    try:
        conn = open_read_only(path)
        conn.text_factory = lenient_text
        try:
            rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as error:
        return f"cannot be read: {error}"
    return "\n".join(str(r[0]) for r in rows)


def _step(point: str) -> None:
    """A named point of :func:`restore_backup`; tests replace this to stop the restore there."""


def restore_backup(project: str | Path, backup: str | Path) -> Backup | None:
    """Put ``backup`` in place of ``project``, after backing up the current file.

    The current file is backed up with the online backup API when it can be read; a file too
    damaged for that is copied as it is (``…-damaged.db``), so nothing is ever lost. The backup
    restored is never deleted, and old backups are pruned only once the restore is complete.
    Crash-safe: a kill leaves the old project (with its write-ahead log) or the backup's state,
    and the next open finishes or rolls back (:func:`annotator.store.checks.finish_restore`).
    Returns the backup of the current file (None when there was no current file).
    """
    project, backup = Path(project), Path(backup)
    if not backup.is_file():
        raise StoreError(f"there is no backup at {backup}; `annotator backups` lists them")
    result = integrity(backup)
    if result != "ok":
        raise DamagedError(f"the backup {backup} is damaged too ({result.splitlines()[0][:200]}); choose an older one")
    finish_restore(project)  # an earlier interrupted restore first
    saved: Backup | None = None
    if project.exists():
        try:
            saved = make_backup(project, suffix="-before-restore", prune=False)
        except StoreError:
            saved = _copy_as_it_is(project)
    _step("saved")
    ready = restoring_path(project)
    partial = ready.with_name(ready.name + RESTORE_PARTIAL)
    shutil.copyfile(backup, partial)
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    _step("copied")
    os.replace(partial, ready)  # from here on the restore is finished by the next open if killed
    _step("ready")
    # The old file's write-ahead log belongs to the old file: left beside the restored one, SQLite
    # would apply it to the wrong pages.
    for extra in ("-wal", "-shm", "-journal"):
        Path(str(project) + extra).unlink(missing_ok=True)
        _step(f"removed{extra}")
    os.replace(ready, project)
    _step("renamed")
    prune_backups(project, protect=(backup,) + ((saved.path,) if saved else ()))
    return saved


def _copy_as_it_is(project: Path) -> Backup:
    """A damaged file (and its log) copied byte for byte, as ``…-damaged.db``."""
    folder = backup_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    made = datetime.now()
    copy = folder / f"{made:{STAMP}}{DAMAGED}.db"
    shutil.copy2(project, copy)
    for extra in ("-wal", "-shm"):
        if Path(str(project) + extra).exists():
            shutil.copy2(str(project) + extra, str(copy) + extra)
    return Backup(copy, made, copy.stat().st_size)
