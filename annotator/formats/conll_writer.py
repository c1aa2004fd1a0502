"""Writing CoNLL-2003: one token a line with its IOB tag, for NER training code that reads it.

Each document starts with ``-DOCSTART- -X- O O`` (the exact line spaCy's converter recognises)
and a blank line; each token is written as
``TOKEN -X- -X- TAG`` (no part-of-speech or chunk tags: ``-X-`` stands in for them); a blank line
ends a sentence. Tags are IOB2 (``B-`` opens every span). Tokens are the stored ones; whitespace
tokens (line breaks) are left out. CoNLL cannot hold overlapping spans: the span that starts
first, then the longer one, wins, and the summary counts those dropped. Events and relations are not part of
this format: the summary counts them as left out.

Sentences are split by a rule that needs no parser, modelled on spaCy's ``sentencizer``: a
sentence ends at a line break, and after a token of sentence-final punctuation (``.``, ``!``,
``?``, ``…`` and their CJK, Arabic and Devanagari forms) once the closing quotes and brackets
after it have been taken along (the next token that is not punctuation opens a sentence). A
sentence never ends inside an entity (``Unión de Estibadores. Camioneros y Afines`` stays one
entity in one sentence): the break moves to the entity's end.
"""

from __future__ import annotations

import json
import unicodedata
from typing import IO, Any, Callable

from annotator.formats.export_common import ExportSummary, first_longest, token_lookup, unique_spans
from annotator.formats.prodigy_records import is_partial
from annotator.store.export_rows import LayerDocument

DOCSTART = "-DOCSTART- -X- O O\n\n"
"""The one form ``spacy convert --converter ner`` recognises as a document boundary."""

SENTENCE_FINAL = frozenset(".!?…。！？｡．؟۔।॥‼‽⁇⁈⁉")


def _is_final(text: str) -> bool:
    return all(ch in SENTENCE_FINAL for ch in text)


def _is_punct(text: str) -> bool:
    return all(unicodedata.category(ch).startswith("P") for ch in text)


def sentence_starts(tokens: list[dict]) -> list[bool]:
    """For each token, whether a new sentence starts at it (the first token always does)."""
    starts = [False] * len(tokens)
    if tokens:
        starts[0] = True
    seen_final = False
    line_break = False
    for i, token in enumerate(tokens):
        text = token["text"]
        if text.isspace():
            line_break = line_break or "\n" in text
            continue
        if line_break or (seen_final and not _is_punct(text)):
            starts[i] = True
            seen_final = line_break = False
        if _is_final(text):
            seen_final = True
    return starts


class ConllWriter:
    def __init__(self, handle: IO[bytes], summary: ExportSummary):
        self.handle = handle
        self.summary = summary
        self.records_of: Callable[[int], list[dict[str, Any]]] = lambda document_id: []
        """The records a document was imported in: binary answers make it partial."""

    def write(self, item: LayerDocument) -> None:
        summary = self.summary
        lookup = token_lookup(item, summary)
        tokens = json.loads(lookup.json)
        spans = unique_spans(item.spans, summary)
        ranges: list[tuple[int, int]] = []
        labels: list[str] = []
        for span in spans:
            found = lookup.locate(span.start, span.end)
            if found is None:
                summary.leave_out("span(s) covering no token")
                continue
            if not found[2]:
                summary.adjust("span(s) widened to whole tokens")
            ranges.append((found[0], found[1]))
            labels.append(span.label)
        kept = first_longest(ranges)
        summary.leave_out("overlapping span(s) (CoNLL allows one tag a token)", len(ranges) - len(kept))
        tags = ["O"] * len(tokens)
        for i in kept:
            first, last = ranges[i]
            tags[first] = f"B-{labels[i]}"
            for t in range(first + 1, last + 1):
                tags[t] = f"I-{labels[i]}"
        # A span whose first token is whitespace (left out below) must still open with B-.
        for i in kept:
            first, last = ranges[i]
            visible = [t for t in range(first, last + 1) if not tokens[t]["text"].isspace()]
            if visible and visible[0] != first:
                tags[visible[0]] = f"B-{labels[i]}"

        lines = [DOCSTART]
        starts = sentence_starts(tokens)
        in_sentence = False
        deferred = False
        for token, tag, start in zip(tokens, tags, starts):
            text = token["text"]
            if text.isspace():
                continue
            if (start or deferred) and in_sentence:
                if tag.startswith("I-"):
                    # Splitting here would cut the entity in two: end the sentence after it.
                    if not deferred:
                        summary.adjust("sentence end(s) inside an entity moved to the entity's end")
                    deferred = True
                else:
                    lines.append("\n")
                    deferred = False
            if any(ch.isspace() for ch in text):
                text = "".join("_" if ch.isspace() else ch for ch in text)
                summary.adjust("token(s) with inner whitespace written with '_'")
            lines.append(f"{text} -X- -X- {tag}\n")
            in_sentence = True
        if in_sentence:
            lines.append("\n")
        self.handle.write("".join(lines).encode("utf-8"))
        if item.events:
            summary.leave_out("event(s) (CoNLL holds entity tags only)", len(item.events))
        summary.leave_out("relation(s) (CoNLL holds entity tags only)", len(item.relations))
        if item.document.id is not None and is_partial(self.records_of(item.document.id)):
            summary.adjust("document(s) of binary answers: tokens outside their spans are unknown but written O (CoNLL has no missing tag)")
        summary.documents += 1
        summary.spans += len(kept)

    def close(self) -> None:
        self.handle.flush()
