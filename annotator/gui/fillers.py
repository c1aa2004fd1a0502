"""Argument fillers that are not spans of their own: a dotted underline, so they show without
selecting their event (they used to be invisible until the event was selected).

A filler the analyst also labelled as a span already shows as that span; only the others get a
mark. The selected event's arguments are drawn by the window's overlay (role tags), over these.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from PySide6.QtGui import QColor

from annotator.gui.marks import Mark, Style
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
