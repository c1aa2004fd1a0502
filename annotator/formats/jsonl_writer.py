"""Writing JSONL: one Prodigy-style ``ner``/``spans`` record per document, with events and relations.

A record holds ``text``, ``meta`` (title, date, source and other metadata, then ``annotator``: the
layer, and ``created_at``/``updated_at``: the layer's first and last touch of the document),
``_input_hash`` (Prodigy's) and ``_task_hash`` (this project's own: :mod:`annotator.formats.prodigy_records`),
``tokens`` (the stored token JSON, written verbatim), ``spans`` (``start``, ``end``,
``token_start``, ``token_end`` inclusive, ``label``; plus ``fragments``, ``attributes`` and
``note`` where a span has them), ``events`` (``type``, ``trigger`` with offsets and token indexes,
``arguments``: ``role`` with ``start``, ``end``, ``label``, or ``role`` with ``event``: the index
of another event of the record), the same events as Prodigy ``relations`` (``head``/``child``:
token index of the end of the trigger / filler, ``head_span``/``child_span``, ``label``: the
role), then the free relations (:mod:`annotator.formats.relation_export`), ``equivalences`` where
there are groups, and ``answer: "accept"``.

A document imported from Prodigy records is written back as those records instead, hashes and
all (:func:`~annotator.formats.prodigy_records.records_back`).

:mod:`annotator.formats.jsonl_reader` reads this back; export -> import -> export is byte-identical.
"""

from __future__ import annotations

import json
from typing import IO, Any, Callable

from annotator.formats.brat_reader import BRAT_IDS
from annotator.formats.export_common import ExportSummary, TokenLookup, ordered_events, token_lookup, unique_spans
from annotator.formats.prodigy_records import input_hash as prodigy_input_hash
from annotator.formats.prodigy_records import hash_json as prodigy_hash_json
from annotator.formats.prodigy_records import records_back
from annotator.formats.prodigy_records import task_hash as prodigy_task_hash
from annotator.formats.relation_export import relations_json
from annotator.store.export_rows import ExportEvent, LayerDocument

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def input_hash(text: str) -> int:
    """The record's ``_input_hash``, as Prodigy computes it (:mod:`annotator.formats.prodigy_records`)."""
    return prodigy_input_hash(text)


def task_hash(input_value: int, spans_json: str) -> int:
    """The record's ``_task_hash`` (:func:`annotator.formats.prodigy_records.task_hash`): its only
    task key is ``spans``, so its task JSON is ``{"spans":SPANS}``, built here from the spans as
    written rather than by encoding them again."""
    return prodigy_task_hash(input_value, '{"spans":' + spans_json + "}")


