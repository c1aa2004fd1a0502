"""The command line as a user meets it: init, import, stats; bad input gives one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_default_project_is_created_with_the_seeds_in_the_data_folder() -> None:
    code, out, _ = run("stats", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"documents": 2, "layers": {}}
    assert (Path(os.environ["XDG_DATA_HOME"]) / "annotator" / "project.db").exists()


def test_import_then_stats(tmp_path: Path, data: Path) -> None:
    db = str(tmp_path / "p.db")
    code, out, err = run("--db", db, "import", str(data / "doccano" / "sequence_labeling.jsonl"), "--annotator", "bob")
    assert code == 0, err
    assert "Imported 3 new document(s)" in out and "layer 'bob' received 6 span(s)" in out
    code, out, _ = run("--db", db, "stats", "--format", "json")
    assert json.loads(out) == {
        "documents": 3,
        "layers": {"bob": {"kind": "annotator", "documents": 3, "spans": 6, "events": 0, "done": 3, "relations": 0}},
    }
    code, out, _ = run("--db", db, "stats")
    assert "bob (annotator): 3 document(s), 3 done, 6 span(s), 0 event(s)" in out


def test_problems_give_a_nonzero_exit_and_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "One."}\n{"text": \n')
    code, out, err = run("--db", str(tmp_path / "p.db"), "import", str(bad))
    assert code == 1
    assert "Imported 1 new document(s)" in out
    assert f"{bad}, line 2: record skipped: not valid JSON" in err
    assert "Traceback" not in out + err


def test_strict_writes_nothing(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "p.db"
    code, _, err = run("--db", str(db), "import", "--strict", str(seeds), str(tmp_path / "nope.txt"))
    assert code == 1 and "nothing was written" in err and "nope.txt: no such file or folder" in err
    code, out, _ = run("--db", str(db), "stats", "--format", "json")
    assert json.loads(out)["documents"] == 0


def test_init_with_a_schema_and_its_errors(tmp_path: Path) -> None:
    schema = tmp_path / "schema.toml"
    schema.write_text('[entities.PER]\ncolor = "#112233"\nkey = "p"\n\n[entities.LOC]\ncolor = "blue"\n')
    code, _, err = run("--db", str(tmp_path / "a.db"), "init", "--schema", str(schema))
    assert code == 1 and f"{schema}, line 6: color of 'LOC' must look like" in err
    assert not (tmp_path / "a.db").exists() or (tmp_path / "a.db").stat().st_size == 0
    schema.write_text('[entities.PER]\ncolor = "#112233"\nkey = "p"\n')
    code, out, _ = run("--db", str(tmp_path / "a.db"), "init", "--schema", str(schema))
    assert code == 0 and "1 entity labels and 0 event types" in out
    code, _, err = run("--db", str(tmp_path / "a.db"), "init")
    assert code == 1 and "already exists" in err


def test_stats_of_a_missing_project_says_how_to_make_one(tmp_path: Path) -> None:
    code, _, err = run("--db", str(tmp_path / "none.db"), "stats")
    assert code == 1 and "annotator --db" in err and "init" in err
    assert not (tmp_path / "none.db").exists()


def test_a_file_that_is_not_a_project(tmp_path: Path) -> None:
    other = tmp_path / "essay.db"
    other.write_text("Just some words in a file that happens to end in .db" * 50)
    code, _, err = run("--db", str(other), "stats")
    assert code == 1 and "not an annotator project" in err


def test_bad_annotator_name(tmp_path: Path, seeds: Path) -> None:
    code, _, err = run("--db", str(tmp_path / "p.db"), "import", str(seeds), "--annotator", "  ")
    assert code == 2 and "cannot be empty" in err


def test_every_command_has_help() -> None:
    for command in main.commands:
        code, out, _ = run(command, "--help")
        assert code == 0 and "Usage:" in out


def test_installed_command_runs_without_traceback(tmp_path: Path) -> None:
    """The console script a user types, as a separate process."""
    script = Path(sys.executable).parent / "annotator"
    if not script.exists():
        pytest.skip("the annotator command is not installed in this environment")
    env = dict(os.environ)
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    result = subprocess.run(
        [str(script), "--db", str(tmp_path / "p.db"), "import", str(binary)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert "blob.txt: file skipped: the file is binary, not text" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_export_writes_the_file_and_says_what_went_out(tmp_path: Path, data: Path) -> None:
    db = str(tmp_path / "p.db")
    run("--db", db, "import", str(data / "brat-news"), "--annotator", "alice")
    code, _, err = run("--db", db, "export", "jsonl", str(tmp_path / "out.jsonl"))
    assert code == 1 and "no 'gold' layer" in err and "alice (annotator)" in err and "Traceback" not in err
    code, out, err = run("--db", db, "export", "brat", str(tmp_path / "brat"), "--layer", "alice")
    assert code == 0, err
    assert "Exported 4 document(s)" in out and "20 event(s) and 2 relation(s) of layer 'alice' (status done)" in out
    assert (tmp_path / "brat" / "annotation.conf").exists()
    code, out, _ = run("--db", db, "export", "conll", str(tmp_path / "out.conll"), "--layer", "alice", "--status", "any")
    assert code == 0 and "20 event(s) (CoNLL holds entity tags only)" in out
    assert "2 relation(s) (CoNLL holds entity tags only)" in out
    code, _, err = run("--db", db, "export", "xml", str(tmp_path / "out.xml"), "--layer", "alice")
    assert code == 2 and "xml" in err
