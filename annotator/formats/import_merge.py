"""What an import adds to a layer: its annotations marked imported, less what the layer holds.

Imported annotations are compared with the layer's by offsets and labels (events by trigger, type
and arguments, relations by type, direction and ends), so importing the same file twice adds
nothing. Pure functions on :class:`~annotator.model.annotations.AnnotationSet` values.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance
from annotator.model.relations import Relation

__all__ = ["merge_new", "stamp_imported"]


def stamp_imported(annotations: AnnotationSet, author: str) -> AnnotationSet:
    """Mark everything imported by ``author``; what the file marked rejected stays rejected."""
    accepted = Provenance(Origin.IMPORTED, Decision.ACCEPTED, author=author)
    rejected = Provenance(Origin.IMPORTED, Decision.REJECTED, author=author, created_at=accepted.created_at)

    def stamp(item):  # type: ignore[no-untyped-def]
        return replace(item, provenance=rejected if item.provenance.is_rejected else accepted)

    return AnnotationSet(
        tuple(stamp(a) for a in annotations.spans),
        tuple(stamp(e) for e in annotations.events),
        tuple(stamp(r) for r in annotations.relations),
    )


def _event_signature(event: Event, by_uid: dict[str, Event], depth: int = 0) -> tuple:
    """What makes two events the same: trigger, type and every argument the same annotation.

    An argument that is another event compares by that event's own signature (not just its
    trigger), so ``Theme:E1`` and ``Theme:E2`` of two events sharing a trigger stay apart.
    """
    arguments = []
    for argument in event.arguments:
        if argument.span is not None:
            arguments.append((argument.role, argument.span.start, argument.span.end, argument.span.label))
        else:
            target = by_uid.get(argument.event_uid or "")
            if target is None:
                inner: tuple = ("missing", argument.event_uid)
            elif depth < 16:
                inner = _event_signature(target, by_uid, depth + 1)
            else:  # a cycle of events naming each other: stop at the identity
                inner = ("uid", target.uid)
            arguments.append((argument.role, "event", inner))
    return (event.trigger.start, event.trigger.end, event.type, tuple(sorted(arguments, key=repr)))


def merge_new(existing: AnnotationSet, incoming: AnnotationSet) -> AnnotationSet:
    """The part of ``incoming`` that ``existing`` does not hold yet, compared by offsets and labels.

    Event arguments that point at an event already held are re-pointed at the held one.
    """
    known_spans = {a.span for a in existing.spans}
    spans = []
    for annotation in incoming.spans:
        if annotation.span not in known_spans:
            known_spans.add(annotation.span)
            spans.append(annotation)
    by_uid = {e.uid: e for e in existing.events + incoming.events}
    held = {_event_signature(e, by_uid): e.uid for e in existing.events}
    same_as: dict[str, str] = {}
    events = []
    for event in incoming.events:
        signature = _event_signature(event, by_uid)
        if signature in held:
            same_as[event.uid] = held[signature]
        else:
            held[signature] = event.uid
            events.append(event)
    events = [
        e.with_arguments(replace(a, event_uid=same_as.get(a.event_uid, a.event_uid)) if a.event_uid else a for a in e.arguments)
        for e in events
    ]
    # Relations compare by type, direction and ends; an event end by the event's signature.
    def relation_signature(relation: Relation) -> tuple:
        ends = tuple(
            ("span", end.span.start, end.span.end, end.span.label) if end.span is not None
            else ("event", _event_signature(by_uid[end.event_uid], by_uid) if end.event_uid in by_uid else end.event_uid)
            for end in relation.ends
        )
        return (relation.symmetric, relation.type, ends)

    held_relations = {relation_signature(r) for r in existing.relations}
    relations = []
    for relation in incoming.relations:
        signature = relation_signature(relation)
        if signature not in held_relations:
            held_relations.add(signature)
            relations.append(relation.with_events(same_as))
    return AnnotationSet(tuple(spans), tuple(events), tuple(relations))
