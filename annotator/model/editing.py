"""What each user action does to a document's annotations, as :class:`~annotator.model.changes.Edit` values.

An analyst's layer holds what they decided: a suggestion they accept or reject is copied into
their layer with its decision and a ``source_uid`` pointing back at the suggestion; the
suggestions layer itself is never changed. These functions only compute edits; the session
applies them to the project and keeps them for undo.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from annotator.model.annotations import (
    AnnotationSet,
    Argument,
    Decision,
    Event,
    Origin,
    Provenance,
    Span,
    SpanAnnotation,
    new_uid,
    now_iso,
)
from annotator.model.changes import Annotation, Change, Edit


def pending_suggestions(own: AnnotationSet, suggestions: AnnotationSet) -> AnnotationSet:
    """Suggestions the analyst has not decided yet.

    A suggestion is decided when the analyst's layer holds a copy of it (by ``source_uid``) or
    anything at the same place with the same label (for events: the same trigger and type), so
    a re-run of the suggester does not bring back what was already accepted, rejected or made.
    """
    if not suggestions:
        return suggestions
    sources = {a.provenance.source_uid for a in own.spans} | {e.provenance.source_uid for e in own.events}
    spans_held = {a.span for a in own.spans}
    triggers_held = {e.trigger for e in own.events}
    return AnnotationSet(
        tuple(s for s in suggestions.spans if s.uid not in sources and s.span not in spans_held),
        tuple(e for e in suggestions.events if e.uid not in sources and e.trigger not in triggers_held),
    )


Places = tuple[frozenset, frozenset]
"""``(span places, trigger places)``: the ``(start, end)`` of each suggested span and trigger."""


def suggestion_places(suggestions: AnnotationSet) -> Places:
    return (
        frozenset((s.start, s.end) for s in suggestions.spans),
        frozenset((e.trigger.start, e.trigger.end) for e in suggestions.events),
    )


def touches_suggestions(places: Places, changes: Iterable[Change]) -> bool:
    """Whether ``changes`` to the analyst's layer may decide a suggestion or bring one back:
    one of their annotations is a copy of a suggestion (``source_uid``) or lies where one does
    (same span or trigger, any label; ``places`` from :func:`suggestion_places`). When not,
    :func:`pending_suggestions` gives the same as before the changes.
    """
    spans, triggers = places
    for change in changes:
        for a in (change.before, change.after):
            if a is None:
                continue
            if a.provenance.source_uid is not None:
                return True
            if isinstance(a, SpanAnnotation) and (a.start, a.end) in spans:
                return True
            if isinstance(a, Event) and (a.trigger.start, a.trigger.end) in triggers:
                return True
    return False


def is_suggestion(annotation: Annotation) -> bool:
    """Whether ``annotation`` is a suggestion not yet decided (it lives in a suggestions layer)."""
    return annotation.provenance.decision is Decision.PENDING


def _decided_copy(suggestion: Annotation, decision: Decision, author: str) -> Annotation:
    now = now_iso()
    provenance = Provenance(
        Origin.SUGGESTED, decision, author, suggestion.provenance.suggester, suggestion.uid, now, now
    )
    return replace(suggestion, uid=new_uid(), provenance=provenance)


def accept(annotations: Iterable[Annotation], author: str, title: str = "Accept") -> Edit:
    """Accept suggestions (events with their arguments) into the analyst's layer."""
    return Edit(title, tuple(Change(None, _decided_copy(a, Decision.ACCEPTED, author)) for a in annotations))


def reject(annotations: Iterable[Annotation], author: str, title: str = "Reject") -> Edit:
    """Record that suggestions are wrong, so they stay hidden and count as rejected."""
    return Edit(title, tuple(Change(None, _decided_copy(a, Decision.REJECTED, author)) for a in annotations))


def _modified(annotation: Annotation, author: str, **fields: object) -> Change:
    """Replace ``annotation`` (the analyst's own, or a suggestion taken over) by a modified version."""
    if is_suggestion(annotation):
        copy = _decided_copy(annotation, Decision.EDITED, author)
        return Change(None, replace(copy, **fields))
    provenance = annotation.provenance
    decision = Decision.EDITED if provenance.origin is Origin.SUGGESTED else provenance.decision
    if decision is Decision.REJECTED:
        # Changing something one rejected means one wants it after all, in its new form.
        decision = Decision.EDITED if provenance.origin is Origin.SUGGESTED else Decision.ACCEPTED
    updated = replace(provenance, decision=decision, author=author, updated_at=now_iso())
    return Change(annotation, replace(annotation, provenance=updated, **fields))


def create_span(span: Span, author: str) -> Edit:
    return Edit(f"Add {span.label}", (Change(None, SpanAnnotation(span, provenance=Provenance(author=author))),))


def relabel(annotation: SpanAnnotation, label: str, author: str) -> Edit:
    return Edit(f"Relabel as {label}", (_modified(annotation, author, span=annotation.span.relabeled(label)),))


def resize(annotation: SpanAnnotation, start: int, end: int, author: str) -> Edit:
    if (start, end) == (annotation.start, annotation.end):
        return Edit("Resize", ())
    return Edit("Resize", (_modified(annotation, author, span=Span(start, end, annotation.label), fragments=()),))


def delete(annotations: Iterable[Annotation], author: str) -> Edit:
    """Remove the analyst's annotations; a suggestion cannot be removed, so it is rejected."""
    changes = []
    for annotation in annotations:
        if is_suggestion(annotation):
            changes.append(Change(None, _decided_copy(annotation, Decision.REJECTED, author)))
        else:
            changes.append(Change(annotation, None))
    return Edit("Delete", tuple(changes))


def create_event(trigger: Span, author: str) -> Edit:
    """A new event; ``trigger.label`` is its type."""
    return Edit(f"Add {trigger.label} event", (Change(None, Event(trigger, provenance=Provenance(author=author))),))


def retype_event(event: Event, event_type: str, author: str) -> Edit:
    return Edit(f"Change type to {event_type}", (_modified(event, author, trigger=event.trigger.relabeled(event_type)),))


def add_argument(event: Event, role: str, filler: Span, author: str) -> Edit:
    arguments = event.arguments + (Argument(role, filler),)
    return Edit(f"Add {role}", (_modified(event, author, arguments=arguments),))


def remove_argument(event: Event, index: int, author: str) -> Edit:
    arguments = event.arguments[:index] + event.arguments[index + 1 :]
    return Edit(f"Remove {event.arguments[index].role}", (_modified(event, author, arguments=arguments),))


def change_argument_role(event: Event, index: int, role: str, author: str) -> Edit:
    old = event.arguments[index]
    arguments = event.arguments[:index] + (replace(old, role=role),) + event.arguments[index + 1 :]
    return Edit(f"Change {old.role} to {role}", (_modified(event, author, arguments=arguments),))


def filler_for(selection: Span, own: AnnotationSet, role: str) -> Span:
    """The span an argument gets for a selection: the entity there if there is one, else the
    selection itself labelled with the role's name (the project's convention for non-entities)."""
    for annotation in own.spans:
        if (annotation.start, annotation.end) == (selection.start, selection.end) and not annotation.provenance.is_rejected:
            return annotation.span
    return Span(selection.start, selection.end, role)
