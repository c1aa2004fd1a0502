"""``annotator FILE`` opens a project file: what the launcher entry and file managers run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.cli.open_file import project_argument

COMMANDS = {"import", "stats", "gui"}


def test_a_leading_project_file_becomes_the_db_option(tmp_path: Path) -> None:
    assert project_argument(["news.annotator"], COMMANDS) == ["--db", "news.annotator"]
    assert project_argument(["--annotator", "bob", "a/b.annotator"], COMMANDS) == ["--annotator", "bob", "--db", "a/b.annotator"]
    assert project_argument(["news.db", "stats"], COMMANDS) == ["--db", "news.db", "stats"]
    renamed = tmp_path / "project-copy"
    renamed.write_bytes(b"")
    assert project_argument([str(renamed)], COMMANDS) == ["--db", str(renamed)]


def test_commands_options_and_unknown_words_are_left_alone() -> None:
    assert project_argument(["stats", "--format", "json"], COMMANDS) == ["stats", "--format", "json"]
    # --annotator takes a value: "stats" after it is that value's neighbour, not a file.
    assert project_argument(["--annotator", "x.annotator", "stats"], COMMANDS) == ["--annotator", "x.annotator", "stats"]
    assert project_argument(["--db", "p.db", "import", "a.db"], COMMANDS) == ["--db", "p.db", "import", "a.db"]
    assert project_argument(["improt"], COMMANDS) == ["improt"]
    assert project_argument(["--", "x.annotator"], COMMANDS) == ["--", "x.annotator"]
    assert project_argument([], COMMANDS) == []


def test_the_command_line_opens_the_file_given_first(tmp_path: Path, seeds: Path) -> None:
    project = tmp_path / "news.annotator"
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(project), "import", str(seeds)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [str(project), "stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == len(list(seeds.glob("*.txt")))


def test_without_a_command_the_file_goes_to_the_window(tmp_path: Path, monkeypatch) -> None:
    import annotator.gui.app as gui_app

    opened = []
    monkeypatch.setattr(gui_app, "run_gui", lambda db, name: opened.append((db, name)) or 0)
    project = tmp_path / "news.annotator"
    result = CliRunner().invoke(main, ["--annotator", "dana", str(project)])
    assert result.exit_code == 0, result.output
    assert opened == [(project, "dana")]
