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
from dataclasses import dataclass, field, replace
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
    text = read_text(txt_path)
    ann_name = str(Path(name).with_suffix(".ann"))
    lines = _AnnLines(names or {})
    lines.read(_read_ann(ann_path), ann_name, problems)
    lines.report_left_out(ann_name, problems)
    entity_spans, bare_triggers = _entities_and_bare_triggers(lines, entity_labels)
    events = bare_triggers + _events(lines, ann_name, problems)
    idents: dict[str, object] = {}
    record = build_record(
        text, ann_name, "", source=Path(name).name, spans=entity_spans, events=events, annotated=True,
        problems=problems, relations=_relations(lines), idents=idents,
    )
    # The file's ids, so that export writes T3 as T3 again (see brat_ids).
    return replace(record, envelope={BRAT_IDS: {"ids": idents, **lines.line_ids}})


def _read_ann(ann_path: Path) -> str:
    try:
        raw = ann_path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read {ann_path.name}: {error.strerror or error}") from None
    return decode(raw, "annotation file") if raw.strip() else ""


def _ends(parts: list[str], what: str) -> list[tuple[str, str]]:
    """``ROLE:ID`` parts as (role, id) pairs."""
    pairs = []
    for part in parts:
        role, _, target = part.partition(":")
        if not role or not target:
            raise ValueError(f"{what} {part!r} is not ROLE:ID")
        pairs.append((role, target))
    return pairs


@dataclass
class _AnnLines:
    """What an ``.ann`` file's lines say, by kind, before they are resolved against each other."""

    names: Mapping[str, str]
    spans: dict[str, RawSpan] = field(default_factory=dict)
    events: dict[str, tuple[str, str, list[tuple[str, str]], str]] = field(default_factory=dict)
    """E id -> (type, trigger id, [(role, target id)], where)."""
    attributes: dict[str, dict[str, object]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[str, str, list[str], str, bool]] = field(default_factory=list)
    """(id, type, end ids, where, symmetric) of ``R`` and ``*`` lines."""
    line_ids: dict[str, dict[str, str]] = field(default_factory=lambda: {"A": {}, "#": {}})
    normalizations: list[int] = field(default_factory=list)
    renamed_roles: list[int] = field(default_factory=list)

    def read(self, ann: str, ann_name: str, problems: list[Problem]) -> None:
        """Every line, by its kind; a line that cannot be read is a problem naming it."""
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
                    self._text_bound(ident, rest, where)
                elif kind == "E":
                    self._event(ident, rest, where)
                elif kind in ("A", "M"):
                    self._attribute(ident, rest)
                elif kind == "#":
                    self._note(ident, rest)
                elif kind == "R":
                    self._relation(ident, rest, where, number)
                elif kind == "*":
                    self._equivalence(ident, rest, where)
                elif kind == "N":
                    self.normalizations.append(number)
                else:
                    raise ValueError(f"unknown annotation kind {ident!r}")
            except (ValueError, IndexError) as error:
                problems.append(Problem(ann_name, where, f"annotation skipped: {error}"))

    def _name(self, name: str) -> str:
        return self.names.get(name, name)

    def _text_bound(self, ident: str, rest: str, where: str) -> None:
        label_offsets, _, span_text = rest.partition("\t")
        label, _, offsets = label_offsets.partition(" ")
        if not _OFFSETS.match(offsets):
            raise ValueError(f"offsets {offsets!r} are not 'START END' pairs")
        fragments = tuple(tuple(int(x) for x in part.split()) for part in offsets.split(";"))
        start, end = fragments[0][0], max(e for _, e in fragments)
        self.spans[ident] = RawSpan(
            start, end, self._name(label), where, span_text, fragments if len(fragments) > 1 else (),  # type: ignore[arg-type]
            ident=ident,
        )

    def _event(self, ident: str, rest: str, where: str) -> None:
        parts = rest.split()
        type_, _, trigger = parts[0].rpartition(":")  # ids have no colon, types may: Contact:Meet:T2
        pairs = _ends(parts[1:], "argument")
        roles = normalise_roles(role for role, _ in pairs)
        arguments = [(self._name(role), target) for role, (_, target) in zip(roles, pairs)]
        self.events[ident] = (self._name(type_), trigger, arguments, where)

    def _attribute(self, ident: str, rest: str) -> None:
        fields = rest.split()
        if len(fields) < 2:
            raise ValueError("an attribute needs a name and a target")
        self.attributes.setdefault(fields[1], {})[fields[0]] = fields[2] if len(fields) > 2 else True
        self.line_ids["A"][f"{fields[0]} {fields[1]}"] = ident

    def _note(self, ident: str, rest: str) -> None:
        fields = rest.split("\t", 1)
        target = fields[0].split()[1] if len(fields[0].split()) > 1 else ""
        self.notes[target] = (self.notes.get(target, "") + "\n" + (fields[1] if len(fields) > 1 else "")).strip()
        self.line_ids["#"].setdefault(target, ident)

    def _relation(self, ident: str, rest: str, where: str, number: int) -> None:
        parts = rest.split()
        if len(parts) != 3:
            raise ValueError("a relation is 'Type Arg1:ID Arg2:ID'")
        pairs = _ends(parts[1:], "relation argument")
        if [role for role, _ in pairs] != ["Arg1", "Arg2"]:
            self.renamed_roles.append(number)
        self.relations.append((ident, self._name(parts[0]), [target for _, target in pairs], where, False))

    def _equivalence(self, ident: str, rest: str, where: str) -> None:
        parts = rest.split()
        if len(parts) < 3:
            raise ValueError("an equivalence is 'Type ID ID ...'")
        self.relations.append((ident, self._name(parts[0]), parts[1:], where, True))

    def report_left_out(self, ann_name: str, problems: list[Problem]) -> None:
        """One problem for all normalizations, one for all relations with other argument names."""
        if self.normalizations:
            problems.append(Problem(
                ann_name, f"line {_numbers(self.normalizations)}",
                f"{len(self.normalizations)} normalization(s) not imported: annotator keeps no links to databases",
            ))
        if self.renamed_roles:
            problems.append(Problem(
                ann_name, f"line {_numbers(self.renamed_roles)}",
                f"{len(self.renamed_roles)} relation(s) with argument names other than "
                "Arg1/Arg2: imported as head and child, written back as Arg1/Arg2",
            ))

    def end(self, target: str) -> object:
        """A relation's or argument's end: an event id, a span, or ``("missing", id)``."""
        if target.startswith("E"):
            return target
        return self.spans[target] if target in self.spans else ("missing", target)


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + (", ..." if len(numbers) > 10 else "")


