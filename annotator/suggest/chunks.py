"""Cutting long documents into pieces a pipeline can take, on paragraph boundaries.

spaCy refuses texts over ``nlp.max_length`` and its parser and NER need about 1 GB of memory per
100,000 characters, so a long document is processed as chunks under a limit and the offsets of
what is found are shifted back by each chunk's start. Cuts fall at blank lines where possible,
else at line breaks, else after a sentence end, else at a space; only a text with none of these
is cut mid-word.
"""

from __future__ import annotations

import re

CHUNK_CHARS = 10_000
"""The most characters given to the pipeline at once, whatever its ``max_length`` allows.

Measured on a 1,000,000-character article (tests/benchmarks/bench_suggest.py): 100,000-character
chunks peaked at 556-563 MB, 10,000-character ones at 286 MB, with 1 of 26,848 entities and 5 of
7,940 events different (at the cuts). Short chunks also walk side by side in the entity scorer
(:mod:`annotator.suggest.entity_scores`), one model call per step for all of them."""

_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),  # a blank line (and whatever space follows it)
    re.compile(r"\n\s*"),  # a line break
    re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+"),  # after a sentence end
    re.compile(r"\s+"),  # any space
)


def chunk_limit(max_length: int) -> int:
    """The chunk size for a pipeline whose ``max_length`` is ``max_length``."""
    return max(1, min(max_length - 1, CHUNK_CHARS))


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text`` in order, each piece at most ``limit`` characters.

    ``text[offset:offset + len(piece)] == piece`` for every pair; a text within the limit comes
    back whole. The separators between pieces (blank lines, spaces) may be left out.
    """
    if limit < 1:
        raise ValueError("the chunk limit must be at least one character")
    if len(text) <= limit:
        return [(0, text)] if text else []
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, limit)
        if text[start:end].strip():
            pieces.append((start, text[start:end]))
        start = _skip_space(text, end)
    if start < len(text) and text[start:].strip():
        pieces.append((start, text[start:]))
    return pieces


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece that begins at ``start`` ends: the last good boundary within the limit."""
    window_end = start + limit
    # Only look back over the last half of the window, so that a piece is never tiny.
    floor = start + limit // 2
    for pattern in _BOUNDARIES:
        last = None
        for match in pattern.finditer(text, floor, window_end):
            last = match
        if last is not None and last.start() > start:
            return last.start()
    return window_end


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position
