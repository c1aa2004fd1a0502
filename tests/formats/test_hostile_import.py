"""Hostile input to import: each case skipped (or imported) with file and line, good records kept,
never a project that cannot be opened again."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.formats.importer import import_paths
from annotator.model.layer import DocStatus
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project

COMPANY = '{"text":"Acme Corp hired Jane Doe.","label":[[0,9,"Company Name"]]}'
GOOD = '{"text":"Jane Doe left Acme.","label":[[0,8,"PERSON"]]}'


def _write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_label_with_a_space_is_refused_with_file_and_line_and_the_project_still_opens(tmp_path: Path) -> None:
    source = _write(tmp_path, "doccano.jsonl", COMPANY, GOOD)
    db = tmp_path / "p.db"
    code, out, err = _cli("--db", str(db), "import", str(source), "--annotator", "bob")
    assert code == 1
    assert "doccano.jsonl, line 1, label 1: span skipped: label 'Company Name' cannot be used: it holds a space" in err
    assert "'Company_Name'" in err  # says how to rename it
    assert "Imported 2 new document(s)" in out
    # The project opens again, for every command, and its schema never took the name.
    code, out, err = _cli("--db", str(db), "stats", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["documents"] == 2
    with ProjectStore.open(db) as store:
        schema = store.schema()
        assert schema is not None and "Company Name" not in schema.entity_names


def test_tabs_line_breaks_and_overlong_names_are_refused_for_labels_types_and_roles(tmp_path: Path) -> None:
    long = "L" * 65
    event = {"type": "Meet Up", "trigger": {"start": 0, "end": 4}, "arguments": []}
    role = {"type": "Contact:Meet", "trigger": {"start": 0, "end": 4}, "arguments": [{"role": "Who\tever", "start": 5, "end": 9, "label": "PERSON"}]}
    source = _write(
        tmp_path, "names.jsonl",
        json.dumps({"text": "Acme Corp.", "label": [[0, 4, "A\tB"]]}),
        json.dumps({"text": "Acme Corp!", "label": [[0, 4, "A\nB"]]}),
        json.dumps({"text": "Acme Corp?", "label": [[0, 4, long]]}),
        json.dumps({"text": "Meet Jane.", "events": [event]}),
        json.dumps({"text": "Meet Jane!", "events": [role]}),
    )
    with create_project(tmp_path / "p.db") as store:
        report = import_paths(store, [source], "bob")
        messages = [str(p) for p in report.problems]
        assert "tab, line break or other control character" in messages[0] and "line 1" in messages[0]
        assert "line 2" in messages[1] and "control character" in messages[1]
        assert "line 3" in messages[2] and "65 characters long" in messages[2]
        assert "line 4" in messages[3] and "event type 'Meet Up'" in messages[3]
        assert "line 5" in messages[4] and "role 'Who\\tever'" in messages[4]
        assert report.documents_added == 5
    with ProjectStore.open(tmp_path / "p.db") as store:
        schema = store.schema()
        assert schema is not None and long not in schema.entity_names and "Meet Up" not in schema.event_names


def test_a_project_that_already_holds_such_a_schema_opens_and_says_how_to_fix_it(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with create_project(db) as store:
        import_paths(store, [_write(tmp_path, "good.jsonl", GOOD)], "bob")
        # What an older version wrote: the name in the schema and in the annotations.
        data = store.setting("label_schema")
        data["entities"]["Company Name"] = {"color": "#123456"}
        store.set_setting("label_schema", data)
        store._db.execute("UPDATE spans SET label = 'Company Name'")
        store._db.conn.commit()
    code, out, err = _cli("--db", str(db), "stats")
    assert code == 0
    assert "'Company Name' → 'Company_Name'" in err and "annotator --db" in err and "repair-names" in err
    code, out, err = _cli("--db", str(db), "repair-names")
    assert code == 0, err
    assert "'Company Name' → 'Company_Name'" in out
    with ProjectStore.open(db) as store:
        schema = store.schema()
        assert schema is not None and "Company_Name" in schema.entity_names and "Company Name" not in schema.entity_names
        layer = store.layer("bob")
        (span,) = store.annotations(layer.id, store.document_ids()[0]).spans  # type: ignore[arg-type]
        assert span.label == "Company_Name"
    code, out, err = _cli("--db", str(db), "stats")
    assert code == 0 and "repair-names" not in err


def test_a_lone_surrogate_in_a_label_or_a_meta_field_skips_that_record_only(tmp_path: Path) -> None:
    source = _write(
        tmp_path, "surrogates.jsonl",
        '{"text":"Acme hired Jane.","label":[[0,4,"ORG\\ud83d"]]}',
        '{"text":"Acme fired Jane.","meta":{"note":"x\\udc00y"}}',
        '{"text":"Acme paid Jane.","meta":{"title":"\\ud83d"}}',
        GOOD,
    )
    code, out, err = _cli("--db", str(tmp_path / "p.db"), "import", str(source), "--annotator", "bob")
    assert code == 1 and "unexpected" not in err
    assert "surrogates.jsonl, line 1: record skipped: a lone surrogate escape in label.1.3 (U+D83D)" in err
    assert "surrogates.jsonl, line 2: record skipped: a lone surrogate escape in meta.note (U+DC00)" in err
    assert "surrogates.jsonl, line 3: record skipped: a lone surrogate escape in meta.title" in err
    assert "Imported 1 new document(s)" in out


def test_json_nested_too_deeply_and_huge_integers_skip_their_line_only(tmp_path: Path) -> None:
    deep = '{"text":"Acme hired Jane.","meta":{"x":' + "[" * 200_000 + "]" * 200_000 + "}}"
    huge = '{"text":"Acme fired Jane.","meta":{"n":' + "7" * 5000 + "}}"
    source = _write(tmp_path, "hostile.jsonl", deep, huge, GOOD)
    code, out, err = _cli("--db", str(tmp_path / "p.db"), "import", str(source), "--annotator", "bob")
    assert code == 1 and "unexpected" not in err
    assert "hostile.jsonl, line 1: record skipped: the JSON is nested too deeply to read" in err
    assert "hostile.jsonl, line 2: record skipped: a value cannot be read (Exceeds the limit (4300 digits)" in err
    assert "Imported 1 new document(s)" in out


def test_a_file_name_that_is_not_utf8_is_imported_and_named_readably(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.jsonl")
    with open(raw, "w", encoding="utf-8") as handle:
        handle.write(GOOD + "\n" + '{"text": 1}\n')
    code, out, err = _cli("--db", str(tmp_path / "p.db"), "import", str(folder), "--annotator", "bob")
    assert "unexpected" not in err
    assert "caf\ufffd.jsonl: the file name is not valid UTF-8" in err
    assert "caf\ufffd.jsonl, line 2: record skipped" in err
    assert "Imported 1 new document(s)" in out
    with ProjectStore.open(tmp_path / "p.db") as store:
        (document,) = store.documents()
        assert document.source == "caf\ufffd.jsonl"


def test_a_record_with_one_bad_span_is_left_in_progress_not_done(tmp_path: Path) -> None:
    source = _write(
        tmp_path, "partly.jsonl",
        '{"text":"Acme Corp hired Jane Doe.","label":[[0,9,"ORG"],[16,99,"PERSON"]]}',
        '{"text":"Jane Doe left Acme.","label":[[0,8,"PERSON"]]}',
    )
    db = tmp_path / "p.db"
    code, out, err = _cli("--db", str(db), "import", str(source), "--annotator", "bob")
    assert code == 1
    assert "1 document(s) had some annotations skipped" in err and "in progress" in err
    with ProjectStore.open(db) as store:
        layer = store.layer("bob")
        statuses = {store.document(d).text[:4]: s for d, s in store.statuses(layer.id).items()}  # type: ignore[arg-type]
        assert statuses == {"Acme": DocStatus.IN_PROGRESS, "Jane": DocStatus.DONE}
    code, out, err = _cli("--db", str(db), "export", "jsonl", str(tmp_path / "done.jsonl"), "--layer", "bob")
    assert code == 0, err
    exported = [json.loads(line)["text"] for line in (tmp_path / "done.jsonl").read_text().splitlines()]
    assert exported == ["Jane Doe left Acme."]


def test_a_hundred_thousand_bad_lines_print_a_bounded_number_of_messages(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(GOOD + "\n" + "not json\n" * 100_000, encoding="utf-8")
    code, out, err = _cli("--db", str(tmp_path / "p.db"), "import", str(source))
    assert code == 1
    assert "100,000 problem(s)" in err and "... and 99,990 more problems" in err
    assert len(err.splitlines()) < 20


def test_a_utf16_file_is_imported_not_called_binary(tmp_path: Path) -> None:
    jsonl = tmp_path / "windows.jsonl"
    jsonl.write_bytes("\ufeff".encode("utf-16-le").join([b""]) + (GOOD + "\r\n" + COMPANY.replace("Company Name", "ORG") + "\r\n").encode("utf-16"))
    text = tmp_path / "note.txt"
    text.write_bytes("Zoë met Jane in Köln.\r\n".encode("utf-16"))
    with create_project(tmp_path / "p.db") as store:
        report = import_paths(store, [jsonl, text], "bob")
        assert report.ok, [str(p) for p in report.problems]
        assert report.documents_added == 3 and report.spans_added == 2
        assert sorted(d.text for d in store.documents()) == ["Acme Corp hired Jane Doe.", "Jane Doe left Acme.", "Zoë met Jane in Köln.\n"]


def test_an_unreadable_subfolder_is_reported_not_skipped_silently(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    _write(folder, "a.jsonl", GOOD)
    real_scandir = os.scandir

    def scandir(path):  # what the file system answers for a folder without read permission
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with create_project(tmp_path / "p.db") as store:
        report = import_paths(store, [folder], "bob")
    assert [str(p) for p in report.problems] == [f"{folder / 'locked'}: folder skipped: cannot read it (Permission denied)"]
    assert report.documents_added == 1
