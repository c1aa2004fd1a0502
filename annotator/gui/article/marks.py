"""The article's highlights as data: :class:`Mark`, their styles, and :class:`MarkList`, the
ordered collection the view paints from (see :mod:`annotator.gui.article.text_view`).

A long article shows tens of thousands of spans, but a screen shows a few dozen. Making a
:class:`Mark` (colour, style, Qt positions) for every span before the first paint was a large
part of opening one, so a :class:`MarkList` can hold the annotations themselves, ordered by their
start, and make each one's mark the first time it is painted, clicked or changed. Only the starts
(for bisection) are computed up front.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import IntEnum
from operator import attrgetter
from typing import Any, Callable, Iterable, Iterator

from PySide6.QtGui import QColor

from annotator.model.annotations import Event


class Style(IntEnum):
    SPAN = 0
    SUGGESTION = 1
    DISAGREEMENT = 2
    TRIGGER = 3
    SUGGESTED_TRIGGER = 4
    ARGUMENT = 5


SPAN_LIKE = (Style.SPAN, Style.SUGGESTION, Style.DISAGREEMENT)


@dataclass
class Mark:
    """One highlight, in Qt (UTF-16) positions."""

    start: int
    end: int
    color: QColor
    style: Style
    uid: str
    caption: str = ""
    level: int = 0


def assign_levels(marks: list[Mark]) -> None:
    """Give overlapping span marks distinct levels (0 = fill), lowest free level first.

    Run on the marks of the visible stretch at paint time, so its cost follows the screen.
    """
    active: list[Mark] = []
    for mark in sorted((m for m in marks if m.style in SPAN_LIKE), key=lambda m: (m.start, -m.end)):
        active = [a for a in active if a.end > mark.start]
        used = {a.level for a in active}
        mark.level = next(level for level in range(len(used) + 1) if level not in used)
        active.append(mark)


class MarkList:
    """Marks in order of start (Qt positions; ties keep the order they were given in). An entry
    is a :class:`Mark`, or a source (an annotation) that ``make`` turns into one when first asked
    for; ``starts`` is kept beside them for bisection. Entries are found by uid through an index
    made on the first look-up (not at open, where nothing is selected yet)."""

    def __init__(self, entries: list, starts: list[int], longest: int, make: Callable[[Any], Mark] | None = None,
                 start_of: Callable[[Any], int] | None = None):
        self._entries = entries
        self.starts = starts
        self.longest = longest
        self._make = make
        self._start_of = start_of
        self._by_uid: dict[str, list] | None = None

    @classmethod
    def of_marks(cls, marks: Iterable[Mark]) -> MarkList:
        ordered = sorted(marks, key=attrgetter("start"))
        return cls(ordered, [m.start for m in ordered], max((m.end - m.start for m in ordered), default=0))

    @classmethod
    def of_annotations(cls, annotations: Iterable[Any], make: Callable[[Any], Mark], to_qt: Callable[[int], int] | None) -> MarkList:
        """Marks of spans and events (by their trigger), made by ``make`` when needed; ``to_qt``
        converts code points to Qt positions (None: the text has no character above U+FFFF)."""
        items = list(annotations)
        places = [a.trigger if type(a) is Event else a.span for a in items]
        starts = [p.start for p in places]
        ends = [p.end for p in places]
        if to_qt is not None:
            starts = [to_qt(s) for s in starts]
            ends = [to_qt(e) for e in ends]
        longest = max(map(int.__sub__, ends, starts), default=0)
        if any(a > b for a, b in zip(starts, starts[1:])):
            order = sorted(range(len(items)), key=starts.__getitem__)  # stable: ties keep their order
            items = [items[i] for i in order]
            starts = [starts[i] for i in order]

        def start_of(a: Any) -> int:
            start = (a.trigger if type(a) is Event else a.span).start
            return to_qt(start) if to_qt is not None else start

        return cls(items, starts, longest, make, start_of)

    def __len__(self) -> int:
        return len(self._entries)

    def _made(self, i: int) -> Mark:
        entry = self._entries[i]
        if type(entry) is not Mark:
            entry = self._entries[i] = self._make(entry)  # type: ignore[misc]
        return entry

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            return [self._made(i) for i in range(*key.indices(len(self._entries)))]
        return self._made(key)

    def __iter__(self) -> Iterator[Mark]:
        return (self._made(i) for i in range(len(self._entries)))

    def _uid_index(self) -> dict[str, list]:
        index = self._by_uid
        if index is None:
            index = {}
            for entry in self._entries:
                index.setdefault(entry.uid, []).append(entry)
            self._by_uid = index
        return index

    def _start(self, entry: Any) -> int:
        return entry.start if type(entry) is Mark or self._start_of is None else self._start_of(entry)

    def _find(self, entry: Any) -> int:
        """Index of ``entry`` (or of the mark made of it), by bisection on its start."""
        start, uid = self._start(entry), entry.uid
        i = bisect_left(self.starts, start)
        entries = self._entries
        while i < len(entries) and self.starts[i] == start:
            if entries[i] is entry or entries[i].uid == uid:
                return i
            i += 1
        return -1

    def with_uid(self, uid: str) -> list[Mark]:
        """The marks of ``uid`` (made now if they were not yet)."""
        found = []
        for entry in self._uid_index().get(uid, []):
            i = self._find(entry)
            if i >= 0:
                found.append(self._made(i))
        return found

    def remove_uid(self, uid: str) -> list[Mark]:
        """Take out every mark of ``uid``; returns them (to repaint where they were)."""
        removed = []
        for entry in self._uid_index().pop(uid, []):
            i = self._find(entry)
            if i >= 0:
                removed.append(self._made(i))
                del self._entries[i]
                del self.starts[i]
        return removed

    def add(self, mark: Mark) -> None:
        """Insert ``mark`` after the marks that start where it does (as a full rebuild orders them)."""
        index = bisect_right(self.starts, mark.start)
        self._entries.insert(index, mark)
        self.starts.insert(index, mark.start)
        self._uid_index().setdefault(mark.uid, []).append(mark)
        self.longest = max(self.longest, mark.end - mark.start)
