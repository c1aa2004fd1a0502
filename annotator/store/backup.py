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
from datetime import datetime
from pathlib import Path

import platformdirs

from annotator.store.database import DamagedError, StoreError, explain

KEEP = 10
"""Backups kept per project."""
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
    for leftover in folder.glob(f"*{PARTIAL}"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
        except OSError:
            pass  # gone already, or not ours to delete: it is only a leftover


def make_backup(project: str | Path, keep: int = KEEP, suffix: str = "") -> Backup:
    """Copy ``project`` into its backup folder with the online backup API; prune to ``keep``.

    Raises :class:`StoreError` (a :class:`DamagedError` for a damaged file) when it cannot.
    """
    project = Path(project)
    folder = backup_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder)
    made = datetime.now()
    target = folder / f"{made:{STAMP}}{suffix}.db"
    # The process id keeps two programs backing up the same project at once (a window and a
    # command) from writing, or deleting, each other's unfinished copy.
    partial = target.with_name(f"{target.name}.{os.getpid()}{PARTIAL}")
    try:
        source = sqlite3.connect(f"{project.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination, pages=_pages_per_step(source))
            finally:
                destination.close()
        finally:
            source.close()
        os.replace(partial, target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise explain(error, file=project) from None
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise StoreError(f"could not write a backup to {folder}: {error.strerror or error}") from None
    for old in list_backups(project)[keep:]:
        old.path.unlink(missing_ok=True)
    return Backup(target, made, target.stat().st_size)


def _pages_per_step(source: sqlite3.Connection) -> int:
    """In WAL mode the whole copy in one step (-1): it reads one snapshot, which never blocks the
    project's writers; copied a few pages at a time it starts again from the first page after
    every commit of another connection, so a large project written to every few seconds (the
    suggester) was copied over and over for as long as the writes went on. With a rollback
    journal a reader blocks writers: a few pages at a time keep the project usable."""
    mode = str(source.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    return -1 if mode == "wal" else 256


def integrity(path: str | Path) -> str:
    """SQLite's ``integrity_check`` of a file: ``"ok"`` or the problems it found (first lines)."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as error:
        return f"cannot be read: {error}"
    return "\n".join(str(r[0]) for r in rows)


def restore_backup(project: str | Path, backup: str | Path) -> Backup | None:
    """Put ``backup`` in place of ``project``, after backing up the current file.

    The current file is backed up with the online backup API when it can be read; a file too
    damaged for that is copied as it is (``…-damaged.db``), so nothing is ever lost. Returns the
    backup of the current file (None when there was no current file).
    """
    project, backup = Path(project), Path(backup)
    if not backup.is_file():
        raise StoreError(f"there is no backup at {backup}; `annotator backups` lists them")
    if integrity(backup) != "ok":
        raise DamagedError(f"the backup {backup} is damaged too ({integrity(backup)}); choose an older one")
    saved: Backup | None = None
    if project.exists():
        try:
            saved = make_backup(project, keep=KEEP + 1, suffix="-before-restore")
        except StoreError:
            folder = backup_folder(project)
            folder.mkdir(parents=True, exist_ok=True)
            made = datetime.now()
            copy = folder / f"{made:{STAMP}}-damaged.db"
            shutil.copy2(project, copy)
            for extra in ("-wal", "-shm"):
                if Path(str(project) + extra).exists():
                    shutil.copy2(str(project) + extra, str(copy) + extra)
            saved = Backup(copy, made, copy.stat().st_size)
    partial = project.with_name(project.name + ".restoring")
    shutil.copyfile(backup, partial)
    # The old file's write-ahead log belongs to the old file: left beside the restored one, SQLite
    # would apply it to the wrong pages.
    for extra in ("-wal", "-shm"):
        Path(str(project) + extra).unlink(missing_ok=True)
    os.replace(partial, project)
    return saved
