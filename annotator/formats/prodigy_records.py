"""Prodigy records in and out: their hashes, and writing imported records back as they came.

Prodigy identifies a task by ``_input_hash`` (the input) and ``_task_hash`` (the input and the
question); ``review``, ``data-to-spacy`` and exclusion rely on them, so a record imported from
Prodigy is written back with the hashes and every other field it came with (``_view_id``,
``_session_id``, ``answer``, span fields such as ``score`` and ``source``...). The importer keeps
each record minus its text with the layer (``layer_records``); :func:`records_back` rebuilds them
against the layer's current spans.

Records made here (and kept records that came without hashes) get hashes computed in this
module, in one way each:

* ``_input_hash`` is MurmurHash3 (32-bit, signed, seed 0) of ``json.dumps(text)``: Prodigy's own
  input hash, checked against the 60 records of Prodigy's example dataset in ``tests/data/prodigy/``.
* ``_task_hash`` is MurmurHash3 of the input hash's decimal digits followed by the record's task
  keys (:data:`TASK_KEYS` it holds, in that order) as compact JSON: for a record made here,
  ``str(_input_hash) + '{"spans":' + SPANS + '}'`` with ``SPANS`` the record's ``spans`` exactly
  as written. It changes when the spans change. It does **not** reproduce Prodigy's task hashes
  (none of the 60 example records matches, nor did any variant tried), so Prodigy sees a record
  made here as a task of its own; a record imported from Prodigy keeps the hash it came with.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from murmurhash.mrmr import hash as murmur

from annotator.formats.export_common import ExportSummary
from annotator.store.export_rows import ExportSpan

PARTIAL = "_partial"
"""Marks a kept record as a binary answer (``ner.teach``): it says nothing about other tokens."""

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def input_hash(text: str) -> int:
    """Prodigy's ``_input_hash`` of a record whose input is ``text``."""
    return int(murmur(json.dumps(text)))


def hash_json(text_json: str) -> int:
    """:func:`input_hash` from the text's JSON as ``json.dumps`` writes it (saves encoding twice)."""
    return int(murmur(text_json))


TASK_KEYS = ("spans", "label", "options")
"""The keys of a record that make its task (with its input), in the order the task hash reads them."""


def task_json(record: Mapping[str, Any]) -> str:
    """The part of ``record`` its task hash reads: its :data:`TASK_KEYS`, in that order, compact JSON."""
    return _encode({key: record[key] for key in TASK_KEYS if key in record})


def task_hash(input_value: int, task_json: str) -> int:
    """This project's ``_task_hash`` (see the module docstring): MurmurHash3 of the input hash
    followed by :func:`task_json` of the record. Not Prodigy's formula."""
    return int(murmur(str(input_value) + task_json))


def is_partial(records: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a document's layer holds binary answers only about some of its spans."""
    return any(record.get(PARTIAL) for record in records)


def _key(span: Mapping[str, Any]) -> tuple:
    return (span.get("start"), span.get("end"), span.get("label"))


def _as_answered(record: Mapping[str, Any], span: Mapping[str, Any]) -> bool:
    """Whether a stored span is written as it was whatever the layer holds: one the record
    rejected (that is the answer), or one of a record that brought no spans into the layer
    (``reject``/``ignore`` of a manual view)."""
    return span.get("answer") == "reject" or record.get("answer") in ("reject", "ignore")


def records_back(
    kept: Sequence[Mapping[str, Any]], text: str, spans: Sequence[ExportSpan], summary: ExportSummary
) -> list[str]:
    """The JSON lines of a document's imported records, against the layer's current spans.

    A stored span is written with all its fields while the layer still holds it; a span the
    record rejected, and the spans of a record answered reject or ignore, are written as they
    were (they are the answer). Spans the layer gained since the
    import go into the last record; events of such documents are not records of Prodigy's and are
    counted as left out by the caller.
    """
    current = {(s.start, s.end, s.label) for s in spans}
    stored_keys = {_key(s) for r in kept for s in (r.get("spans") or []) if isinstance(s, dict)}
    fresh = [s for s in spans if (s.start, s.end, s.label) not in stored_keys]
    lines = []
    for number, envelope in enumerate(kept, start=1):
        record = {k: (text if k == "text" else v) for k, v in envelope.items() if k != PARTIAL}
        if "text" not in record:
            record = {"text": text, **record}
        if isinstance(envelope.get("spans"), list):
            written = []
            for span in envelope["spans"]:
                if not isinstance(span, dict) or _key(span) in current or _as_answered(envelope, span):
                    written.append(span)
                else:
                    summary.adjust("span(s) of imported records deleted since the import (left out of their record)")
            record["spans"] = written
        if number == len(kept) and fresh:
            record["spans"] = list(record.get("spans") or []) + [
                {"start": s.start, "end": s.end, "label": s.label} for s in fresh
            ]
            summary.adjust("span(s) added since the import written into the document's last record", len(fresh))
        if "_input_hash" not in record:
            record["_input_hash"] = input_hash(text)
        if "_task_hash" not in record:
            record["_task_hash"] = task_hash(record["_input_hash"], task_json(record))
        lines.append(_encode(record))
    return lines
