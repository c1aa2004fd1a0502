"""What every export writer shares: the summary it reports into, token lookup on the stored token
JSON, tidy and ordered events, and the rule that picks non-overlapping spans.

Events are put in one canonical order (trigger, type, then arguments) and exact duplicates are
merged, the same way the importer compares them, so that export -> import -> export gives the
same bytes. Spans come from the store already in text order.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple, Sequence

from annotator.model.tokens import Tokens
from annotator.store.export_rows import ExportArgument, ExportEvent, ExportSpan, LayerDocument
from annotator.store.undecided import UndecidedDocument

NAMED_UNDECIDED = 10
"""Documents done with undecided suggestions named in the summary (the rest are counted)."""


@dataclass
class ExportSummary:
    """What an export wrote, and what it had to adjust or leave out (``what -> count``)."""

    format: str
    layer: str
    status: str
    path: Path
    documents: int = 0
    spans: int = 0
    events: int = 0
    relations: int = 0
    adjusted: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    cancelled: bool = False
    undecided: list[UndecidedDocument] = field(default_factory=list)
    """Exported documents marked done that still have undecided suggestions (an analyst's layer)."""

    def adjust(self, what: str, count: int = 1) -> None:
        if count:
            self.adjusted[what] = self.adjusted.get(what, 0) + count

    def leave_out(self, what: str, count: int = 1) -> None:
        if count:
            self.left_out[what] = self.left_out.get(what, 0) + count

    def lines(self) -> list[str]:
        """The summary as the user reads it, one sentence a line."""
        if self.cancelled:
            return [f"Export cancelled; {self.path} was left as it was."]
        counted = f"{self.spans} span(s) and {self.events} event(s)"
        if self.relations:
            counted = f"{self.spans} span(s), {self.events} event(s) and {self.relations} relation(s)"
        lines = [
            (
                f"Exported {self.documents} document(s), {counted} "
                f"of layer {self.layer!r} (status {self.status}) as {self.format} to {self.path}."
            )
        ]
        for title, counts in (("Adjusted", self.adjusted), ("Left out", self.left_out)):
            if counts:
                lines.append(f"{title}: " + "; ".join(f"{n} {what}" for what, n in counts.items()) + ".")
        if self.undecided:
            lines.append(undecided_line(self.undecided))
        if not self.documents and self.status == "done":
            lines.append(f"No document is marked done in layer {self.layer!r}; --status any exports the others too.")
        return lines


def undecided_line(documents: Sequence[UndecidedDocument]) -> str:
    """The summary's sentence about documents marked done with undecided suggestions: counted and
    named, since their missing annotations may be suggestions nobody looked at."""
    spans = sum(d.spans for d in documents)
    events = sum(d.events for d in documents)
    named = ", ".join(f"{d.title!r} (#{d.document_id}: {d.suggestions})" for d in documents[:NAMED_UNDECIDED])
    more = f" and {len(documents) - NAMED_UNDECIDED} more" if len(documents) > NAMED_UNDECIDED else ""
    return (
        f"Marked done with undecided suggestions: {len(documents)} document(s) ({spans} span(s), {events} event(s) "
        f"neither accepted nor rejected), exported with only what was decided: {named}{more}. "
        "Accept or reject them (or mark the documents in progress) before training on this export."
    )


class MadeTokens(NamedTuple):
    """Tokens made at export for a document that has none stored: their JSON (exactly what
    :func:`~annotator.model.tokens.encode_tokens` stores), their offsets and spaCy's ``Doc``."""

    json: bytes
    tokens: Tokens
    doc: Any


MAKE_BATCH = 64
"""Documents tokenised together: spaCy's tokenizer works through a batch faster than one by one."""

_encode_tokens_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def with_made_tokens(items: Iterable[LayerDocument], batch: int = MAKE_BATCH) -> Iterator[LayerDocument]:
    """``items`` in order, those with no stored tokens given tokens made now (``item.made``).

    Documents imported and never opened have no tokens yet. Export only reads the project, so
    the tokens are not stored; they are made with the blank English tokenizer (the one that made
    the stored ones), a batch of documents at a time, and kept only while the batch is written.
    """
    pending: list[LayerDocument] = []
    for item in items:
        if item.tokens and not pending:
            yield item
            continue
        pending.append(item)
        if len(pending) >= batch:
            yield from _made(pending)
            pending = []
    if pending:
        yield from _made(pending)


def _made(items: list[LayerDocument]) -> Iterator[LayerDocument]:
    from annotator.suggest.tokenizer import tokenize_docs

    missing = [item.document.text for item in items if not item.tokens]
    docs = iter(tokenize_docs(missing))
    for item in items:
        if item.tokens:
            yield item
            continue
        doc = next(docs)
        starts = [token.idx for token in doc]
        ends = [start + len(token) for start, token in zip(starts, doc)]
        token_json = _encode_tokens_json(
            [
                {"text": token.text, "start": start, "end": end, "id": i, "ws": bool(token.whitespace_)}
                for i, (token, start, end) in enumerate(zip(doc, starts, ends))
            ]
        ).encode("utf-8")
        yield item._replace(made=MadeTokens(token_json, Tokens(tuple(starts), tuple(ends)), doc))


def token_json_bytes(item: LayerDocument, summary: ExportSummary) -> bytes:
    """The document's stored token JSON (UTF-8), or tokens made now when none were stored."""
    if item.tokens:
        return zlib.decompress(item.tokens)
    if item.made is not None:
        return item.made.json  # type: ignore[no-any-return]
    # Import stores no tokens (they are made when first needed): not an adjustment worth a line.
    return next(_made([item])).made.json  # type: ignore[no-any-return]


def token_lookup(item: LayerDocument, summary: ExportSummary) -> TokenLookup:
    """The token lookup of a document, on its stored tokens or on tokens made now."""
    if not item.tokens and item.made is None:
        item = next(_made([item]))
    if item.made is not None:
        return TokenLookup(item.made.json, item.made.tokens)
    return TokenLookup(zlib.decompress(item.tokens))  # type: ignore[arg-type]


_UNSEEN = object()


class TokenLookup:
    """Token indexes (``token_start``, ``token_end`` inclusive) of spans, read off the token JSON.

    A span on token boundaries is found by searching the JSON for ``"start":S,"end":`` and
    ``"end":E,"id":`` (a token's text cannot contain them unescaped), which is many times faster
    than parsing every token. Spans off token boundaries fall back to :meth:`Tokens.token_range`.
    Tokens made at export come with their offsets (``tokens``): then every span is found by bisection.
    """

    def __init__(self, token_json: bytes, tokens: Tokens | None = None):
        self.json = token_json
        self._tokens: Tokens | None = tokens
        self.exact_search = tokens is None
        """Whether spans are searched for in the JSON (stored tokens) rather than bisected."""
        self.found: dict[tuple[int, int], tuple[int, int, bool] | None] = {}
        """Spans already located (events and relations name the spans again)."""
        # Spans mostly come in text order: each search starts where the previous one found its
        # start token, so a document's spans cost about one pass over its token JSON.
        self._last_start = -1
        self._cursor = 0

    def locate(self, start: int, end: int) -> tuple[int, int, bool] | None:
        """``(first, last, exact)``: the tokens the span overlaps, and whether it starts and ends on
        their boundaries; ``None`` when it overlaps no token (it lies in whitespace)."""
        key = (start, end)
        found = self.found.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        found = None
        if self._tokens is None:
            found = self._search(start, end)
        if found is None:
            found = self._slow(start, end)
        self.found[key] = found
        return found

    def _search(self, start: int, end: int) -> tuple[int, int, bool] | None:
        js = self.json
        pattern = b'"start":%d,"end":' % start
        at = js.find(pattern, self._cursor if start >= self._last_start else 0)
        if at < 0:
            return None
        self._last_start, self._cursor = start, at
        at += len(pattern)
        single = b'%d,"id":' % end
        try:
            if js.startswith(single, at):  # most spans are one token
                at += len(single)
                index = int(js[at : js.index(b",", at)])
                return (index, index, True)
            first_at = js.index(b'"id":', at) + 5
            last = b'"end":%d,"id":' % end
            last_at = js.find(last, at)
            if last_at < 0:
                return None
            last_at += len(last)
            return int(js[first_at : js.index(b",", first_at)]), int(js[last_at : js.index(b",", last_at)]), True
        except ValueError:  # not the JSON this project writes: the parser decides
            return None

    def _slow(self, start: int, end: int) -> tuple[int, int, bool] | None:
        if self._tokens is None:
            tokens = json.loads(self.json)
            self._tokens = Tokens(tuple(t["start"] for t in tokens), tuple(t["end"] for t in tokens))
        found = self._tokens.token_range(start, end)
        if found is None:
            return None
        first, last = found
        return first, last, self._tokens.starts[first] == start and self._tokens.ends[last] == end


def unique_spans(spans: Sequence[ExportSpan], summary: ExportSummary) -> list[ExportSpan]:
    """The spans with exact duplicates (same offsets and label) dropped, as an import would.

    ``spans`` come in text order (start, longest first, label), so duplicates are neighbours.
    """
    kept: list[ExportSpan] = []
    previous = None
    for span in spans:
        key = span[:3]  # start, end, label
        if key == previous:
            summary.adjust("duplicate span(s) merged")
            continue
        kept.append(span)
        previous = key
    return kept


def _signature(event: ExportEvent, by_uid: dict[str, ExportEvent], depth: int = 0) -> tuple:
    arguments = []
    for argument in event.arguments:
        if argument.event_uid is None:
            arguments.append((argument.role, argument.start, argument.end, argument.label, ()))
        else:
            target = by_uid[argument.event_uid]
            # Nested events compare by their own signature; the depth limit stops a cycle.
            inner = _signature(target, by_uid, depth + 1) if depth < 8 else (target.start, target.end, target.type)
            arguments.append((argument.role, -1, -1, "", inner))
    return (event.start, event.end, event.type, tuple(arguments))


def ordered_events(events: Iterable[ExportEvent], summary: ExportSummary) -> list[ExportEvent]:
    """Events in canonical order, duplicates merged, and arguments naming an event that is not
    exported (rejected, say) dropped and counted."""
    events = list(events)
    uids = {event.uid for event in events}
    tidy: list[ExportEvent] = []
    for event in events:
        kept = tuple(a for a in event.arguments if a.event_uid is None or a.event_uid in uids)
        if len(kept) != len(event.arguments):
            dropped = len(event.arguments) - len(kept)
            summary.leave_out("event argument(s) naming an event that is not exported", dropped)
            event = event._replace(arguments=kept)
        tidy.append(event)
    keys = [(e.start, e.end, e.type) for e in tidy]
    if all(a < b for a, b in pairwise(keys)):
        return tidy  # already in trigger order (as the store gives them) with no ties to break
    by_uid = {event.uid: event for event in tidy}
    signed = sorted(((_signature(e, by_uid), e) for e in tidy), key=lambda pair: _sort_key(pair[0]))
    ordered: list[ExportEvent] = []
    same_as: dict[str, str] = {}
    previous = None
    for signature, event in signed:
        if signature == previous:
            summary.adjust("duplicate event(s) merged")
            same_as[event.uid] = ordered[-1].uid
            continue
        previous = signature
        ordered.append(event)
    if same_as:
        ordered = [e._replace(arguments=tuple(_repointed(a, same_as) for a in e.arguments)) for e in ordered]
    return ordered


def _repointed(argument: ExportArgument, same_as: dict[str, str]) -> ExportArgument:
    if argument.event_uid is None:
        return argument
    return argument._replace(event_uid=same_as.get(argument.event_uid, argument.event_uid))


def _sort_key(signature: tuple) -> str:
    # Signatures mix ints, strings and nested tuples; their repr orders them totally and stably.
    start, end, type_, arguments = signature
    return f"{start:012d}{end:012d}{type_}\x00{arguments!r}"


def first_longest(ranges: Sequence[tuple[int, int]]) -> list[int]:
    """Indexes of the ranges kept when overlaps are not allowed: the one that starts first wins,
    then the longer one; ``ranges`` are ``(first, last)`` inclusive."""
    order = sorted(range(len(ranges)), key=lambda i: (ranges[i][0], -ranges[i][1]))
    kept: list[int] = []
    end = -1
    for i in order:
        first, last = ranges[i]
        if first > end:
            kept.append(i)
            end = last
    return sorted(kept)
