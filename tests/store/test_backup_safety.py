"""Issue 22: backups that can be trusted (checked, rotated safely), a crash-safe restore, read-only
files and folders read as they are, and other programs' files never written."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.formats.importer import import_paths
from annotator.store import backup as backup_module
from annotator.store import database
from annotator.store.backup import KEEP, STAMP, backup_folder, integrity, list_backups, make_backup, prune_backups, restore_backup
from annotator.store.database import DamagedError, StoreError
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _jsonl(path: Path, first: int, count: int) -> Path:
    path.write_text("".join(f'{{"text":"Report {i}: Jane Doe left Acme Corp in Kabul. {"x" * 300}"}}\n' for i in range(first, first + count)), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with create_project(path) as store:
        import_paths(store, [_jsonl(tmp_path / "in.jsonl", 0, 400)], "bob")
    return path


def damage_middle(path: Path) -> None:
    """Overwrite one page in the middle of the file: `stats` used to work on such a file."""
    with ProjectStore.open(path) as store:
        store.checkpoint()
    pages = path.stat().st_size // 4096
    with path.open("r+b") as handle:
        handle.seek((pages // 2) * 4096)
        handle.write(os.urandom(4096))


def count(path: Path) -> int:
    with ProjectStore.open(path) as store:
        return store.count_documents()


# -- finding 1: backups of a damaged project never replace the sound ones ----------------------------


def test_a_damaged_project_is_caught_on_open_and_its_backups_are_refused_keeping_the_sound_ones(project: Path) -> None:
    sound = [make_backup(project) for _ in range(3)]
    damage_middle(project)
    with pytest.raises(DamagedError, match="damaged"):
        ProjectStore.open(project)  # the check on open: nothing works on (or backs up) damaged pages
    for _ in range(KEEP + 2):
        with pytest.raises(DamagedError, match="No backup was made, and the 3 older backup"):
            make_backup(project)
    assert [b.path for b in list_backups(project)] == [b.path for b in reversed(sound)]
    code, out, err = _cli("--db", str(project), "backups", "--now")
    assert code == 1 and "No backup was made" in err and "unexpected" not in err
    code, out, err = _cli("--db", str(project), "check")
    assert code == 1 and f"restore {sound[-1].path}" in err
    code, out, err = _cli("--db", str(project), "restore", str(sound[-1].path), "--yes")
    assert code == 0, err
    assert integrity(project) == "ok" and count(project) == 400
    assert not list(backup_folder(project).glob("*.partial*"))


def _fake(folder: Path, source: Path, made: datetime, suffix: str = "") -> Path:
    path = folder / f"{made:{STAMP}}{suffix}.db"
    shutil.copyfile(source, path)
    return path


def test_rotation_keeps_the_last_ten_one_per_day_for_a_week_and_the_newest_sound_one(project: Path) -> None:
    first = make_backup(project)
    folder = backup_folder(project)
    spare = shutil.copyfile(first.path, project.parent / "spare.db")
    now = datetime.now()
    daily = [_fake(folder, first.path, now - timedelta(days=d, hours=1)) for d in range(1, 10)]
    recent = [_fake(folder, first.path, now - timedelta(minutes=m)) for m in range(1, 13)]
    prune_backups(project)
    kept = {b.path for b in list_backups(project)}
    assert set(recent[: KEEP - 1]) <= kept and first.path in kept  # the last ten
    assert set(daily[:6]) <= kept  # one a day for the week...
    assert not set(daily[7:]) & kept  # ...and not older
    # Copies of a damaged file never push the newest sound backup out.
    for old in list_backups(project):
        old.path.unlink()
    lone = _fake(folder, spare, now - timedelta(days=30))
    for m in range(KEEP + 3):
        _fake(folder, spare, now - timedelta(minutes=m), "-damaged")
    prune_backups(project)
    assert lone in {b.path for b in list_backups(project)}


# -- finding 2: restoring the oldest backup never deletes it -------------------------------------------


def test_restoring_the_oldest_of_eleven_backups_keeps_it(project: Path) -> None:
    made = [make_backup(project, keep=KEEP + 1) for _ in range(KEEP + 1)]
    oldest = made[0].path
    code, out, err = _cli("--db", str(project), "restore", str(oldest), "--yes")
    assert code == 0, err
    assert oldest.exists() and integrity(project) == "ok"
    assert "before-restore" in list_backups(project)[0].path.name


# -- finding 3: every kill point of a restore leaves the old project or the backup's state ----------------


def _with_wal(tmp_path: Path) -> tuple[Path, Path]:
    """A project of 15 documents, 5 of them only in its write-ahead log (its main file alone: 10),
    and a backup of 8."""
    live = tmp_path / "live" / "p.db"
    live.parent.mkdir()
    with create_project(live) as store:
        import_paths(store, [_jsonl(tmp_path / "a.jsonl", 0, 8)], "bob")
    saved = make_backup(live).path
    with ProjectStore.open(live) as store:
        import_paths(store, [_jsonl(tmp_path / "c.jsonl", 50, 2)], "bob")
        store.checkpoint()
    holder = sqlite3.connect(live)  # kept open so that the log is not folded in on close
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("SELECT count(*) FROM documents").fetchone()
    with ProjectStore.open(live) as store:
        store._db.execute("PRAGMA wal_autocheckpoint = 0")
        import_paths(store, [_jsonl(tmp_path / "b.jsonl", 100, 5)], "bob")
    target, probe = tmp_path / "p.db", tmp_path / "probe" / "p.db"
    probe.parent.mkdir()
    for copy in (target, probe):
        for suffix in ("", "-wal"):
            shutil.copyfile(str(live) + suffix, str(copy) + suffix)
    holder.close()
    # Opened alone the main file holds 10: the 5 newer documents are only in the log.
    plain = sqlite3.connect(f"{probe.as_uri()}?immutable=1", uri=True)
    assert plain.execute("SELECT count(*) FROM documents").fetchone()[0] == 10
    plain.close()
    assert count(probe) == 15 and Path(str(target) + "-wal").stat().st_size > 0
    return target, saved


POINTS = ["saved", "copied", "ready", "removed-wal", "removed-shm", "removed-journal", "renamed"]


@pytest.mark.parametrize("point", POINTS)
def test_a_restore_killed_at_any_point_leaves_the_old_project_or_the_backups_state(tmp_path: Path, monkeypatch, point: str) -> None:
    project, saved = _with_wal(tmp_path)

    class Killed(BaseException):
        pass

    def step(name: str) -> None:
        if name == point:
            raise Killed(name)

    monkeypatch.setattr(backup_module, "_step", step)
    with pytest.raises(Killed):
        restore_backup(project, saved)
    monkeypatch.undo()
    expected = 15 if POINTS.index(point) < POINTS.index("ready") else 8
    store = ProjectStore.open(project)  # the next open finishes or rolls back
    try:
        assert store.count_documents() == expected
        if point not in ("saved", "renamed"):
            assert store._db.recovered and ("finished" in store._db.recovered or "left as it was" in store._db.recovered)
    finally:
        store.close()
    assert saved.exists()
    assert not list(project.parent.glob("*.restoring*"))
    assert integrity(project) == "ok"


# -- findings 4 and 5: read-only files and folders ----------------------------------------------------------


def _read_only_folder(monkeypatch, folder: Path) -> None:
    """What the OS answers for a folder that cannot be written (tests run as root here)."""
    real = os.access

    def access(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if mode & os.W_OK and Path(path).resolve() in (folder.resolve(), *folder.resolve().iterdir()):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_check_and_backups_work_on_a_project_in_a_read_only_folder(project: Path, monkeypatch) -> None:
    with ProjectStore.open(project) as store:
        store.checkpoint()
    _read_only_folder(monkeypatch, project.parent)
    code, out, err = _cli("--db", str(project), "check")
    assert code == 0 and "sound" in out, err
    code, out, err = _cli("--db", str(project), "backups", "--now")
    assert code == 0 and "Backed up to" in out, err
    assert count(list_backups(project)[0].path) == 400


def test_a_log_without_its_shm_in_a_read_only_folder_is_refused_with_a_message_not_read_older(tmp_path: Path, monkeypatch) -> None:
    project, _ = _with_wal(tmp_path)
    Path(str(project) + "-shm").unlink(missing_ok=True)
    _read_only_folder(monkeypatch, project.parent)
    with pytest.raises(StoreError, match="write-ahead log"):
        ProjectStore.open(project)
    code, out, err = _cli("--db", str(project), "stats")
    assert code == 1 and "no p.db-shm" in err


# -- finding 6: another program's file is never written ----------------------------------------------------


def test_another_programs_database_is_refused_unchanged_by_every_command(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    assert before[18:20] == b"\x01\x01"
    for args in (["stats"], ["check"], ["backups", "--now"], ["export", "jsonl", str(tmp_path / "o.jsonl")]):
        code, out, err = _cli("--db", str(other), *args)
        assert code != 0 and "not an annotator project" in err, (args, out, err)
    assert other.read_bytes() == before and not list(tmp_path.glob("other.db-*"))
    assert not backup_folder(other).exists() or not list_backups(other)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for args in (["check"], ["backups", "--now"]):
        code, out, err = _cli("--db", str(empty), *args)
        assert code == 1 and "not an annotator project" in err


# -- finding 8: a closed pipe --------------------------------------------------------------------------------


def test_a_closed_pipe_ends_the_command_quietly(project: Path, monkeypatch) -> None:
    import click

    def closed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(click, "echo", closed)
    result = CliRunner().invoke(main, ["--db", str(project), "stats"])
    assert result.exit_code == 0 and "unexpected" not in result.output


def test_an_abandoned_copys_journal_is_removed_too(project: Path) -> None:
    folder = backup_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    journal = folder / "20261203-090909-000000.db.4242.partial-journal"  # a copy killed two hours ago
    journal.write_bytes(b"x" * 100)
    two_hours_ago = journal.stat().st_mtime - 7200
    os.utime(journal, (two_hours_ago, two_hours_ago))
    make_backup(project)
    assert not journal.exists()
    assert sorted(p.name for p in folder.iterdir()) == [b.path.name for b in list_backups(project)]
