"""Writing spaCy's ``DocBin`` (``.spacy``), the file ``python -m spacy train`` reads directly.

Each document becomes a ``Doc`` built from the stored tokens (words and spaces), so nothing is
tokenised again and ``doc.text`` is the stored text. Spans are aligned to tokens with
``alignment_mode="expand"`` (a span off token boundaries grows to whole tokens; the summary counts
them, and a span covering no token at all is counted as left out). ``doc.spans["sc"]`` holds every
span, ``doc.ents`` the non-overlapping ones (the span that starts first, then the longer one,
wins; the summary counts the rest), ``doc.spans["events"]`` the event triggers labelled with
the event type, and ``doc.user_data`` the event structure (``"events"``, as in the JSONL export),
the relations (``"relations"``, :mod:`annotator.formats.relation_export`) and the document's
``"meta"``. A document imported from binary answers (Prodigy ``ner.teach``) is partial: its tokens
outside the answered spans are missing (``-`` in IOB), not ``O``.

This is the one module outside ``annotator/suggest/`` that imports spaCy: writing spaCy's own
format takes spaCy's classes. It loads no pipeline (only the blank English vocabulary).

A ``DocBin`` keeps every document in memory until it is saved. To keep memory flat, documents are
collected a chunk at a time and each chunk's arrays are spooled to anonymous temporary files;
at the end the file is assembled in exactly the layout ``DocBin.to_bytes`` produces (a zlib
compressed msgpack map), streaming from the spool.
"""

from __future__ import annotations

import json
import tempfile
import zlib
from pathlib import Path
from typing import IO, Any, Iterable

import numpy
import srsly
from spacy.tokens import Doc, DocBin

from annotator.formats.export_common import ExportSummary, first_longest, ordered_events, token_json_bytes, unique_spans
from annotator.formats.prodigy_records import is_partial
from annotator.formats.relation_export import relation_items
from annotator.store.export_rows import LayerDocument
from annotator.suggest.tokenizer import blank_english, tokenize

ATTRS = ["ORTH", "ENT_IOB", "ENT_TYPE"]
"""Token attributes stored: the words and the entities (no tags, lemmas or parses to keep)."""

CHUNK = 256
"""Documents held as ``Doc`` objects at a time before their arrays go to the spool."""

_COPY = 1 << 20


def _packer() -> Any:
    """One msgpack packer for a whole file, the same ``srsly.msgpack_dumps`` makes for each call.

    ``srsly.msgpack_dumps`` builds a new packer per call, looking its encoders up in a registry
    each time: called for every item and every string, that was most of the export's time.
    """
    return srsly.msgpack.Packer(use_bin_type=True)


def _map_header(n: int) -> bytes:
    return bytes([0x80 | n]) if n < 16 else b"\xde" + n.to_bytes(2, "big")


def _array_header(n: int) -> bytes:
    if n < 16:
        return bytes([0x90 | n])
    return (b"\xdc" + n.to_bytes(2, "big")) if n < 1 << 16 else (b"\xdd" + n.to_bytes(4, "big"))


def _bin_header(n: int) -> bytes:
    if n < 1 << 8:
        return b"\xc4" + n.to_bytes(1, "big")
    return (b"\xc5" + n.to_bytes(2, "big")) if n < 1 << 16 else (b"\xc6" + n.to_bytes(4, "big"))