class JsonlWriter:
    """Writes one record a line to a binary file handle.

    Records are assembled from string pieces rather than by ``json.dumps`` of whole dictionaries:
    the token JSON is spliced in as stored, and a plain span is one formatted string; this is what
    keeps the export within a factor of two of a bare SELECT + ``json.dumps`` of the same rows.
    """

    def __init__(self, handle: IO[bytes], layer: str, summary: ExportSummary):
        self.handle = handle
        self.layer = layer
        self.summary = summary
        self._strings: dict[str, str] = {}
        self._records_of: Callable[[int], list[dict[str, Any]]] = lambda document_id: []
        self.has_records = False
        self.rejected_written = 0

    @property
    def records_of(self) -> Callable[[int], list[dict[str, Any]]]:
        """The records a document was imported in (Prodigy's), which it is written back as."""
        return self._records_of

    @records_of.setter
    def records_of(self, function: Callable[[int], list[dict[str, Any]]]) -> None:
        self._records_of = function
        self.has_records = True

    def _string(self, value: str) -> str:
        """``value`` as JSON; labels and roles repeat, so their encodings are kept."""
        found = self._strings.get(value)
        if found is None:
            found = self._strings[value] = _encode(value)
        return found

    def _offsets(self, lookup: TokenLookup, start: int, end: int, what: str) -> tuple[str, int | None]:
        """``"start":S,"end":E,"token_start":A,"token_end":B`` and the last token's index."""
        found = lookup.locate(start, end)
        if found is None:
            self.summary.adjust(f"{what}(s) covering no token (written without token_start/token_end)")
            return f'"start":{start},"end":{end}', None
        if not found[2]:
            self.summary.adjust(f"{what}(s) off token boundaries (token_start/token_end: the tokens they overlap)")
        return f'"start":{start},"end":{end},"token_start":{found[0]},"token_end":{found[1]}', found[1]

    def write(self, item: LayerDocument) -> None:
        summary = self.summary
        document = item.document
        if self.has_records:
            kept = [r for r in self.records_of(document.id) if BRAT_IDS not in r] if document.id is not None else []
            self.rejected_written = item.rejected_spans if kept else 0
            if kept:
                self._write_kept(item, kept)
                return
        lookup = token_lookup(item, summary)
        tokens = lookup.json
        spans, spans_json = self._spans(lookup, item)
        events = ordered_events(item.events, summary) if item.events else []
        event_parts, relations = self._events(lookup, events) if events else ((), [])
        groups: list[str] = []
        if item.relations:
            free, groups = relations_json(item.relations, events, lookup, summary)
            relations += free
        meta = document.meta
        meta["annotator"] = self.layer
        if item.times:
            meta["created_at"], meta["updated_at"] = item.times
        text_json = _encode(document.text)
        # Prodigy hashes json.dumps(text) (ASCII escapes): for an ASCII text that is this same string.
        hashed = prodigy_hash_json(text_json) if text_json.isascii() else input_hash(document.text)
        head = (
            f'{{"text":{text_json},"meta":{_encode(meta)},'
            f'"_input_hash":{hashed},'
            f'"_task_hash":{task_hash(hashed, spans_json)},"tokens":'
        )
        tail = (
            f',"spans":{spans_json},"events":[{",".join(event_parts)}],"relations":[{",".join(relations)}]'
            + (f',"equivalences":[{",".join(groups)}]' if groups else "")
            + ',"answer":"accept"}\n'
        )
        self.handle.write(b"".join((head.encode("utf-8"), tokens, tail.encode("utf-8"))))
        summary.documents += 1
        summary.spans += spans
        summary.events += len(events)

    def _write_kept(self, item: LayerDocument, kept: list[dict[str, Any]]) -> None:
        """A document imported from Prodigy records: those records again, hashes and all."""
        summary = self.summary
        spans = unique_spans(item.spans, summary)
        lines = records_back(kept, item.document.text, spans, summary)
        self.handle.write("".join(line + "\n" for line in lines).encode("utf-8"))
        summary.leave_out("event(s) of documents imported as Prodigy records (written back as they came)", len(item.events))
        stored = sum(len(r.get("relations") or []) for r in kept if isinstance(r.get("relations"), list))
        summary.relations += min(stored, len(item.relations))
        summary.leave_out(
            "relation(s) added to documents imported as Prodigy records (written back as they came)",
            max(0, len(item.relations) - stored),
        )
        summary.documents += 1
        summary.spans += len(spans)

    def _spans(self, lookup: TokenLookup, item: LayerDocument) -> tuple[int, str]:
        """How many spans are written, and their JSON array."""
        strings = self._strings
        spans = []
        if lookup.exact_search:
            # The common case inlined (it runs for every span of the layer): a plain span on
            # token boundaries, found in the stored token JSON as TokenLookup._search finds it.
            js = lookup.json
            find, index, startswith = js.find, js.index, js.startswith
            found_before = lookup.found
            cursor = 0
            last_start = -1
        else:
            last_start = None
        for span in unique_spans(item.spans, self.summary):
            start, end, label, fragments, attributes, note = span
            if last_start is not None and not (fragments or attributes or note):
                pattern = b'"start":%d,"end":' % start
                at = find(pattern, cursor if start >= last_start else 0)
                if at >= 0:
                    at += len(pattern)
                    single = b'%d,"id":' % end
                    if startswith(single, at):
                        last_start, cursor = start, at - len(pattern)
                        at += len(single)
                        first = int(js[at : index(b",", at)])
                        found_before[(start, end)] = (first, first, True)
                        label_json = strings.get(label) or self._string(label)
                        spans.append(
                            f'{{"start":{start},"end":{end},"token_start":{first},"token_end":{first},'
                            f'"label":{label_json}}}'
                        )
                        continue
            found = lookup.locate(start, end)
            if found is not None and found[2] and not (fragments or attributes or note):
                spans.append(
                    f'{{"start":{start},"end":{end},"token_start":{found[0]},"token_end":{found[1]},'
                    f'"label":{self._string(label)}}}'
                )
                continue
            offsets, _ = self._offsets(lookup, start, end, "span")
            extra = ""
            if fragments:
                extra += f',"fragments":{_encode([list(f) for f in fragments])}'
            if attributes:
                extra += f',"attributes":{_encode(attributes)}'
            if note:
                extra += f',"note":{_encode(note)}'
            spans.append(f'{{{offsets},"label":{self._string(label)}{extra}}}')
        return len(spans), f"[{','.join(spans)}]"

    def _events(self, lookup: TokenLookup, events: list[ExportEvent]) -> tuple[list[str], list[str]]:
        """The ``events`` items and the same events as Prodigy ``relations``."""
        string = self._string
        index = {event.uid: i for i, event in enumerate(events)}
        triggers = [self._offsets(lookup, e.start, e.end, "trigger") for e in events]
        parts = []
        relations = []
        for event, (trigger, trigger_end) in zip(events, triggers):
            arguments = []
            head_span = f'{{{trigger},"label":{string(event.type)}}}'
            for argument in event.arguments:
                role = string(argument.role)
                if argument.event_uid is not None:
                    target = index[argument.event_uid]
                    arguments.append(f'{{"role":{role},"event":{target}}}')
                    child, child_end = triggers[target]
                    child_span = f'{{{child},"label":{string(events[target].type)}}}'
                else:
                    start, end, label = argument.start, argument.end, string(argument.label)  # type: ignore[arg-type]
                    arguments.append(f'{{"role":{role},"start":{start},"end":{end},"label":{label}}}')
                    child, child_end = self._offsets(lookup, start, end, "argument")  # type: ignore[arg-type]
                    child_span = f'{{{child},"label":{label}}}'
                if trigger_end is None or child_end is None:
                    self.summary.leave_out("relation(s) whose spans cover no token")
                    continue
                relations.append(
                    f'{{"head":{trigger_end},"child":{child_end},"head_span":{head_span},'
                    f'"child_span":{child_span},"label":{role}}}'
                )
            extra = ""
            if event.attributes:
                extra += f',"attributes":{_encode(event.attributes)}'
            if event.note:
                extra += f',"note":{_encode(event.note)}'
            parts.append(
                f'{{"type":{string(event.type)},"trigger":{{{trigger}}},"arguments":[{",".join(arguments)}]{extra}}}'
            )
        return parts, relations

    def close(self) -> None:
        self.handle.flush()
