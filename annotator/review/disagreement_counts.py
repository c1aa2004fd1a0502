"""How many review items of a document the layers disagree on, counted from plain rows.

The document list ranks a whole project by disagreements; building every annotation as an
object and every :class:`~annotator.review.compare.ReviewItem` to count them took most of that
time. This module counts the same items from tuples (what
:func:`~annotator.store.layer_rows.review_rows` reads), by the rules of
:func:`~annotator.review.compare.compare_document`:

* spans, and separately events (by trigger), are grouped by a sweep over their offsets:
  annotations overlapping directly or through a chain form one group;
* relations are grouped by their place, the sorted set of the places of their ends;
* a group is agreed when every layer holds the same set of signatures there (spans: offsets and
  label; events: trigger, type and arguments, an event filler at its trigger; relations: type,
  direction and end places), and decided when gold holds anything there (rejected copies too).

Rejected annotations of the compared layers are nobody's version and are left out.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Sequence

_NOWHERE = (-1, -1, "?")
_BY_PLACE = itemgetter(0, 1)


def count_disagreements(layers: Sequence[Any], gold: Any | None, undecided_only: bool = False) -> int:
    """Disagreements among ``layers`` (each a :class:`~annotator.store.layer_rows.ReviewRows` of
    one document), not counting those gold has settled when ``undecided_only``."""
    held = len(layers)
    owners = list(enumerate(layers)) + ([(held, gold)] if gold is not None else [])
    # Every event of the document by uid, rejected ones too: arguments and relation ends point at them.
    events = {uid: (start, end, kind) for _, rows in owners for uid, start, end, kind, _, _ in rows.events}
    spans = [
        (start, end, owner, (start, end, label))
        for owner, rows in owners
        for start, end, label, rejected in rows.spans
        if owner == held or not rejected
    ]
    triggers = [
        (start, end, owner, (start, end, kind, tuple(sorted(_argument(a, events) for a in arguments))))
        for owner, rows in owners
        for _, start, end, kind, rejected, arguments in rows.events
        if owner == held or not rejected
    ]
    return (
        _count_groups(spans, held, undecided_only)
        + _count_groups(triggers, held, undecided_only)
        + _count_relations(owners, held, events, undecided_only)
    )


def _argument(argument: tuple, events: dict[str, tuple[int, int, str]]) -> tuple:
    role, start, end, label, event_uid = argument
    if event_uid is None:
        return (role, start, end, label)
    return (role, *events.get(event_uid, _NOWHERE))


def _disagree(versions: list[set], decided: bool, undecided_only: bool) -> bool:
    first = versions[0]
    return any(v != first for v in versions[1:]) and not (undecided_only and decided)


def _count_groups(members: list[tuple], held: int, undecided_only: bool) -> int:
    """Groups of ``(start, end, owner, signature)`` (owner ``held``: gold) the layers disagree on."""
    members.sort(key=_BY_PLACE)
    found = 0
    versions: list[set] = []
    decided = False
    reach = -1
    for start, end, owner, signature in members:
        if versions and start < reach:
            reach = max(reach, end)
        else:
            if versions and _disagree(versions, decided, undecided_only):
                found += 1
            versions, decided, reach = [set() for _ in range(held)], False, end
        if owner == held:
            decided = True
        else:
            versions[owner].add(signature)
    if versions and _disagree(versions, decided, undecided_only):
        found += 1
    return found


def _count_relations(owners: list[tuple[int, Any]], held: int, events: dict, undecided_only: bool) -> int:
    places: dict[tuple, tuple[list[set], list[bool]]] = {}
    for owner, rows in owners:
        for kind, symmetric, ends, rejected in rows.relations:
            if rejected and owner != held:
                continue
            at = tuple(
                tuple(end) if isinstance(end, list) else events.get(end, _NOWHERE) for end in ends
            )
            versions, decided = places.setdefault(tuple(sorted(set(at))), ([set() for _ in range(held)], [False]))
            if owner == held:
                decided[0] = True
            else:
                versions[owner].add(("relation", kind, symmetric, tuple(sorted(at)) if symmetric else at))
    return sum(_disagree(versions, decided[0], undecided_only) for versions, decided in places.values())
