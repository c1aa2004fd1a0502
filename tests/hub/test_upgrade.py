"""A hub of format 1 (one global lock) upgraded to format 2: a pull mark taken before stays valid."""

from __future__ import annotations

from pathlib import Path

from helpers import lead_project

from annotator.hub import schema
from annotator.hub.admin import assign, init_hub, push_corpus


def test_marks_of_format_1_stay_valid_after_the_upgrade(pg_server, tmp_path: Path, monkeypatch) -> None:
    database = pg_server.create_database("upgrade_from_1")
    url = pg_server.url("hubadmin", database)
    monkeypatch.setattr(schema, "LATEST_VERSION", 1)
    init_hub(url)
    with lead_project(tmp_path / "lead.db") as lead:
        push_corpus(lead, url)
    assign(url, 1, ["x1"])
    with pg_server.admin(database) as conn:
        assert conn.execute("SELECT version FROM hub_version").fetchone() == (1,)
        mark = conn.execute("SELECT max(seq) FROM assignments").fetchone()[0]  # a project pulled up to here
        assert mark > 12
    monkeypatch.undo()
    assert init_hub(url) == 1  # upgraded from format 1
    with pg_server.admin(database) as conn:
        assert conn.execute("SELECT version FROM hub_version").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM documents WHERE tx <> seq").fetchone() == (0,)
        document = conn.execute("SELECT content_hash FROM documents LIMIT 1").fetchone()[0]
        conn.execute("INSERT INTO assignments (document, analyst) VALUES (%s, 'x2')", (document,))
        horizon = conn.execute("SELECT hub_horizon()").fetchone()[0]
        # What a project with the old mark pulls next: exactly the change made since.
        assert conn.execute(
            "SELECT analyst FROM assignments WHERE tx > %s AND tx < %s", (mark, horizon)
        ).fetchall() == [("x2",)]
        assert conn.execute("SELECT count(*) FROM documents WHERE tx > %s", (mark,)).fetchone() == (0,)
