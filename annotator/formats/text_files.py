"""Reading text files safely, and the two plain-text formats: seed articles and ``.txt``.

A seed article's first line is ``date YYYY-MM-DD`` followed by the headline; the date goes to
the document's metadata and is *not* part of the stored text (fed to NER it becomes a wrong
DATE entity). Any other ``.txt`` is stored as it is, titled by its first line.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.formats.records import Problem, ReadError, Record, build_record
from annotator.model.document import MAX_DOCUMENT_CHARS

MAX_FILE_BYTES = 4 * MAX_DOCUMENT_CHARS
"""UTF-8 takes at most four bytes a character: a larger single-document file cannot fit."""

_SEED_FIRST_LINE = re.compile(r"^[ \t\ufeff]*date[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*")


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte order mark names (UTF-32 before UTF-16: its mark starts the same), or None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def unmarked_encoding(head: bytes) -> str | None:
    """What a file with NUL bytes and no byte order mark most likely is: "binary", UTF-16 or UTF-32
    text without its mark (ASCII letters with one or three NULs beside each), or None when such
    bytes are few (stray bytes in a text file, then named by the line they are on)."""
    if not head.count(0):
        return None
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    if controls * 20 <= len(head):  # a few stray bytes in text (under 5%), not a binary file
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        for offset in range(width):
            letters = head[offset::width]
            others = bytes(b for i, b in enumerate(head) if i % width != offset)
            if letters and not others.strip(b"\x00") and letters.count(0) * 10 < len(letters):
                return f"{name} text without a byte order mark"
    return "binary, not text"


def decode(raw: bytes, what: str = "file") -> str:
    """UTF-8 text of ``raw``, or :class:`ReadError` saying why it is not text."""
    if not raw.strip():
        raise ReadError(f"the {what} is empty")
    encoding = bom_encoding(raw)
    if encoding is not None:
        # UTF-16/32 with its byte order mark (Windows' "Unicode" text): read as what it is.
        try:
            return raw.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            raise ReadError(f"the {what} is {encoding.upper()} text that does not decode; save it as UTF-8 and import it again") from None
    kind = unmarked_encoding(raw[:8192])
    if kind is not None:
        raise ReadError(f"the {what} is {kind}" + ("" if kind.startswith("binary") else "; save it as UTF-8 and import it again"))
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        line = raw[:at].count(b"\n") + 1
        raise ReadError(f"line {line}: the {what} holds a NUL byte (0x00) at byte {at}, which text never has")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ReadError(
            f"line {line}: the {what} is not valid UTF-8 (byte 0x{raw[error.start]:02x} at byte {error.start}); "
            "save it as UTF-8 and import it again"
        ) from None


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The whole of a text file; binary, empty, undecodable or enormous files raise :class:`ReadError`."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise ReadError(f"the file is too large ({size / 1e6:,.0f} MB; one document may have at most {MAX_DOCUMENT_CHARS:,} characters)")
        raw = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read the file: {error.strerror or error}") from None
    return decode(raw)


def read_plain_text(path: Path, name: str, problems: list[Problem]) -> Record:
    """A ``.txt`` file: a seed article when its first line starts with ``date YYYY-MM-DD``."""
    text = read_text(path)
    match = _SEED_FIRST_LINE.match(text)
    if match is None:
        return build_record(text, name, "", source=Path(name).name, problems=problems)
    body = text[match.end() :]
    first_line = body.split("\n", 1)[0].strip()
    return build_record(body, name, "", title=first_line, date=match.group(1), source=Path(name).name, problems=problems)
