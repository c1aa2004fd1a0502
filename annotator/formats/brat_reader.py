"""Reading brat standoff: a ``.txt`` and its ``.ann``.

Kept: text-bound annotations (``T``; a discontinuous one becomes one span from its first start
to its last end, with the fragments kept), events (``E``; an argument may be another event;
numbered repeats of a role such as ``Org-Arg2`` become the role ``Org-Arg`` where the number only
counts repeats; one that pairs arguments, ``Site2`` beside ``Theme2``, is kept as written), attributes
(``A``/``M``) and notes (``#``) on spans, events and relations; relations (``R``: head ``Arg1``,
child ``Arg2``, a span or an event at each end) and equivalence groups (``*``, symmetric
relations). Reported and left out: normalizations (``N``). Each ``T``'s text is checked against the ``.txt``.

brat keeps type names in the form ``[A-Za-z0-9_-]+`` (:func:`brat_name`); ``names`` maps such
names back onto the project's schema, so ``Conflict_Attack`` is read as ``Conflict:Attack``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Collection, Mapping

from annotator.formats.records import (
    Problem, RawArgument, RawEvent, RawRelation, RawSpan, ReadError, Record, build_record, normalise_roles,
)
from annotator.formats.text_files import decode, read_text

BRAT_IDS = "_brat"
"""Key of the kept record that holds a brat document's own ids."""
from annotator.model.schema import LabelSchema

_OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")
_NOT_BRAT = re.compile(r"[^A-Za-z0-9_-]")


def brat_name(label: str) -> str:
    """The form brat stores a type, role or attribute name in: spaces and every character
    outside ``A-Z a-z 0-9 _ -`` become ``_`` (brat's ``normalize_to_storage_form``)."""
    return _NOT_BRAT.sub("_", label.replace(" ", "_"))


def schema_names(schema: LabelSchema | None) -> dict[str, str]:
    """Maps brat's form of the schema's labels, event types and roles back to their names,
    where that differs and is not ambiguous."""
    if schema is None:
        return {}
    names = {
        *schema.entity_names, *schema.event_names, *(r for e in schema.events for r in e.role_names),
        *(t.name for t in schema.relations),
    }
    found: dict[str, set[str]] = {}
    for name in names:
        stored = brat_name(name)
        if stored != name and stored not in names:
            found.setdefault(stored, set()).add(name)
    return {stored: next(iter(originals)) for stored, originals in found.items() if len(originals) == 1}