def _entities_and_bare_triggers(lines: _AnnLines, entity_labels: Collection[str]) -> tuple[list[RawSpan], list[RawEvent]]:
    """The ``T`` spans that are entities, and the events of triggers without an ``E`` line.

    Every span gets its attributes and note here. Triggers of ``E`` lines are no entities, nor is
    a span labelled with the role it fills (unless its label is an entity label).
    """
    triggers = {trigger for _, trigger, _, _ in lines.events.values()}
    event_types = {type_ for type_, _, _, _ in lines.events.values()}
    fills: dict[str, set[str]] = {}
    for _, _, arguments, _ in lines.events.values():
        for role, target in arguments:
            fills.setdefault(target, set()).add(role)
    entity_spans = []
    bare_triggers = []
    for ident, span in lines.spans.items():
        span.attributes = lines.attributes.get(ident, {})
        span.note = lines.notes.get(ident, "")
        if ident in triggers:
            continue
        if span.label in fills.get(ident, ()) and span.label not in entity_labels:
            continue  # a noun phrase filling a role, not an entity
        if span.label in event_types:
            # A trigger nobody wrote arguments for yet: still an event, with none.
            bare_triggers.append(RawEvent(span, [], ident, span.location))
        else:
            entity_spans.append(span)
    return entity_spans, bare_triggers


def _events(lines: _AnnLines, ann_name: str, problems: list[Problem]) -> list[RawEvent]:
    """The ``E`` lines as raw events; one whose trigger is missing is a problem."""
    found = []
    for ident, (type_, trigger_id, arguments, where) in lines.events.items():
        trigger = lines.spans.get(trigger_id)
        if trigger is None:
            problems.append(Problem(ann_name, where, f"event skipped: its trigger {trigger_id} is missing"))
            continue
        raw_arguments = []
        for role, target in arguments:
            end = lines.end(target)
            if isinstance(end, RawSpan):
                raw_arguments.append(RawArgument(role, end))
            else:
                raw_arguments.append(RawArgument(role, event_key=end))  # type: ignore[arg-type]
        trigger_span = RawSpan(
            trigger.start, trigger.end, type_, trigger.location, trigger.expected_text, trigger.fragments, ident=trigger_id
        )
        found.append(
            RawEvent(trigger_span, raw_arguments, ident, where, lines.attributes.get(ident, {}), lines.notes.get(ident, ""))
        )
    return found


def _relations(lines: _AnnLines) -> list[RawRelation]:
    """The ``R`` and ``*`` lines as raw relations (attributes and notes on ``R`` only)."""
    found = []
    for ident, type_, ends, where, symmetric in lines.relations:
        raw_ends = [lines.end(target) for target in ends]
        found.append(
            RawRelation(type_, raw_ends, where, symmetric, lines.attributes.get(ident, {}) if not symmetric else {},
                        lines.notes.get(ident, "") if not symmetric else "", ident if not symmetric else "")
        )
    return found
