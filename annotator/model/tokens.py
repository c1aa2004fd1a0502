"""Tokens of a document: how they are kept, and span arithmetic on token boundaries.

A project stores each document's tokens once, at import, in the exact JSON form the JSONL export
writes (``text``, ``start``, ``end``, ``id``, ``ws``), compressed. Export then copies it without
re-tokenising; the window snaps selections to token boundaries; agreement labels tokens.
"""

from __future__ import annotations

import json
import re
import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Sequence

_OFFSETS = re.compile(rb'"start":(\d+),"end":(\d+),"id":')
"""A token's offsets in the stored token JSON (see :func:`encode_tokens`)."""

TokenOffsets = Sequence[tuple[int, int, bool]]
"""``(start, end, followed_by_a_space)`` per token, in code points."""


def encode_tokens(text: str, offsets: TokenOffsets) -> bytes:
    """The stored form of a document's tokens."""
    tokens = [
        {"text": text[start:end], "start": start, "end": end, "id": i, "ws": bool(ws)}
        for i, (start, end, ws) in enumerate(offsets)
    ]
    return zlib.compress(json.dumps(tokens, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def token_json(blob: bytes) -> str:
    """The stored tokens as the JSON array text the JSONL export writes verbatim."""
    return zlib.decompress(blob).decode("utf-8")


@dataclass(frozen=True)
class Tokens:
    """Token boundaries of one document, for snapping and stepping spans a token at a time."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def from_blob(cls, blob: bytes | None) -> Tokens:
        if not blob:
            return cls((), ())
        js = zlib.decompress(blob)
        # Only the offsets are needed: read them off the JSON this project writes (a token's text
        # cannot hold an unescaped quote, so the pattern matches tokens only) instead of building
        # a dictionary and a string per token; about twice as fast. JSON in any other form (a
        # count that does not match the tokens) is parsed.
        pairs = _OFFSETS.findall(js)
        if not pairs or len(pairs) != js.count(b'{"text":'):
            tokens = json.loads(js)
            return cls(tuple(t["start"] for t in tokens), tuple(t["end"] for t in tokens))
        starts, ends = zip(*pairs)
        return cls(tuple(map(int, starts)), tuple(map(int, ends)))

    @classmethod
    def from_offsets(cls, offsets: TokenOffsets) -> Tokens:
        return cls(tuple(o[0] for o in offsets), tuple(o[1] for o in offsets))

    def __len__(self) -> int:
        return len(self.starts)

    def index_at(self, offset: int) -> int | None:
        """The token containing the character at ``offset``, if any."""
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return i
        return None

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """First and last (inclusive) token overlapping ``[start, end)``, or ``None``."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end) - 1
        if first >= len(self.starts) or last < first:
            return None
        return first, last

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen ``[start, end)`` to whole tokens; whitespace at either edge is dropped first.

        A selection that touches no token comes back unchanged.
        """
        found = self.token_range(start, end)
        if found is None:
            return start, end
        first, last = found
        return self.starts[first], self.ends[last]

    def grow(self, start: int, end: int, side: str) -> tuple[int, int]:
        """Extend the span by one token on ``side`` ("start" or "end")."""
        if side == "end":
            i = bisect_left(self.starts, end)
            return (start, self.ends[i]) if i < len(self.starts) else (start, end)
        i = bisect_right(self.ends, start) - 1
        return (self.starts[i], end) if i >= 0 else (start, end)

    def shrink(self, start: int, end: int, side: str) -> tuple[int, int]:
        """Drop one token from ``side``; a span of one token stays as it is."""
        found = self.token_range(start, end)
        if found is None or found[0] == found[1]:
            return start, end
        first, last = found
        if side == "end":
            return start, self.ends[last - 1]
        return self.starts[first + 1], end
