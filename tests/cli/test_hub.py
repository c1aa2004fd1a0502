"""The hub commands without a server: a missing driver, passwords in URLs, an unconnected project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.hub.connection import HubError, check_url


def test_the_app_does_not_load_the_postgresql_driver() -> None:
    code = "import sys, annotator.cli, annotator.gui.main_window; print('psycopg' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_without_the_driver_the_command_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes `import psycopg` fail as if not installed
    result = CliRunner().invoke(main, ["hub", "init", "postgresql://lead@db.example.org/hub"])
    assert result.exit_code == 1
    assert "pip install 'annotator[hub]'" in result.output
    assert "Traceback" not in result.output


def test_a_password_in_the_url_is_refused() -> None:
    result = CliRunner().invoke(main, ["hub", "init", "postgresql://lead:secret@db.example.org/hub"])
    assert result.exit_code == 2
    assert "PGPASSWORD" in result.output and "secret" not in result.output.replace("password", "")
    with pytest.raises(HubError, match="postgresql://"):
        check_url("mysql://lead@db/hub")
    assert check_url("postgresql://ann@/hub?host=/tmp&port=5432") == "postgresql://ann@/hub?host=/tmp&port=5432"


def test_sync_of_a_project_without_a_hub_says_how_to_connect(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "p.db"), "sync"])
    assert result.exit_code == 1
    assert "annotator hub connect URL" in result.output
    status = CliRunner().invoke(main, ["--db", str(tmp_path / "p.db"), "hub", "status"])
    assert status.exit_code == 0 and "Not connected" in status.output
