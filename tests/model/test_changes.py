"""Edits as data: inverses undo, and the in-memory arithmetic matches what an edit means."""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.model.annotations import AnnotationError, AnnotationSet, Event, Span, SpanAnnotation
from annotator.model.changes import Change, Edit, apply_to


def test_edit_and_its_inverse_cancel_out() -> None:
    org = SpanAnnotation(Span(0, 3, "ORG"))
    gpe = replace(org, span=org.span.relabeled("GPE"))
    new = SpanAnnotation(Span(5, 9, "PERSON"))
    event = Event(Span(10, 14, "Contact:Meet"))
    start = AnnotationSet((org,))
    edit = Edit("relabel and add", (Change(org, gpe), Change(None, new), Change(None, event)))
    after = apply_to(start, edit.changes)
    assert after == AnnotationSet((gpe, new), (event,))
    assert apply_to(after, edit.inverse().changes) == start


def test_a_change_keeps_kind_and_identity() -> None:
    a = SpanAnnotation(Span(0, 3, "ORG"))
    with pytest.raises(AnnotationError):
        Change(None, None)
    with pytest.raises(AnnotationError):
        Change(a, SpanAnnotation(Span(0, 3, "GPE")))
