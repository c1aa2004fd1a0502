"""Seed articles and plain text files, and the checks every text file goes through."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.records import Problem, ReadError
from annotator.formats.text_files import read_plain_text


def _read(path: Path) -> tuple:
    problems: list[Problem] = []
    return read_plain_text(path, str(path), problems), problems


def test_seed_article_date_and_title_leave_the_text(seeds: Path) -> None:
    record, problems = _read(seeds / "004_ff85b728ae4bd597.txt")
    document = record.document
    assert not problems
    assert document.date == "2021-08-13"
    assert document.title == "3,000 troops are being sent to Afghanistan as part of a temporary mission to evacuate the US Embassy."
    assert document.text.startswith("3,000 troops are being sent")
    assert "date 2021" not in document.text
    assert not record.annotated


def test_plain_text_is_titled_by_its_first_line_and_crlf_is_normalised(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("\ufeffTalks in Doha\r\n\r\nDelegates met on Sunday.\r\n".encode("utf-8"))
    record, _ = _read(path)
    assert record.document.title == "Talks in Doha"
    assert record.document.text == "Talks in Doha\n\nDelegates met on Sunday.\n"
    assert record.document.date is None and record.document.source == "note.txt"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\xe9 in M\xfcnchen".encode("latin-1"), "line 1: the file is not valid UTF-8"),
        (b"date 2021-08-16\n\n", "the text is empty"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        _read(path)


def test_enormous_files_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.formats import text_files

    path = tmp_path / "huge.txt"
    path.write_text("word " * 1000)
    monkeypatch.setattr(text_files, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ReadError, match="too large"):
        text_files.read_text(path, text_files.MAX_FILE_BYTES)
