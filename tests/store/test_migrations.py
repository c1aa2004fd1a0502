"""Migrations: every version of the file format, from the first, reaches the latest with its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.store import migrations
from annotator.store.database import APPLICATION_ID, StoreError, connect
from annotator.store.migrations import LATEST_VERSION, MIGRATIONS, migrate, schema_version
from annotator.store.project import ProjectStore


def _tables(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"))


@pytest.mark.parametrize("start", range(1, LATEST_VERSION + 1))
def test_each_version_migrates_to_the_latest_keeping_documents(tmp_path: Path, start: int) -> None:
    old = tmp_path / "old.db"
    db = connect(old)
    migrate(db, target=start)
    assert schema_version(db) == start
    db.execute(
        "INSERT INTO documents (content_hash, text, title, length, imported_at) VALUES ('h', 'Kept text', 't', 9, 'now')"
    )
    db.close()
    with ProjectStore.open(old) as store:
        assert schema_version(store._db) == LATEST_VERSION
        assert store.document(1).text == "Kept text"
    fresh = tmp_path / "fresh.db"
    ProjectStore.open(fresh).close()
    assert _tables(old) == _tables(fresh)


def test_a_new_file_is_marked_as_ours(project_file: Path) -> None:
    with ProjectStore.open(project_file) as store:
        assert store._db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert schema_version(store._db) == LATEST_VERSION == len(MIGRATIONS)


def test_a_file_from_a_newer_version_is_refused(project_file: Path) -> None:
    ProjectStore.open(project_file).close()
    with sqlite3.connect(project_file) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version of annotator"):
        ProjectStore.open(project_file)


def test_a_failing_migration_leaves_the_file_at_its_old_version(project_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = connect(project_file)
    migrate(db)
    db.close()
    broken = MIGRATIONS + ("CREATE TABLE extra (a INTEGER);\nTHIS IS NOT SQL;",)
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(migrations, "LATEST_VERSION", len(broken))
    db = connect(project_file)
    with pytest.raises(StoreError, match="syntax error"):  # SQLite's error, in a message for the user
        migrations.migrate(db)
    assert schema_version(db) == LATEST_VERSION
    assert "extra" not in db.table_names()
