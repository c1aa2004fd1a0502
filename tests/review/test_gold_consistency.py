"""Adjudication keeps gold consistent: a version that calls a gold span's characters something else is caught."""

from __future__ import annotations

from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation
from annotator.model.changes import apply_to
from annotator.review.adjudicate import take_version
from annotator.review.compare import compare_document
from annotator.review.gold_consistency import LabelConflict, label_conflicts, make_consistent

TEXT = "Rebels attacked Kabul and killed ten people; officials met in Doha."


def _layers() -> tuple[AnnotationSet, AnnotationSet]:
    # alice: the span "Kabul" as GPE; bob: an attack whose Target "Kabul" is labelled PERSON.
    alice = AnnotationSet((SpanAnnotation(Span(16, 21, "GPE")),))
    bob = AnnotationSet((), (Event(Span(7, 15, "Conflict:Attack"), (Argument("Target", Span(16, 21, "PERSON")),)),))
    return alice, bob


def _take(gold: AnnotationSet, kind: str, layer: str, alice: AnnotationSet, bob: AnnotationSet):
    items = compare_document({"alice": alice, "bob": bob})
    item = next(i for i in items if i.kind == kind)
    edit = take_version(item, layer, gold, "rita")
    return edit, apply_to(gold, edit.changes)


def test_taking_a_span_that_disagrees_with_an_argument_filler_in_gold_is_a_conflict() -> None:
    alice, bob = _layers()
    _, gold = _take(AnnotationSet(), "event", "bob", alice, bob)
    edit, gold = _take(gold, "span", "alice", alice, bob)
    assert label_conflicts(gold, edit) == [LabelConflict(16, 21, "GPE", "PERSON")]
    assert "'Kabul' (16-21) is GPE in the version taken but PERSON" in label_conflicts(gold, edit)[0].describe(TEXT)
    # Relabel consistently, the way just taken: the event's filler becomes GPE; then no conflict.
    fix = make_consistent(gold, label_conflicts(gold, edit))
    fixed = apply_to(gold, fix.changes)
    assert [a.span.label for a in fixed.events[0].arguments] == ["GPE"] and fixed.spans[0].label == "GPE"
    assert label_conflicts(fixed, edit) == []
    # Or the other way: the span takes the filler's label.
    other = apply_to(gold, make_consistent(gold, label_conflicts(gold, edit), keep_taken=False).changes)
    assert other.spans[0].label == "PERSON" and other.events[0].arguments[0].span.label == "PERSON"


def test_the_other_order_and_a_consistent_decision_are_checked_too() -> None:
    alice, bob = _layers()
    _, gold = _take(AnnotationSet(), "span", "alice", alice, bob)
    edit, gold = _take(gold, "event", "bob", alice, bob)
    assert label_conflicts(gold, edit) == [LabelConflict(16, 21, "PERSON", "GPE")]
    # The same label everywhere: nothing to say. A refusal ("none") is not gold content.
    agreeing = AnnotationSet((), (Event(Span(7, 15, "Conflict:Attack"), (Argument("Target", Span(16, 21, "GPE")),)),))
    _, gold = _take(AnnotationSet(), "span", "alice", alice, agreeing)
    edit, gold = _take(gold, "event", "bob", alice, agreeing)
    assert label_conflicts(gold, edit) == []
    items = compare_document({"alice": alice, "bob": bob})
    edit = take_version(next(i for i in items if i.kind == "event"), None, gold, "rita")
    assert label_conflicts(apply_to(gold, edit.changes), edit) == []
