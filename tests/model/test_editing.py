"""The rules of editing: what accepting, rejecting, relabelling and event edits record."""

from __future__ import annotations

from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.changes import apply_to
from annotator.model.editing import (
    accept,
    add_argument,
    change_argument_role,
    create_event,
    create_span,
    delete,
    filler_for,
    pending_suggestions,
    reject,
    relabel,
    remove_argument,
    resize,
    retype_event,
)

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="spacy:x")


def _suggestion(start: int, end: int, label: str) -> SpanAnnotation:
    return SpanAnnotation(Span(start, end, label), provenance=SUGGESTED)


def test_accepting_copies_with_a_link_back_and_the_suggestion_is_no_longer_pending() -> None:
    kabul = _suggestion(0, 5, "GPE")
    suggestions = AnnotationSet((kabul, _suggestion(10, 15, "ORG")))
    edit = accept([kabul], "alice")
    own = apply_to(AnnotationSet(), edit.changes)
    copy = own.spans[0]
    assert copy.span == kabul.span and copy.uid != kabul.uid
    assert (copy.provenance.decision, copy.provenance.author, copy.provenance.source_uid) == (Decision.ACCEPTED, "alice", kabul.uid)
    assert copy.provenance.suggester == "spacy:x"
    assert [s.label for s in pending_suggestions(own, suggestions).spans] == ["ORG"]


def test_rejected_and_relabelled_suggestions_stay_decided() -> None:
    a, b = _suggestion(0, 5, "GPE"), _suggestion(10, 15, "ORG")
    own = apply_to(AnnotationSet(), reject([a], "alice").changes)
    own = apply_to(own, relabel(b, "PERSON", "alice").changes)
    assert not pending_suggestions(own, AnnotationSet((a, b)))
    relabelled = next(s for s in own.spans if s.label == "PERSON")
    assert relabelled.provenance.decision is Decision.EDITED and relabelled.provenance.source_uid == b.uid
    # A re-run of the suggester with new uids does not bring back the same suggestion either.
    assert not pending_suggestions(own, AnnotationSet((_suggestion(0, 5, "GPE"),)))


def test_manual_spans_resize_and_delete() -> None:
    own = apply_to(AnnotationSet(), create_span(Span(0, 5, "ORG"), "bob").changes)
    span = own.spans[0]
    assert span.provenance.origin is Origin.MANUAL and span.provenance.author == "bob"
    edit = resize(span, 0, 9, "bob")
    own = apply_to(own, edit.changes)
    assert own.spans[0].span == Span(0, 9, "ORG") and own.spans[0].uid == span.uid
    assert own.spans[0].provenance.decision is Decision.ACCEPTED
    assert not resize(own.spans[0], 0, 9, "bob")
    assert apply_to(own, delete(own.spans, "bob").changes) == AnnotationSet()


def test_deleting_a_suggestion_rejects_it() -> None:
    suggestion = _suggestion(0, 5, "GPE")
    (change,) = delete([suggestion], "alice").changes
    assert change.before is None and change.after.provenance.decision is Decision.REJECTED  # type: ignore[union-attr]


def test_event_edits() -> None:
    own = apply_to(AnnotationSet(), create_event(Span(6, 10, "Movement:Transport"), "carol").changes)
    event = own.events[0]
    own = apply_to(own, add_argument(event, "Destination", Span(14, 19, "GPE"), "carol").changes)
    event = own.events[0]
    own = apply_to(own, add_argument(event, "Artifact", Span(0, 5, "Artifact"), "carol").changes)
    event = own.events[0]
    assert [a.role for a in event.arguments] == ["Destination", "Artifact"]
    own = apply_to(own, change_argument_role(event, 1, "Agent", "carol").changes)
    own = apply_to(own, remove_argument(own.events[0], 0, "carol").changes)
    assert own.events[0].arguments == (Argument("Agent", Span(0, 5, "Artifact")),)
    own = apply_to(own, retype_event(own.events[0], "Contact:Meet", "carol").changes)
    assert own.events[0].type == "Contact:Meet" and own.events[0].uid == event.uid


def test_accepting_a_suggested_event_takes_its_arguments() -> None:
    event = Event(Span(6, 10, "Contact:Meet"), (Argument("Entity", Span(0, 5, "PERSON")),), provenance=SUGGESTED)
    own = apply_to(AnnotationSet(), accept([event], "dan").changes)
    assert own.events[0].arguments == event.arguments and own.events[0].provenance.decision is Decision.ACCEPTED
    assert not pending_suggestions(own, AnnotationSet((), (event,)))


def test_argument_filler_is_the_entity_there_else_the_role() -> None:
    own = AnnotationSet((SpanAnnotation(Span(0, 5, "GPE")),))
    assert filler_for(Span(0, 5, "x"), own, "Destination") == Span(0, 5, "GPE")
    assert filler_for(Span(6, 12, "x"), own, "Artifact") == Span(6, 12, "Artifact")
