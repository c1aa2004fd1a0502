"""Writing brat standoff: a folder of ``NAME.txt`` + ``NAME.ann`` pairs and an ``annotation.conf``.

``.ann`` lines: ``T`` for every span (entities, argument fillers, relation ends, triggers; a
discontinuous span as ``S E;S E``), ``E`` for events (``Type:T3 Role:T1 Role2:T5``: a role filled twice is numbered,
an argument may be another event), ``A`` for attributes and ``#`` for notes. Offsets are code
points into the ``.txt``, which holds the stored text as it is.

brat stores type names in the form ``[A-Za-z0-9_-]+`` (its ``normalize_to_storage_form``), so
other characters become ``_``: the event type ``Conflict:Attack`` is written ``Conflict_Attack``.
The importer maps such names back onto the project's schema. The ``annotation.conf`` declares the
project's schema plus every label the exported annotations use, sorted by name. A span crossing a
line break is written as fragments split at the break, because an ``.ann`` line cannot hold one.

Relations are ``R`` lines (``Type Arg1:T1 Arg2:T2``, an end may be an event) and equivalence groups
``*`` lines. A document imported from brat keeps its ids (the importer keeps them with the layer;
:class:`_Ids`), so a corpus comes back line for line; anything without a kept id is numbered after
the highest kept one, in text order. Output is deterministic, so brat export -> import into a new
project -> export gives the same bytes.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

from annotator.formats.brat_reader import BRAT_IDS, brat_name
from annotator.formats.prodigy_records import is_partial
from annotator.formats.export_common import ExportSummary, ordered_events, unique_spans
from annotator.model.schema import LabelSchema
from annotator.store.export_rows import ExportEvent, ExportRelation, ExportSpan, LayerDocument

LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""Characters that end a line for ``str.splitlines``, which reads ``.ann`` files back."""

_UNSAFE_FILE_CHARS = re.compile(r"[^\w.-]")


def brat_fragments(text: str, pieces: tuple[tuple[int, int], ...]) -> tuple[str, str, bool]:
    """``("S E;S E", "text of the fragments", split)`` for a span made of ``pieces``.

    A piece that crosses a line break is split there (``split`` is then true); breaks at the very
    edges stay inside and show as spaces in the text column, which the reader accepts.
    """
    offsets: list[tuple[int, int]] = []
    split = False
    for start, end in pieces:
        runs: list[list[int]] = []
        i = start
        while i < end:
            if text[i] in LINE_BREAKS:
                i += 1
                continue
            j = i
            while j < end and text[j] not in LINE_BREAKS:
                j += 1
            runs.append([i, j])
            i = j
        if not runs:
            offsets.append((start, end))
            continue
        runs[0][0], runs[-1][1] = start, end
        split = split or len(runs) > 1
        offsets.extend((a, b) for a, b in runs)
    shown = " ".join("".join(" " if ch in LINE_BREAKS else ch for ch in text[a:b]) for a, b in offsets)
    return ";".join(f"{a} {b}" for a, b in offsets), shown, split


