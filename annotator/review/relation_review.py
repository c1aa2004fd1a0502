"""Relations in review: grouping each layer's relations between the same annotations, and
copying a version into gold.

A relation's *place* is the set of positions of its ends (an event end at its trigger), so two
layers that link the same two spans form one group whatever type or direction they chose; the
group is agreed when every layer holds the same relations there (type, direction, ends).
"""

from __future__ import annotations

from typing import Callable, Mapping

from annotator.model.annotations import AnnotationSet, Decision, Event, Provenance
from annotator.model.relations import Relation, RelationEnd

RELATION = "relation"


def end_place(end: RelationEnd, events: Mapping[str, Event]) -> tuple[int, int, str] | None:
    """Where an end is: ``(start, end, label)``; an event end at its trigger, with the event type."""
    if end.span is not None:
        return (end.span.start, end.span.end, end.span.label)
    event = events.get(end.event_uid or "")
    return (event.trigger.start, event.trigger.end, event.type) if event is not None else None


def relation_place(relation: Relation, events: Mapping[str, Event]) -> tuple:
    return tuple(sorted({end_place(e, events) or (-1, -1, "?") for e in relation.ends}))


def relation_signature(relation: Relation, events: Mapping[str, Event]) -> tuple:
    """What makes two relations the same: type, direction (or symmetry) and the places of the ends."""
    ends = tuple(end_place(e, events) or (-1, -1, "?") for e in relation.ends)
    return ("relation", relation.type, relation.symmetric, tuple(sorted(ends)) if relation.symmetric else ends)


def relation_range(relation: Relation, events: Mapping[str, Event]) -> tuple[int, int]:
    places = [p for p in (end_place(e, events) for e in relation.ends) if p is not None]
    if not places:
        return (0, 0)
    return (min(p[0] for p in places), max(p[1] for p in places))


def relation_groups(
    layers: Mapping[str, AnnotationSet], gold: AnnotationSet, events: Mapping[str, Event]
) -> list[tuple[tuple, dict[str, tuple[Relation, ...]], tuple[Relation, ...]]]:
    """``(place, versions, gold)`` for every place where some layer or gold holds a relation."""
    places: dict[tuple, dict[str | None, list[Relation]]] = {}
    for name, annotations in layers.items():
        for relation in annotations.relations:
            if not relation.provenance.is_rejected:
                places.setdefault(relation_place(relation, events), {}).setdefault(name, []).append(relation)
    for relation in gold.relations:
        places.setdefault(relation_place(relation, events), {}).setdefault(None, []).append(relation)
    found = []
    for place, owners in places.items():
        versions = {name: tuple(owners.get(name, ())) for name in layers}
        found.append((place, versions, tuple(owners.get(None, ()))))
    return found


def describe_relation(relation: Relation, events: Mapping[str, Event], quote: Callable[[int, int], str]) -> str:
    shown = []
    for end in relation.ends:
        place = end_place(end, events)
        shown.append(quote(place[0], place[1]) if place else "?")
    joiner = " = " if relation.symmetric else " → "
    return f"{relation.type} {joiner.join(shown)}"


def copy_relation(
    relation: Relation,
    sources: str,
    reviewer: str,
    decision: Decision,
    event_in_gold: Callable[[str], str | None],
    source_attribute: str,
) -> Relation | None:
    """A gold copy of ``relation``; event ends re-pointed at gold events (``None`` if one has none)."""
    from annotator.model.annotations import Origin

    ends = []
    for end in relation.ends:
        if end.event_uid is None:
            ends.append(end)
            continue
        target = event_in_gold(end.event_uid)
        if target is None:
            return None
        ends.append(RelationEnd(event_uid=target))
    return Relation(
        relation.type,
        tuple(ends),
        relation.symmetric,
        provenance=Provenance(Origin.ADJUDICATED, decision, author=reviewer, source_uid=relation.uid),
        attributes={**relation.attributes, source_attribute: sources},
        note=relation.note,
    )
