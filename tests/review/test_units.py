"""What is compared: token labels from spans, and event arguments placed where their fillers are."""

from __future__ import annotations

from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Provenance, Span, SpanAnnotation
from annotator.model.tokens import Tokens
from annotator.review.units import argument_keys, span_keys, token_labels, trigger_keys

# "The Bank of England said so ."
TOKENS = Tokens.from_offsets([(0, 3, True), (4, 8, True), (9, 11, True), (12, 19, True), (20, 24, True), (25, 27, True), (28, 29, False)])


def spans(*items: tuple[int, int, str], rejected: bool = False) -> tuple[SpanAnnotation, ...]:
    decision = Decision.REJECTED if rejected else Decision.ACCEPTED
    return tuple(SpanAnnotation(Span(*item), provenance=Provenance(decision=decision)) for item in items)


def test_a_token_takes_the_label_of_the_earliest_then_longest_span_containing_it_whole() -> None:
    nested = AnnotationSet(spans((4, 19, "ORG"), (12, 19, "GPE"), (4, 8, "MISC")))
    assert token_labels(nested, TOKENS) == ["O", "ORG", "ORG", "ORG", "O", "O", "O"]
    # A span cutting a token in half labels nothing there; one starting later wins only where alone.
    partial = AnnotationSet(spans((5, 19, "ORG"), (12, 24, "GPE")))
    assert token_labels(partial, TOKENS) == ["O", "O", "ORG", "ORG", "GPE", "O", "O"]


def test_rejected_spans_label_nothing_and_count_nowhere() -> None:
    annotations = AnnotationSet(spans((4, 19, "ORG"), rejected=True) + spans((12, 19, "GPE")))
    assert token_labels(annotations, TOKENS) == ["O", "O", "O", "GPE", "O", "O", "O"]
    assert span_keys(annotations) == {(12, 19, "GPE")}


def test_an_argument_that_is_an_event_sits_where_that_event_is() -> None:
    said = Event(Span(20, 24, "Contact:Statement"))
    gone = Event(Span(25, 27, "Other"), provenance=Provenance(decision=Decision.REJECTED))
    report = Event(
        Span(28, 29, "Report"),
        (Argument("Topic", event_uid=said.uid), Argument("Source", Span(4, 19, "ORG")), Argument("Lost", event_uid=gone.uid)),
    )
    annotations = AnnotationSet(events=(said, gone, report))
    assert trigger_keys(annotations) == {(20, 24, "Contact:Statement"), (28, 29, "Report")}
    assert argument_keys(annotations) == {(28, 29, "Report", "Topic", 20, 24), (28, 29, "Report", "Source", 4, 19)}