class BratWriter:
    """Writes one ``.txt``/``.ann`` pair per document into ``folder``; ``close`` adds the config."""

    def __init__(self, folder: Path, layer: str, schema: LabelSchema | None, summary: ExportSummary):
        self.folder = folder
        self.layer = layer
        self.schema = schema or LabelSchema()
        self.summary = summary
        self.names: set[str] = set()
        self.entity_labels: set[str] = set()
        self.event_roles: dict[str, dict[str, set[str]]] = {}
        self.event_fillers: set[tuple[str, str]] = set()
        self.attributes: dict[str, tuple[set[str], set[str]]] = {}
        self.renamed: set[str] = set()
        self.relation_ends: dict[str, tuple[set[str], set[str], bool]] = {}
        self.records_of: Callable[[int], list[dict[str, Any]]] = lambda document_id: []
        """The records a document was imported in; a brat document's hold its ids (``T3``...)."""
        self._ids = _Ids({})
        folder.mkdir()

    def _brat(self, label: str) -> str:
        stored = brat_name(label)
        if stored != label and label not in self.renamed:
            self.renamed.add(label)
            self.summary.adjust("label(s) renamed to brat's form (other characters than A-Z, 0-9, _ and - became _)")
        return stored

    def file_name(self, item: LayerDocument) -> str:
        """A unique file name (no extension) from the document's source, else its id."""
        document = item.document
        base = _UNSAFE_FILE_CHARS.sub("_", Path(document.source).stem if document.source else "").lstrip(".")[:100]
        base = base or f"document-{document.id}"
        name, n = base, 1
        while name.casefold() in self.names:
            n += 1
            name = f"{base}-{n}"
        self.names.add(name.casefold())
        return name

    def write(self, item: LayerDocument) -> None:
        name = self.file_name(item)
        (self.folder / f"{name}.txt").write_bytes(item.document.text.encode("utf-8"))
        (self.folder / f"{name}.ann").write_bytes(self.ann(item).encode("utf-8"))

    def ann(self, item: LayerDocument) -> str:
        """The ``.ann`` text of one document: ``T``, then ``E``, ``A`` and ``#`` lines."""
        spans = unique_spans(item.spans, self.summary)
        events = ordered_events(item.events, self.summary)
        records = self.records_of(item.document.id) if item.document.id else []
        kept = next((r[BRAT_IDS] for r in records if BRAT_IDS in r), {})
        if is_partial(records):
            self.summary.adjust("document(s) of binary answers: brat cannot say that the rest of the text is unannotated")
        self._ids = ids = _Ids(kept)
        event_t = {event.uid: ids.take("E", event.uid) for event in events}
        for event in events:
            event_t[event.uid] = event_t[event.uid] or ids.new("E")
        relations = [r for r in item.relations if all(isinstance(e, tuple) or e in event_t for e in r.ends)]
        self.summary.leave_out("relation(s) naming an event that is not exported", len(item.relations) - len(relations))
        lines, entity_t, trigger_t = self._text_bound(item.document.text, spans, events, relations)
        lines += [self._event_line(event, entity_t, trigger_t, event_t) for event in events]
        relation_lines, relation_t = self._relation_lines(relations, entity_t, trigger_t, event_t)
        lines += relation_lines
        lines += self._attributes_and_notes(spans, events, entity_t, event_t, relations, relation_t)
        self.summary.relations += len(relations)
        self.summary.documents += 1
        self.summary.spans += len(spans)
        self.summary.events += len(events)
        return "".join(line + "\n" for line in lines)

    def _text_bound(
        self, text: str, spans: list[ExportSpan], events: list[ExportEvent], relations: list[ExportRelation] = ()  # type: ignore[assignment]
    ) -> tuple[list[str], dict[tuple, str], dict[tuple, str]]:
        """``T`` lines for the spans, the argument fillers that are no span, and the triggers,
        numbered in text order; and which ``T`` each entity and trigger got."""
        entries: dict[tuple[int, int, str], ExportSpan] = {(s.start, s.end, s.label): s for s in spans}
        for event in events:
            for argument in event.arguments:
                if argument.event_uid is None:
                    key = (argument.start, argument.end, argument.label)
                    entries.setdefault(key, ExportSpan(*key))  # type: ignore[arg-type]
        triggers = {(e.start, e.end, e.type): None for e in events}
        for relation in relations:
            for end in relation.ends:
                if isinstance(end, tuple) and end not in triggers:
                    entries.setdefault(end, ExportSpan(*end))
        order = sorted([(k[0], -k[1], k[2], 0, k) for k in entries] + [(k[0], -k[1], k[2], 1, k) for k in triggers])
        entity_t: dict[tuple, str] = {}
        trigger_t: dict[tuple, str] = {}
        lines: list[str] = []
        taken = [self._ids.take("T", key) for *_, key in order]
        for taken_id, (_, _, label, is_trigger, key) in zip(taken, order):
            ident = taken_id or self._ids.new("T")
            (trigger_t if is_trigger else entity_t)[key] = ident
            fragments = () if is_trigger else entries[key].fragments
            offsets, shown, split = brat_fragments(text, fragments or ((key[0], key[1]),))
            if split:
                self.summary.adjust("span(s) crossing a line break written as fragments")
            lines.append(f"{ident}\t{self._brat(label)} {offsets}\t{shown}")
            if not is_trigger:
                self.entity_labels.add(label)
        return lines, entity_t, trigger_t

    def _event_line(
        self, event: ExportEvent, entity_t: dict[tuple, str], trigger_t: dict[tuple, str], event_t: dict[str, str]
    ) -> str:
        """``E1<TAB>Type:T3 Role:T1 Role2:T5 Other:E2``; roles filled twice are numbered."""
        roles = self.event_roles.setdefault(event.type, {})
        parts = [f"{event_t[event.uid]}\t{self._brat(event.type)}:{trigger_t[(event.start, event.end, event.type)]}"]
        seen: dict[str, int] = {}
        for argument in event.arguments:
            fillers = roles.setdefault(argument.role, set())
            if argument.event_uid is None:
                fillers.add(argument.label)  # type: ignore[arg-type]
                target = entity_t[(argument.start, argument.end, argument.label)]
            else:
                self.event_fillers.add((event.type, argument.role))
                target = event_t[argument.event_uid]
            seen[argument.role] = repeat = seen.get(argument.role, 0) + 1
            parts.append(f"{self._brat(argument.role)}{repeat if repeat > 1 else ''}:{target}")
        return " ".join(parts)

    def _relation_lines(
        self, relations: list[ExportRelation], entity_t: dict[tuple, str], trigger_t: dict[tuple, str], event_t: dict[str, str]
    ) -> tuple[list[str], dict[str, str]]:
        """``R1<TAB>Type Arg1:T1 Arg2:T2`` for relations, ``*<TAB>Type T1 T2 T3`` for equivalences."""
        lines: list[str] = []
        relation_t: dict[str, str] = {}

        def ident(end: object) -> str:
            if isinstance(end, tuple):
                return entity_t.get(end) or trigger_t[end]
            return event_t[end]  # type: ignore[index]

        def label(end: object) -> str:
            return end[2] if isinstance(end, tuple) else "<EVENT>"

        for relation in relations:
            ends = self.relation_ends.setdefault(relation.type, (set(), set(), relation.symmetric))
            if relation.symmetric:
                ends[0].update(label(e) for e in relation.ends)
                ends[1].update(label(e) for e in relation.ends)
                lines.append(f"*\t{self._brat(relation.type)} {' '.join(ident(e) for e in relation.ends)}")
                continue
            ends[0].add(label(relation.ends[0]))
            ends[1].add(label(relation.ends[1]))
            relation_t[relation.uid] = self._ids.take("R", relation.uid) or ""
        for relation in relations:
            if relation.symmetric:
                continue
            name = relation_t[relation.uid] = relation_t[relation.uid] or self._ids.new("R")
            head, child = relation.ends
            lines.append(f"{name}\t{self._brat(relation.type)} Arg1:{ident(head)} Arg2:{ident(child)}\t")
        return lines, relation_t

    def _attributes_and_notes(
        self,
        spans: list[ExportSpan],
        events: list[ExportEvent],
        entity_t: dict[tuple, str],
        event_t: dict[str, str],
        relations: list[ExportRelation] = (),  # type: ignore[assignment]
        relation_t: dict[str, str] | None = None,
    ) -> list[str]:
        attributed = [(entity_t[(s.start, s.end, s.label)], s.attributes, s.note, "<ENTITY>") for s in spans]
        attributed += [(event_t[e.uid], e.attributes, e.note, "<EVENT>") for e in events]
        attributed += [
            ((relation_t or {})[r.uid], r.attributes, r.note, "<RELATION>")
            for r in relations
            if not r.symmetric and (r.attributes or r.note)
        ]
        attribute_lines: list[tuple[str | None, str]] = []
        notes: list[tuple[str | None, str]] = []
        for target, attributes, note, kind in attributed:
            for attribute, value in sorted((attributes or {}).items()):
                line = self._attribute(target, attribute, value, kind)
                if line:
                    attribute_lines.append((self._ids.take("A", f"{self._brat(attribute)} {target}"), line))
            if note:
                shown = " ".join(note.split())
                if shown != note:
                    self.summary.adjust("note(s) with line breaks or tabs written on one line")
                notes.append((self._ids.take("#", target), f"AnnotatorNotes {target}\t{shown}"))
        lines = [f"{ident or self._ids.new('A')}\t{line}" for ident, line in attribute_lines]
        return lines + [f"{ident or self._ids.new('#')}\t{line}" for ident, line in notes]

    def _attribute(self, target: str, name: str, value: object, kind: str) -> str | None:
        if value is False or value is None:
            self.summary.leave_out("attribute(s) set to false or null (brat has no such value)")
            return None
        stored = self._brat(name)
        targets, values = self.attributes.setdefault(stored, (set(), set()))
        targets.add(kind)
        if value is True:
            return f"{stored} {target}"
        shown = re.sub(r"\s+", "_", str(value).strip()) or "_"
        if shown != value:
            self.summary.adjust("attribute value(s) written as brat text (no spaces)")
        values.add(shown)
        return f"{stored} {target} {shown}"

    def _relation_conf(self, schema: LabelSchema, entity_names: list[str]) -> list[str]:
        """``Type<TAB>Arg1:A|B, Arg2:C`` per relation type, the schema's and those written."""
        schema, _ = schema.with_relations(self.relation_ends)
        lines = []
        for relation in sorted(schema.relations, key=lambda t: brat_name(t.name)):
            heads = "|".join(sorted({brat_name(x) if x != "<EVENT>" else x for x in relation.heads})) or "<ANY>"
            children = "|".join(sorted({brat_name(x) if x != "<EVENT>" else x for x in relation.children})) or "<ANY>"
            line = f"{brat_name(relation.name)}\tArg1:{heads}, Arg2:{children}"
            if relation.symmetric:
                line += ", <REL-TYPE>:symmetric-transitive"
            lines.append(line)
        return lines

    def close(self) -> None:
        (self.folder / "annotation.conf").write_bytes(self.conf().encode("utf-8"))

    def conf(self) -> str:
        """``annotation.conf``: the project's schema and every label the written files use.

        Types, roles and fillers are sorted by name, so the file depends only on which labels
        there are, not on the order in which imports added them to a project's schema.
        """
        schema, _ = self.schema.with_labels(self.entity_labels, self.event_roles)
        entity_names = sorted({brat_name(e.name) for e in schema.entities})
        out = [
            "# brat configuration written by annotator: the project's label schema and the labels this export uses.",
            "# brat type names allow only A-Z, a-z, 0-9, _ and -; other characters became _",
            "# (Conflict:Attack -> Conflict_Attack).",
            "",
            "[entities]",
            "",
            *entity_names,
            "",
            "[relations]",
            "",
            *self._relation_conf(schema, entity_names),
            "# entities may overlap and nest",
            "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
            "",
            "[events]",
            "",
        ]
        events = {}
        for event in schema.events:
            events.setdefault(brat_name(event.name), event)  # two names brat writes alike: the first
        for name, event in sorted(events.items()):
            roles = []
            for role in sorted(event.roles, key=lambda r: brat_name(r.name)):
                types = sorted({brat_name(f) for f in role.fillers}) or entity_names
                if (event.name, role.name) in self.event_fillers:
                    types = types + ["<EVENT>"]
                roles.append(f"{brat_name(role.name)}*:{'|'.join(types)}")
            out.append(f"{name}\t{', '.join(roles)}" if roles else name)
        out += ["", "[attributes]", ""]
        for name, (targets, values) in sorted(self.attributes.items()):
            arg = "|".join(sorted(targets))
            out.append(f"{name}\tArg:{arg}" + (f", Value:{'|'.join(sorted(values))}" if values else ""))
        return "\n".join(out) + "\n"


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); false where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0


