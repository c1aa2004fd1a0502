"""Spans, events and annotation sets: validation and the values compare as users expect."""

from __future__ import annotations

import pytest

from annotator.model.annotations import (
    AnnotationError,
    AnnotationSet,
    Argument,
    Decision,
    Event,
    Origin,
    Provenance,
    Span,
    SpanAnnotation,
)


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [(-1, 3, "ORG"), (3, 3, "ORG"), (5, 2, "ORG"), (0, 2, ""), (0, 2, "  "), ("0", 2, "ORG"), (0, 2.5, "ORG"), (True, 2, "ORG")],
)
def test_impossible_spans_are_refused(start: object, end: object, label: object) -> None:
    with pytest.raises(AnnotationError):
        Span(start, end, label)  # type: ignore[arg-type]


def test_span_must_end_within_the_text() -> None:
    span = Span(2, 6, "ORG")
    span.check_within(6)
    with pytest.raises(AnnotationError, match="ends after the text, which has 5 characters"):
        span.check_within(5)


def test_spans_are_values() -> None:
    assert Span(1, 4, "ORG") == Span(1, 4, "ORG")
    assert len({Span(1, 4, "ORG"), Span(1, 4, "ORG"), Span(1, 4, "GPE")}) == 2
    assert Span(1, 4, "ORG").text_in("0123456") == "123"
    assert Span(0, 3, "A").overlaps(Span(2, 5, "B")) and not Span(0, 2, "A").overlaps(Span(2, 5, "B"))


def test_fragments_must_lie_inside_their_span() -> None:
    SpanAnnotation(Span(0, 10, "X"), fragments=((0, 3), (7, 10)))
    with pytest.raises(AnnotationError, match="outside"):
        SpanAnnotation(Span(2, 10, "X"), fragments=((0, 3), (7, 10)))


def test_argument_has_exactly_one_filler() -> None:
    Argument("Destination", Span(0, 5, "GPE"))
    Argument("Event-Arg", event_uid="e1")
    with pytest.raises(AnnotationError):
        Argument("Destination")
    with pytest.raises(AnnotationError):
        Argument("Destination", Span(0, 5, "GPE"), "e1")


def test_event_type_is_its_trigger_label_and_arguments_are_checked_against_the_text() -> None:
    event = Event(Span(10, 18, "Movement:Transport"), (Argument("Destination", Span(22, 27, "GPE")),))
    assert event.type == "Movement:Transport"
    event.check_within(27)
    with pytest.raises(AnnotationError):
        event.check_within(26)


def test_provenance_records_decisions() -> None:
    suggested = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="spacy")
    assert suggested.updated_at == suggested.created_at
    accepted = suggested.decided(Decision.ACCEPTED, "alice")
    assert (accepted.decision, accepted.author, accepted.suggester) == (Decision.ACCEPTED, "alice", "spacy")
    assert accepted.decided(Decision.REJECTED, "bob").is_rejected


def test_annotation_set_is_in_text_order_and_can_drop_rejections() -> None:
    rejected = SpanAnnotation(Span(0, 3, "ORG"), provenance=Provenance(decision=Decision.REJECTED))
    kept = SpanAnnotation(Span(5, 8, "GPE"))
    annotations = AnnotationSet((kept, rejected))
    assert [a.start for a in annotations.spans] == [0, 5]
    assert annotations.without_rejected().spans == (kept,)
    assert not AnnotationSet() and annotations