def read_brat(
    txt_path: Path,
    ann_path: Path,
    name: str,
    problems: list[Problem],
    names: Mapping[str, str] | None = None,
    entity_labels: Collection[str] = (),
) -> Record:
    """One brat document. ``names`` maps brat's form of names back to the schema's; a ``T`` that
    only fills event roles and is labelled with the role's own name (how this project writes a
    filler that is no entity) stays an argument, unless its label is one of ``entity_labels``."""
    names = names or {}
    text = read_text(txt_path)
    try:
        raw = ann_path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read {ann_path.name}: {error.strerror or error}") from None
    ann_name = str(Path(name).with_suffix(".ann"))
    ann = decode(raw, "annotation file") if raw.strip() else ""

    spans: dict[str, RawSpan] = {}
    events: dict[str, tuple[str, str, list[tuple[str, str]], str]] = {}
    attributes: dict[str, dict[str, object]] = {}
    notes: dict[str, str] = {}
    skipped: dict[str, list[int]] = {}
    relations: list[tuple[str, str, list[str], str, bool]] = []
    line_ids: dict[str, dict[str, str]] = {"A": {}, "#": {}}
    renamed_roles: list[int] = []

    for number, line in enumerate(ann.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        try:
            if kind in ("T", "E", "R", "A", "M", "N", "#") and "\t" not in line:
                raise ValueError(f"{line[:60]!r} has no tab: brat separates the id (and a T's offsets and text) with tabs, not spaces")
            if kind == "T":
                label_offsets, _, span_text = rest.partition("\t")
                label, _, offsets = label_offsets.partition(" ")
                label = names.get(label, label)
                if not _OFFSETS.match(offsets):
                    raise ValueError(f"offsets {offsets!r} are not 'START END' pairs")
                fragments = tuple(tuple(int(x) for x in part.split()) for part in offsets.split(";"))
                start, end = fragments[0][0], max(e for _, e in fragments)
                spans[ident] = RawSpan(
                    start, end, label, where, span_text, fragments if len(fragments) > 1 else (),  # type: ignore[arg-type]
                    ident=ident,
                )
            elif kind == "E":
                parts = rest.split()
                type_, _, trigger = parts[0].rpartition(":")  # ids have no colon, types may: Contact:Meet:T2
                type_ = names.get(type_, type_)
                pairs = []
                for part in parts[1:]:
                    role, _, target = part.partition(":")
                    if not role or not target:
                        raise ValueError(f"argument {part!r} is not ROLE:ID")
                    pairs.append((role, target))
                roles = normalise_roles(role for role, _ in pairs)
                arguments = [(names.get(role, role), target) for role, (_, target) in zip(roles, pairs)]
                events[ident] = (type_, trigger, arguments, where)
            elif kind in ("A", "M"):
                fields = rest.split()
                if len(fields) < 2:
                    raise ValueError("an attribute needs a name and a target")
                attributes.setdefault(fields[1], {})[fields[0]] = fields[2] if len(fields) > 2 else True
                line_ids["A"][f"{fields[0]} {fields[1]}"] = ident
            elif kind == "#":
                fields = rest.split("\t", 1)
                target = fields[0].split()[1] if len(fields[0].split()) > 1 else ""
                notes[target] = (notes.get(target, "") + "\n" + (fields[1] if len(fields) > 1 else "")).strip()
                line_ids["#"].setdefault(target, ident)
            elif kind == "R":
                parts = rest.split()
                if len(parts) != 3:
                    raise ValueError("a relation is 'Type Arg1:ID Arg2:ID'")
                ends = []
                for part in parts[1:]:
                    role, _, target = part.partition(":")
                    if not role or not target:
                        raise ValueError(f"relation argument {part!r} is not ROLE:ID")
                    ends.append(target)
                if [p.partition(":")[0] for p in parts[1:]] != ["Arg1", "Arg2"]:
                    renamed_roles.append(number)
                relations.append((ident, names.get(parts[0], parts[0]), ends, where, False))
            elif kind == "*":
                parts = rest.split()
                if len(parts) < 3:
                    raise ValueError("an equivalence is 'Type ID ID ...'")
                relations.append((ident, names.get(parts[0], parts[0]), parts[1:], where, True))
            elif kind == "N":
                skipped.setdefault(kind, []).append(number)
            else:
                raise ValueError(f"unknown annotation kind {ident!r}")
        except (ValueError, IndexError) as error:
            problems.append(Problem(ann_name, where, f"annotation skipped: {error}"))

    for kind, numbers in skipped.items():
        lines = ", ".join(str(n) for n in numbers[:10]) + (", ..." if len(numbers) > 10 else "")
        problems.append(
            Problem(ann_name, f"line {lines}", f"{len(numbers)} normalization(s) not imported: annotator keeps no links to databases")
        )
    if renamed_roles:
        lines = ", ".join(str(n) for n in renamed_roles[:10]) + (", ..." if len(renamed_roles) > 10 else "")
        problems.append(
            Problem(ann_name, f"line {lines}", f"{len(renamed_roles)} relation(s) with argument names other than "
                    "Arg1/Arg2: imported as head and child, written back as Arg1/Arg2")
        )

    triggers = {trigger for _, trigger, _, _ in events.values()}
    event_types = {type_ for type_, _, _, _ in events.values()}
    fills: dict[str, set[str]] = {}
    for _, _, arguments, _ in events.values():
        for role, target in arguments:
            fills.setdefault(target, set()).add(role)
    entity_spans = []
    raw_events = []
    for ident, span in spans.items():
        span.attributes = attributes.get(ident, {})
        span.note = notes.get(ident, "")
        if ident in triggers:
            continue
        if span.label in fills.get(ident, ()) and span.label not in entity_labels:
            continue  # a noun phrase filling a role, not an entity
        if span.label in event_types:
            # A trigger nobody wrote arguments for yet: still an event, with none.
            raw_events.append(RawEvent(span, [], ident, span.location))
        else:
            entity_spans.append(span)
    for ident, (type_, trigger_id, arguments, where) in events.items():
        trigger = spans.get(trigger_id)
        if trigger is None:
            problems.append(Problem(ann_name, where, f"event skipped: its trigger {trigger_id} is missing"))
            continue
        raw_arguments = []
        for role, target in arguments:
            if target.startswith("E"):
                raw_arguments.append(RawArgument(role, event_key=target))
            elif target in spans:
                raw_arguments.append(RawArgument(role, spans[target]))
            else:
                raw_arguments.append(RawArgument(role, event_key=("missing", target)))
        trigger_span = RawSpan(
            trigger.start, trigger.end, type_, trigger.location, trigger.expected_text, trigger.fragments, ident=trigger_id
        )
        raw_events.append(
            RawEvent(trigger_span, raw_arguments, ident, where, attributes.get(ident, {}), notes.get(ident, ""))
        )
    raw_relations = []
    for ident, type_, ends, where, symmetric in relations:
        raw_ends: list[object] = []
        for target in ends:
            if target.startswith("E"):
                raw_ends.append(target)
            elif target in spans:
                raw_ends.append(spans[target])
            else:
                raw_ends.append(("missing", target))
        raw_relations.append(
            RawRelation(type_, raw_ends, where, symmetric, attributes.get(ident, {}) if not symmetric else {},
                        notes.get(ident, "") if not symmetric else "", ident if not symmetric else "")
        )
    idents: dict[str, object] = {}
    record = build_record(
        text, ann_name, "", source=Path(name).name, spans=entity_spans, events=raw_events, annotated=True,
        problems=problems, relations=raw_relations, idents=idents,
    )
    # The file's ids, so that export writes T3 as T3 again (see brat_ids).
    return replace(record, envelope={BRAT_IDS: {"ids": idents, **line_ids}})
