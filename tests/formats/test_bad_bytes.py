"""Issue 22, finding 7: bad bytes are named where they are, and encodings by their name."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.importer import import_paths
from annotator.store.project import ProjectStore


def _messages(report) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(p) for p in report.problems)


def test_one_nul_byte_skips_its_line_only_named_by_file_and_line(store: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "first fine"}\n{"text": "bad \x00 here"}\n{"text": "third fine"}\n')
    report = import_paths(store, [path])
    assert {d.text for d in store.documents()} == {"first fine", "third fine"}
    assert "a.jsonl, line 2: record skipped: a NUL byte (0x00)" in _messages(report)


def test_utf32_is_read_with_its_mark_and_named_without_it(store: ProjectStore, tmp_path: Path) -> None:
    marked = tmp_path / "marked.jsonl"
    marked.write_bytes('{"text": "Grüße aus Kabul"}\n'.encode("utf-32"))
    bare = tmp_path / "bare.jsonl"
    bare.write_bytes('{"text": "no mark"}\n'.encode("utf-32-le"))
    bare16 = tmp_path / "bare16.txt"
    bare16.write_bytes("no mark either".encode("utf-16-le"))
    report = import_paths(store, [marked, bare, bare16])
    assert {d.text for d in store.documents()} == {"Grüße aus Kabul"}
    messages = _messages(report)
    assert "bare.jsonl: file skipped: the file is UTF-32 text without a byte order mark; save it as UTF-8" in messages
    assert "bare16.txt: file skipped: the file is UTF-16 text without a byte order mark" in messages
    assert "offset 0" not in messages


def test_a_nul_in_a_text_file_is_named_by_line(store: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"Title\nsome text\nmore \x00 text" + b" padding" * 40)
    report = import_paths(store, [path])
    assert "t.txt: file skipped: line 3: the file holds a NUL byte (0x00)" in _messages(report)


def test_a_brat_pair_named_by_both_files_is_read_and_reported_once(store: ProjectStore, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Jane met Bob in Kabul.", encoding="utf-8")
    (tmp_path / "x.ann").write_text("T1\tPERSON 0 4\tJane\nT2 PERSON 9 12 Bob\nE1\tContact:Meet:T9\n", encoding="utf-8")
    report = import_paths(store, [tmp_path / "x.txt", tmp_path / "x.ann"])
    assert report.files == 1
    messages = _messages(report)
    assert messages.count("line 2") == 1 and "has no tab" in messages and "offsets ''" not in messages
    assert "its trigger T9 is missing" in messages and "Meet:T9" not in messages


def test_a_symlink_to_itself_is_named_as_such(store: ProjectStore, tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    report = import_paths(store, [loop])
    assert "symbolic link that leads nowhere" in _messages(report)
