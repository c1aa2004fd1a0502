"""What agreement and evaluation compare of relations: exact ends and type.

A relation is ``(type, head start, head end, child start, child end)``; an end that is an event
is placed at its trigger, and a relation whose event is missing or rejected has no place and is
left out. An equivalence group counts as the pairs of its members (``a`` before ``b`` in text
order), so two groups that share all but one member agree on most of their pairs. Rejected
relations are nobody's answer and never count.
"""

from __future__ import annotations

from itertools import combinations
from typing import Iterable, Mapping, Sequence

from annotator.model.annotations import AnnotationSet

RelationKey = tuple[str, int, int, int, int]
"""``(type, head start, head end, child start, child end)``"""


def relation_keys(annotations: AnnotationSet) -> set[RelationKey]:
    triggers = {e.uid: (e.trigger.start, e.trigger.end) for e in annotations.events if not e.provenance.is_rejected}
    return relation_keys_of(
        (
            (r.type, r.symmetric, [(e.span.start, e.span.end) if e.span is not None else e.event_uid for e in r.ends])
            for r in annotations.relations
            if not r.provenance.is_rejected
        ),
        triggers,
    )


def relation_keys_of(relations: Iterable[tuple[str, bool, Sequence]], triggers: Mapping[str, Sequence[int]]) -> set[RelationKey]:
    """:func:`relation_keys` of plain relations, ``(type, symmetric, ends)`` with each end a
    sequence starting with its start and end or an event uid, none of them rejected; ``triggers``
    holds the trigger of every counted event by uid (a sequence starting with start and end)."""
    keys: set[RelationKey] = set()
    for kind, symmetric, ends in relations:
        places = []
        for end in ends:
            span = triggers.get(end) if isinstance(end, str) else end
            if span is None:
                break
            places.append((span[0], span[1]))
        else:
            if symmetric:
                for a, b in combinations(sorted(set(places)), 2):
                    keys.add((kind, a[0], a[1], b[0], b[1]))
            else:
                (hs, he), (cs, ce) = places
                keys.add((kind, hs, he, cs, ce))
    return keys


def by_type(keys: set[RelationKey], kind: str) -> set[RelationKey]:
    return {k for k in keys if k[0] == kind}
