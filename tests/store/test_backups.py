"""Backups, check and restore: a damaged project is brought back from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.formats.importer import import_paths
from annotator.store.backup import KEEP, backup_folder, integrity, list_backups, make_backup, restore_backup
from annotator.store.database import DamagedError
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(f'{{"text":"Report {i}: Jane Doe left Acme Corp in Kabul.","label":[[{len(str(i)) + 8},{len(str(i)) + 16},"PERSON"]]}}\n' for i in range(400)),
        encoding="utf-8",
    )
    path = tmp_path / "p.db"
    with create_project(path) as store:
        import_paths(store, [source], "bob")
    return path


def damage(path: Path) -> None:
    """Overwrite part of every third page, as a failing disk or a bad copy does."""
    with ProjectStore.open(path) as store:
        store.checkpoint()
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for page in range(3, size // 4096, 3):
            handle.seek(page * 4096 + 100)
            handle.write(os.urandom(2000))


def test_backups_are_made_with_the_online_api_listed_and_pruned_to_the_last_ten(project: Path) -> None:
    with ProjectStore.open(project) as store:  # open in another connection: backups run while in use
        made = [make_backup(project) for _ in range(KEEP + 2)]
        assert store.count_documents() == 400
    kept = list_backups(project)
    assert len(kept) == KEEP and [b.path for b in kept] == [m.path for m in reversed(made)][:KEEP]
    assert all(b.path.parent == backup_folder(project) and b.size > 0 for b in kept)
    assert str(backup_folder(project)).startswith(os.environ["XDG_DATA_HOME"])
    with ProjectStore.open(kept[0].path) as copy:
        assert copy.count_documents() == 400 and integrity(kept[0].path) == "ok"
    assert not list(backup_folder(project).glob("*.partial"))


def test_a_damaged_project_is_named_checked_and_restored_from_the_command_line(project: Path) -> None:
    code, out, err = _cli("--db", str(project), "backups", "--now")
    assert code == 0 and "Backed up to" in out
    (backup,) = list_backups(project)
    damage(project)
    code, out, err = _cli("--db", str(project), "stats")
    assert code == 1 and "is damaged" in err and "annotator restore" in err and "unexpected" not in err
    code, out, err = _cli("--db", str(project), "check")
    assert code == 1 and "the project file is damaged" in err
    assert f"restore {backup.path}" in err
    code, out, err = _cli("--db", str(project), "restore", str(backup.path), "--yes")
    assert code == 0, err
    assert "The current file was backed up to" in out
    assert integrity(project) == "ok"
    code, out, err = _cli("--db", str(project), "stats", "--format", "json")
    assert code == 0 and '"documents": 400' in out
    # The damaged file was kept too, never lost.
    assert any("before-restore" in b.path.name or "damaged" in b.path.name for b in list_backups(project))
    code, out, err = _cli("--db", str(project), "check")
    assert code == 0 and "sound" in out


def test_a_damaged_backup_is_refused(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(project.read_bytes())
    damage(bad)
    with pytest.raises(DamagedError, match="damaged too"):
        restore_backup(project, bad)
    assert integrity(project) == "ok"


def test_a_backup_leaves_another_programs_unfinished_copy_alone_and_removes_abandoned_ones(project: Path) -> None:
    folder = backup_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    in_progress = folder / "20261203-101010.db.4242.partial"  # another program writing now
    abandoned = folder / "20261203-090909.db.partial"  # left by a crash two hours ago
    in_progress.write_bytes(b"x" * 100)
    abandoned.write_bytes(b"x" * 100)
    two_hours_ago = abandoned.stat().st_mtime - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    made = make_backup(project)
    assert in_progress.exists() and not abandoned.exists()
    assert [b.path for b in list_backups(project)] == [made.path]