def replace_folder(new: Path, out: Path) -> None:
    """Put the finished folder ``new`` at ``out``, replacing what was there.

    Where the system can swap two folders in one step, ``out`` is at every moment either the old
    export or the new one; elsewhere the old one is moved aside first, for an instant.
    """
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new)
        return
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old)


class _Ids:
    """The ids a document's ``.ann`` lines get: those it was imported with where they still name
    the same annotation (``T`` by offsets and label, ``E``/``R`` by the annotation's uid, ``A`` by
    attribute and target, ``#`` by target), new numbers after the highest kept one otherwise."""

    def __init__(self, kept: dict[str, Any]):
        self.by_kind: dict[str, dict[Any, str]] = {"T": {}, "E": {}, "R": {}, "A": dict(kept.get("A", {})), "#": dict(kept.get("#", {}))}
        for ident, value in (kept.get("ids") or {}).items():
            kind = ident[:1]
            key = tuple(value) if isinstance(value, list) else value
            if kind in ("T", "E", "R"):
                self.by_kind[kind].setdefault(key, ident)
        self.used: set[str] = set()
        self.next: dict[str, int] = {}
        for table in self.by_kind.values():
            for ident in table.values():
                kind, number = ident[:1], ident[1:]
                if number.isdigit():
                    self.next[kind] = max(self.next.get(kind, 1), int(number) + 1)

    def take(self, kind: str, key: Any) -> str | None:
        """The kept id of ``key``, once (a second annotation with the same key gets a new one)."""
        ident = self.by_kind[kind].get(key)
        if ident is None or ident in self.used:
            return None
        self.used.add(ident)
        return ident

    def new(self, kind: str) -> str:
        number = self.next.get(kind, 1)
        while f"{kind}{number}" in self.used:
            number += 1
        self.next[kind] = number + 1
        ident = f"{kind}{number}"
        self.used.add(ident)
        return ident
