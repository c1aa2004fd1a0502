"""What agreement and evaluation compare of relations: exact ends and type.

A relation is ``(type, head start, head end, child start, child end)``; an end that is an event
is placed at its trigger, and a relation whose event is missing or rejected has no place and is
left out. An equivalence group counts as the pairs of its members (``a`` before ``b`` in text
order), so two groups that share all but one member agree on most of their pairs. Rejected
relations are nobody's answer and never count.
"""

from __future__ import annotations

from itertools import combinations

from annotator.model.annotations import AnnotationSet

RelationKey = tuple[str, int, int, int, int]
"""``(type, head start, head end, child start, child end)``"""


def relation_keys(annotations: AnnotationSet) -> set[RelationKey]:
    triggers = {e.uid: e.trigger for e in annotations.events if not e.provenance.is_rejected}
    keys: set[RelationKey] = set()
    for relation in annotations.relations:
        if relation.provenance.is_rejected:
            continue
        places = []
        for end in relation.ends:
            span = end.span if end.span is not None else triggers.get(end.event_uid or "")
            if span is None:
                break
            places.append((span.start, span.end))
        else:
            if relation.symmetric:
                for a, b in combinations(sorted(set(places)), 2):
                    keys.add((relation.type, a[0], a[1], b[0], b[1]))
            else:
                (hs, he), (cs, ce) = places
                keys.add((relation.type, hs, he, cs, ce))
    return keys


def by_type(keys: set[RelationKey], kind: str) -> set[RelationKey]:
    return {k for k in keys if k[0] == kind}
