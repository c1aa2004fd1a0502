"""The accept-above rule: which suggestions qualify, and what the accepted copies record."""

from __future__ import annotations

import pytest

from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.auto_accept import accept_above, qualifying

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="spacy:test")
PENDING = AnnotationSet(
    (
        SpanAnnotation(Span(0, 5, "PERSON"), "p1", SUGGESTED, confidence=0.95),
        SpanAnnotation(Span(10, 15, "GPE"), "g1", SUGGESTED, confidence=0.90),
        SpanAnnotation(Span(20, 25, "GPE"), "g2", SUGGESTED, confidence=0.899),
        SpanAnnotation(Span(30, 35, "ORG"), "o1", SUGGESTED),  # no confidence: never qualifies
    ),
    (Event(Span(6, 9, "Contact:Meet"), (), "e1", SUGGESTED, confidence=0.97),),
)


def test_suggestions_at_or_above_the_threshold_qualify() -> None:
    assert [a.uid for a in qualifying(PENDING, 0.9)] == ["p1", "g1", "e1"]
    assert [a.uid for a in qualifying(PENDING, 0.9, "GPE")] == ["g1"]
    assert [a.uid for a in qualifying(PENDING, 0.96, "Contact:Meet")] == ["e1"]
    assert qualifying(PENDING, 1.0) == ()
    assert [a.uid for a in qualifying(PENDING, 0.0)] == ["p1", "g1", "g2", "e1"]
    with pytest.raises(ValueError, match="between 0 and 1"):
        qualifying(PENDING, 90)


def test_the_accepted_copies_record_the_threshold_and_point_at_the_suggestion() -> None:
    edit = accept_above(PENDING, 0.9, "alice")
    assert edit.title == "Accept 3 suggestions above 90%"
    copies = [change.after for change in edit.changes]
    assert all(change.before is None for change in edit.changes)
    assert [c.provenance.source_uid for c in copies] == ["p1", "g1", "e1"]
    assert {(c.provenance.decision, c.provenance.author, c.provenance.accepted_above) for c in copies} == {
        (Decision.ACCEPTED, "alice", 0.9)
    }
    assert accept_above(PENDING, 0.9, "alice", "ORG").changes == ()
