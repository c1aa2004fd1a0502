"""Argument fillers that are not spans of their own: a dotted underline, so they show without
selecting their event (they used to be invisible until the event was selected).

A filler the analyst also labelled as a span already shows as that span; only the others get a
mark. The selected event's arguments are drawn by the window's overlay (role tags), over these.
The underlines are a paint layer of the article (its ``paint_hooks``), like the relation arcs.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import attrgetter
from typing import Any, Callable, Iterable, Mapping

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from annotator.gui.article.marks import Mark, Style
from annotator.model.annotations import Event, SpanAnnotation


def filler_marks(
    events: Iterable[Event], shown: Mapping[str, object], to_qt: Callable[[int], int], color: Callable[[str], QColor]
) -> list[Mark]:
    """One mark per argument filler of ``events`` that no shown span covers exactly (Qt positions)."""
    spans = {(a.span.start, a.span.end) for a in shown.values() if isinstance(a, SpanAnnotation)}
    marks = []
    for event in events:
        for i, argument in enumerate(event.arguments):
            filler = argument.span
            if filler is not None and (filler.start, filler.end) not in spans:
                marks.append(Mark(to_qt(filler.start), to_qt(filler.end), color(event.type), Style.ARGUMENT, f"{event.uid}#{i}", argument.role))
    return marks


class FillerLayer:
    """The article's dotted underlines under argument fillers (see the module's docstring)."""

    def __init__(self, view: Any):
        self.view = view
        self.marks: list[Mark] = []
        self._starts: list[int] = []
        self._longest = 0
        view.paint_hooks.append(self._paint)

    def set(self, marks: list[Mark]) -> None:
        """Show ``marks`` (Qt positions); repaints only when they changed."""
        marks = sorted(marks, key=attrgetter("start"))
        if marks == self.marks:
            return
        self.marks = marks
        self._starts = [m.start for m in marks]
        self._longest = max((m.end - m.start for m in marks), default=0)
        self.view.viewport().update()

    def _paint(self, view: Any, painter: QPainter, blocks: list) -> None:
        if not self.marks:
            return
        painter.save()
        for block, geometry in blocks:
            begin, end = block.position(), block.position() + block.length()
            lo, hi = bisect_left(self._starts, begin - self._longest), bisect_left(self._starts, end)
            for mark in self.marks[lo:hi]:
                if mark.end <= begin:
                    continue
                pen = QPen(QColor(mark.color).darker(130))
                pen.setWidthF(1.5)
                pen.setStyle(Qt.PenStyle.DotLine)
                painter.setPen(pen)
                for rect in view._segments(mark, block, geometry):
                    y = rect.bottom() - 1
                    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.restore()
