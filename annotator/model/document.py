"""Documents: validated text in one canonical form, its metadata and its content hash.

Every offset in the project refers to the *stored* text, which is the imported text with line
endings normalised to ``\\n`` and a leading byte order mark removed. :func:`normalize_text`
returns an :class:`OffsetMap` so that offsets read from a file made against the original text
(a brat ``.ann``, say) can be moved onto the stored text.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Mapping

MAX_DOCUMENT_CHARS = 10_000_000
"""Longer texts are refused at import: nobody annotates a 10-million-character article by hand."""


class TextError(ValueError):
    """Text that cannot be stored: a NUL, a lone surrogate, nothing at all, or too much."""


def check_text(text: str) -> None:
    """Raise :class:`TextError` naming the first reason ``text`` cannot be stored."""
    if not isinstance(text, str):
        raise TextError(f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise TextError("the text is empty")
    if len(text) > MAX_DOCUMENT_CHARS:
        raise TextError(f"the text has {len(text):,} characters; the limit is {MAX_DOCUMENT_CHARS:,}")
    nul = text.find("\x00")
    if nul >= 0:
        raise TextError(f"the text contains a NUL character at offset {nul}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise TextError(
            f"the text contains a lone surrogate (U+{ord(text[error.start]):04X}) at offset {error.start}"
        ) from None


@dataclass(frozen=True)
class OffsetMap:
    """Moves offsets of an original text onto its normalised form.

    ``removed`` holds the original positions of the characters normalisation dropped; an offset
    moves left by the number of dropped characters before it.
    """

    removed: tuple[int, ...] = ()

    def __call__(self, offset: int) -> int:
        return offset - bisect_left(self.removed, offset)

    @property
    def is_identity(self) -> bool:
        return not self.removed


def normalize_text(text: str) -> tuple[str, OffsetMap]:
    """Drop a leading BOM and turn ``\\r\\n`` and lone ``\\r`` into ``\\n``.

    Qt would otherwise count ``\\r\\n`` as one block separator and every offset after it would
    drift by one on screen.
    """
    removed: list[int] = []
    has_bom = text.startswith("\ufeff")
    if has_bom:
        removed.append(0)
    if "\r" not in text:
        return (text[1:] if has_bom else text), OffsetMap(tuple(removed))
    position = text.find("\r\n")
    while position >= 0:
        removed.append(position)
        position = text.find("\r\n", position + 2)
    normalized = (text[1:] if has_bom else text).replace("\r\n", "\n").replace("\r", "\n")
    return normalized, OffsetMap(tuple(removed))


def content_hash(text: str) -> str:
    """The identity of a document: SHA-256 of its stored text, so re-imports find it again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_title(text: str, limit: int = 120) -> str:
    """The first non-empty line, shortened to ``limit`` characters at a word boundary."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            if len(line) <= limit:
                return line
            cut = line.rfind(" ", 0, limit)
            return line[: cut if cut > limit // 2 else limit].rstrip() + "…"
    return ""


@dataclass(frozen=True)
class Document:
    """An article: stored text plus its metadata. ``id`` is set once the project holds it."""

    text: str
    title: str = ""
    date: str | None = None
    source: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    content_hash: str = ""

    def __post_init__(self) -> None:
        check_text(self.text)
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.text))
        if not self.title:
            object.__setattr__(self, "title", default_title(self.text))

    @property
    def meta(self) -> dict[str, Any]:
        """Title, date and source together with any other metadata the document came with."""
        meta: dict[str, Any] = {"title": self.title}
        if self.date:
            meta["date"] = self.date
        if self.source:
            meta["source"] = self.source
        meta.update({k: v for k, v in self.extra.items() if k not in meta})
        return meta