class _Spool:
    """An anonymous temporary file collecting bytes, or msgpack items of a list, in order."""

    def __init__(self, folder: Path):
        self.file = tempfile.TemporaryFile(dir=folder)
        self.size = 0
        self.items = 0
        self.pack = _packer().pack

    def add_bytes(self, data: bytes) -> None:
        self.file.write(data)
        self.size += len(data)

    def add_items(self, items: Iterable[Any]) -> None:
        pack = self.pack
        for item in items:
            self.add_bytes(pack(item))
            self.items += 1

    def chunks(self) -> Iterable[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(_COPY):
            yield chunk

    def close(self) -> None:
        self.file.close()


class DocBinWriter:
    def __init__(self, handle: IO[bytes], layer: str, summary: ExportSummary, spool: Path):
        self.handle = handle
        self.layer = layer
        self.summary = summary
        self.vocab = blank_english().vocab
        self.bin = DocBin(attrs=ATTRS, store_user_data=True)
        self.strings: set[str] = set()
        self.records_of: Any = lambda document_id: []
        """The records a document was imported in: binary answers (``ner.teach``) are partial."""
        self.spools = {
            name: _Spool(spool) for name in ("tokens", "spaces", "lengths", "cats", "flags", "span_groups", "user_data")
        }

    def doc(self, item: LayerDocument) -> Doc:
        """The ``Doc`` of one document, with its spans, entities, triggers and event structure."""
        summary = self.summary
        text = item.document.text
        if item.made is not None:
            # Made at export from this very text. Words and spaces only, as from stored tokens:
            # the tokenizer's own Doc carries norms of special cases ("'m" -> "am") into the file.
            made = item.made.doc
            doc = Doc(self.vocab, words=[t.text for t in made], spaces=[bool(t.whitespace_) for t in made])
        else:
            tokens = json.loads(token_json_bytes(item, summary))
            doc = Doc(self.vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
        if doc.text != text:  # stored tokens that do not spell the text: never trust them
            summary.adjust("document(s) tokenised again (stored tokens did not match the text)")
            offsets = next(iter(tokenize([text])))
            doc = Doc(self.vocab, words=[text[s:e] for s, e, _ in offsets], spaces=[ws for _, _, ws in offsets])

        def aligned(start: int, end: int, label: str, what: str) -> Any:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is None or len(span) == 0:
                summary.leave_out(f"{what}(s) covering no token")
                return None
            if span.start_char != start or span.end_char != end:
                summary.adjust(f"{what}(s) expanded to token boundaries")
            return span

        candidates = (aligned(s.start, s.end, s.label, "span") for s in unique_spans(item.spans, summary))
        group = [span for span in candidates if span is not None]
        doc.spans["sc"] = group
        kept = first_longest([(span.start, span.end - 1) for span in group])
        if is_partial(self.records_of(item.document.id)):  # binary answers: other tokens are unknown, not O
            doc.set_ents([group[i] for i in kept], default="missing")
            summary.adjust("document(s) of binary answers: tokens outside their spans left missing, not O")
        else:
            doc.ents = [group[i] for i in kept]
        summary.adjust("overlapping span(s) kept only in doc.spans['sc'], not in doc.ents", len(group) - len(kept))

        events = ordered_events(item.events, summary)
        index = {event.uid: i for i, event in enumerate(events)}
        triggers = [aligned(e.start, e.end, e.type, "trigger") for e in events]
        doc.spans["events"] = [t for t in triggers if t is not None]
        structure = []
        for event in events:
            arguments = [
                {"role": a.role, "event": index[a.event_uid]}
                if a.event_uid is not None
                else {"role": a.role, "start": a.start, "end": a.end, "label": a.label}
                for a in event.arguments
            ]
            trigger = {"start": event.start, "end": event.end}
            structure.append({"type": event.type, "trigger": trigger, "arguments": arguments})
        meta = item.document.meta
        meta["annotator"] = self.layer
        doc.user_data["events"] = structure
        doc.user_data["meta"] = meta
        if item.relations:
            doc.user_data["relations"] = relation_items(item.relations, events, summary)
        summary.documents += 1
        summary.spans += len(group)
        summary.events += len(events)
        return doc

    def write(self, item: LayerDocument) -> None:
        self.bin.add(self.doc(item))
        if len(self.bin) >= CHUNK:
            self._spill()

    def _spill(self) -> None:
        chunk = self.bin
        if not len(chunk):
            return
        spools = self.spools
        spools["tokens"].add_bytes(numpy.vstack(chunk.tokens).tobytes("C"))
        spools["spaces"].add_bytes(numpy.vstack(chunk.spaces).tobytes("C"))
        spools["lengths"].add_bytes(numpy.asarray([len(t) for t in chunk.tokens], dtype="int32").tobytes("C"))
        spools["cats"].add_items(chunk.cats)
        spools["flags"].add_items(chunk.flags)
        spools["span_groups"].add_items(chunk.span_groups)
        spools["user_data"].add_items(chunk.user_data)
        self.strings.update(chunk.strings)
        self.bin = DocBin(attrs=ATTRS, store_user_data=True)

    def close(self) -> None:
        """Write the file: the map ``DocBin.to_bytes`` writes, key for key, compressed as it goes."""
        self._spill()
        spools = self.spools
        compressor = zlib.compressobj()
        write = self.handle.write

        def put(data: bytes) -> None:
            write(compressor.compress(data))

        put(_map_header(10))
        put(srsly.msgpack_dumps("version") + srsly.msgpack_dumps(self.bin.version))
        put(srsly.msgpack_dumps("attrs") + srsly.msgpack_dumps(self.bin.attrs))
        for name in ("tokens", "spaces", "lengths"):
            put(srsly.msgpack_dumps(name) + _bin_header(spools[name].size))
            for data in spools[name].chunks():
                put(data)
        put(srsly.msgpack_dumps("strings") + _array_header(len(self.strings)))
        pack = _packer().pack
        strings = sorted(self.strings)
        for i in range(0, len(strings), 4096):
            put(b"".join([pack(string) for string in strings[i : i + 4096]]))
        for name in ("cats", "flags", "span_groups", "user_data"):
            put(srsly.msgpack_dumps(name) + _array_header(spools[name].items))
            for data in spools[name].chunks():
                put(data)
        write(compressor.flush())
        for spool in spools.values():
            spool.close()
        self.handle.flush()
