"""The relations of a JSONL record (Prodigy ``relations``, this project's ``equivalences``,
doccano ``relations``) and the ``attributes``/``note`` the export writes on annotations.

Part of :mod:`annotator.formats.jsonl_reader`, which calls these per record; each returns raw
relations that :func:`annotator.formats.records.build_record` checks against the text.
"""

from __future__ import annotations

from typing import Any

from annotator.formats.records import Problem, RawEvent, RawRelation, RawSpan

__all__ = ["doccano_relations", "equivalences", "extras", "prodigy_relations"]


def _span_of(item: Any, where: str) -> RawSpan:
    if not isinstance(item, dict):
        return RawSpan(None, None, None, where)
    return RawSpan(item.get("start"), item.get("end"), item.get("label"), where)


def prodigy_relations(
    data: dict, spans: list[RawSpan], events: list[RawEvent], name: str, where: str, problems: list[Problem]
) -> list[RawRelation]:
    """Prodigy ``relations`` (``head_span``/``child_span``, ``label``) that are not event arguments.

    This project's export repeats each event argument as a relation (trigger -> filler, labelled
    with the role); those are recognised by their ends and role and not read twice. An end that
    is an event is written with ``head_event``/``child_event``: the index of the event.
    """
    mirrors = set()
    for raw_event in events:
        trigger = raw_event.trigger
        for argument in raw_event.arguments:
            if argument.span is not None:
                child = (argument.span.start, argument.span.end)
            elif isinstance(argument.event_key, int) and 0 <= argument.event_key < len(events):
                inner = events[argument.event_key].trigger
                child = (inner.start, inner.end)
            else:
                continue
            mirrors.add((trigger.start, trigger.end, child[0], child[1], argument.role))
    found = []
    for i, relation in enumerate(data["relations"]):
        at = f"{where}, relation {i + 1}"
        if not isinstance(relation, dict):
            problems.append(Problem(name, at, "relation skipped: a relation must be a JSON object"))
            continue
        head, child = relation.get("head_span"), relation.get("child_span")
        if events and not isinstance(head, dict) and not isinstance(child, dict):
            continue  # token indexes only: an event argument repeated, as older exports wrote them
        if not isinstance(head, dict) or not isinstance(child, dict):
            problems.append(Problem(name, at, "relation skipped: it has no head_span and child_span"))
            continue
        key = (head.get("start"), head.get("end"), child.get("start"), child.get("end"), relation.get("label"))
        if events and key in mirrors:
            continue
        ends: list[Any] = []
        for span, event_key in ((head, "head_event"), (child, "child_event")):
            ends.append(relation[event_key] if isinstance(relation.get(event_key), int) else _span_of(span, at))
        attributes, note = extras(relation)
        found.append(RawRelation(relation.get("label"), ends, at, False, attributes, note))
    return found


def equivalences(groups: list, where: str) -> list[RawRelation]:
    """This project's ``equivalences``: ``{"type", "members": [{start, end, label}, ...]}``."""
    found = []
    for i, group in enumerate(groups):
        at = f"{where}, equivalence {i + 1}"
        if not isinstance(group, dict) or not isinstance(group.get("members"), list):
            found.append(RawRelation(None, [], at, True))
            continue
        found.append(RawRelation(group.get("type"), [_span_of(m, at) for m in group["members"]], at, True))
    return found


def doccano_relations(data: dict, entities: list[RawSpan], where: str) -> list[RawRelation]:
    """doccano ``relations``: ``from_id``/``to_id`` name entities by their ``id``."""
    by_id = {}
    for entity, raw in zip(entities, data["entities"]):
        if isinstance(raw, dict) and "id" in raw:
            by_id[raw["id"]] = entity
    found = []
    for i, relation in enumerate(data.get("relations") or []):
        at = f"{where}, relation {i + 1}"
        if not isinstance(relation, dict):
            found.append(RawRelation(None, [], at))
            continue
        ends = [by_id.get(relation.get(key), ("missing", relation.get(key))) for key in ("from_id", "to_id")]
        found.append(RawRelation(relation.get("type"), ends, at))
    return found


def extras(item: dict) -> tuple[dict[str, Any], str]:
    """The ``attributes`` and ``note`` this project's export writes on spans and events."""
    attributes = item.get("attributes")
    note = item.get("note")
    return (attributes if isinstance(attributes, dict) else {}), (note if isinstance(note, str) else "")
