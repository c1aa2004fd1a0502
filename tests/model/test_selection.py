"""A selection's meaning: trimmed, snapped to tokens when asked, and relabel vs new span."""

from __future__ import annotations

from annotator.model.annotations import Span, SpanAnnotation
from annotator.model.selection import chosen_span, label_edit
from annotator.model.tokens import Tokens

TEXT = "  Troops entered Kyiv today. "


def test_white_space_is_trimmed_and_nothing_but_space_is_no_selection() -> None:
    assert chosen_span(TEXT, 0, 9) == Span(2, 8, "_")  # "  Troops " -> "Troops"
    assert chosen_span(TEXT, 0, 2) is None
    assert chosen_span(TEXT, 5, 5) is None


def test_snapping_widens_to_whole_tokens_only_when_tokens_are_given() -> None:
    tokens = Tokens((2, 9, 17, 22, 27), (8, 16, 21, 27, 28))  # Troops entered Kyiv today .
    assert chosen_span(TEXT, 4, 12) == Span(4, 12, "_")
    assert chosen_span(TEXT, 4, 12, tokens) == Span(2, 16, "_")  # "oops ent" -> "Troops entered"


def test_a_label_on_an_existing_span_s_exact_range_relabels_it() -> None:
    kyiv = SpanAnnotation(Span(17, 21, "LOC"))
    edit = label_edit([kyiv], Span(17, 21, "_"), "GPE", "alice")
    (change,) = edit.changes
    assert change.before is kyiv and change.after.uid == kyiv.uid and change.after.span == Span(17, 21, "GPE")
    assert edit.title == "Relabel as GPE"


def test_a_label_on_any_other_range_adds_a_span() -> None:
    kyiv = SpanAnnotation(Span(17, 21, "LOC"))
    edit = label_edit([kyiv], Span(9, 21, "_"), "LOC", "alice")
    (change,) = edit.changes
    assert change.before is None and change.after.span == Span(9, 21, "LOC")
    assert change.after.provenance.author == "alice"
