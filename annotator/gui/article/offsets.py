"""The one place where code points meet Qt's UTF-16 positions.

Python strings, the project, spaCy and every export count code points; ``QTextDocument`` and
``QTextCursor`` count UTF-16 code units, in which a character above U+FFFF (most emoji, many
CJK extensions, flags are two of them) takes two. The text shown is the stored text with
``\\n`` line ends, so these characters are the only difference between the two counts.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    """Converts offsets of one text between code points and UTF-16 positions."""

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position where each astral character starts.
        self._qt_starts = [cp + i for i, cp in enumerate(self._astral)]
        self.length = len(text) + len(self._astral)

    @property
    def identity(self) -> bool:
        return not self._astral

    def to_qt(self, offset: int) -> int:
        """UTF-16 position of code point offset ``offset``."""
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """Code point offset of UTF-16 ``position``; inside a surrogate pair, the character's start."""
        before = bisect_left(self._qt_starts, position)
        if before and position == self._qt_starts[before - 1] + 1:
            return self._astral[before - 1]
        return position - before
