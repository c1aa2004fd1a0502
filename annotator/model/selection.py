"""What a selection on screen means: the characters it labels, and whether a label is new or a relabel.

Pure rules the window's editor applies (and a test can call directly): a selection is trimmed of
white space at both ends and, when asked, widened to whole tokens; labelling a range that an
existing span covers exactly relabels that span instead of stacking a second one on it.
"""

from __future__ import annotations

from typing import Iterable

from annotator.model.annotations import Span, SpanAnnotation
from annotator.model.changes import Edit
from annotator.model.editing import create_span, relabel
from annotator.model.tokens import Tokens


def chosen_span(text: str, start: int, end: int, tokens: Tokens | None = None) -> Span | None:
    """``[start, end)`` of ``text`` (code points) trimmed of white space and, with ``tokens``,
    snapped to whole tokens; None when nothing but white space is selected. Its label is ``"_"``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    if tokens is not None:
        start, end = tokens.snap(start, end)
    return Span(start, end, "_")


def label_edit(spans: Iterable[SpanAnnotation], chosen: Span, label: str, author: str) -> Edit:
    """The edit that gives ``chosen`` the label: a relabel of the visible span with exactly its
    range, else a new span."""
    existing = next((a for a in spans if (a.start, a.end) == (chosen.start, chosen.end)), None)
    if existing is not None:
        return relabel(existing, label, author)
    return create_span(chosen.relabeled(label), author)
