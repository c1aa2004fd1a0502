"""Reading JSONL (and JSON array) files: Prodigy, doccano and this project's own export.

Recognised per record:

* Prodigy: ``text``, ``meta``, ``spans`` (``start``, ``end``, ``label``; ``token_start`` and
  ``token_end`` are ignored), ``relations`` (``head_span``, ``child_span``, ``label``), ``answer``.
  An ``accept`` record (or one without an answer) carries its spans, and with no spans it is a
  negative example: the document is done in the layer with nothing in it. A span with its own
  ``"answer": "reject"`` is a rejected annotation, not an entity. A binary answer (``_view_id``
  ``ner``, or spans with a model's ``score``: ``ner.teach``) keeps its spans, rejected ones for a
  ``reject``, and marks the document partial (tokens outside them are unknown). Other ``reject``
  and ``ignore`` records are imported as text. Every Prodigy record's other fields (hashes,
  ``_view_id``, ``_session_id``, span fields such as ``score``...) are kept with the layer
  (:attr:`Record.envelope`) so that export writes the record back as it came.
* doccano: ``label`` (or ``labels``) as ``[[start, end, "LABEL"], ...]``, or ``entities`` with
  ``start_offset``/``end_offset`` and ``relations`` (``from_id``, ``to_id``, ``type``).
* this project's export: Prodigy fields plus ``events``: ``type``, ``trigger`` (``start``,
  ``end``), ``arguments`` of ``role`` with ``start``, ``end``, ``label``, or ``role`` with
  ``event``: the index of another event of the same record. Its ``relations`` repeat the events
  (recognised by their ends and role, not read twice) beside free relations;
  ``equivalences`` are groups (``type``, ``members``); ``meta.created_at``/``meta.updated_at``
  are the layer's times. Spans may carry ``fragments`` (``[[start, end], ...]``), ``attributes``
  and ``note``; events ``attributes`` and ``note``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Iterator

from annotator.formats.records import (
    Problem, RawArgument, RawEvent, RawRelation, RawSpan, ReadError, Record, build_record,
)
from annotator.formats.jsonl_relations import doccano_relations, equivalences, extras, prodigy_relations
from annotator.formats.text_files import bom_encoding, decode, unmarked_encoding

LAYER_META_KEYS = ("annotator", "created_at", "updated_at")
"""Meta keys the export writes about the layer rather than the document."""


def read_jsonl(path: Path, name: str, problems: list[Problem]) -> Iterator[Record]:
    """Records of a ``.jsonl`` file, or of a ``.json`` file holding one array of records."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ReadError(f"cannot read the file: {error.strerror or error}") from None
    with handle:
        head = handle.read(8192)
        if not head.strip():
            raise ReadError("the file is empty")
        encoding = utf16_encoding(head)
        kind = unmarked_encoding(head) if encoding is None else None
        if kind is not None:
            raise ReadError(f"the file is {kind}" + ("" if kind.startswith("binary") else "; save it as UTF-8 and import it again"))
        handle.seek(0)
        if encoding is not None:
            # UTF-16 (Windows' "Unicode"): decoded as a stream, so memory stays flat all the same.
            lines: Iterator[str | bytes] = io.TextIOWrapper(handle, encoding=encoding, errors="strict", newline="")
            starts_with = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")[:1] == "["
        else:
            lines = iter(handle)
            starts_with = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
        if starts_with:
            raw = handle.read() if encoding is None else "".join(lines)  # type: ignore[arg-type]
            yield from _read_json_array(raw, name, problems)
            return
        number = 0
        while True:
            try:
                raw_line = next(lines)
            except StopIteration:
                break
            except UnicodeDecodeError:
                problems.append(Problem(name, f"line {number + 1}", f"reading stopped: not valid {encoding} text from here on"))
                break
            number += 1
            if not raw_line.strip():
                continue
            if isinstance(raw_line, bytes):
                if b"\x00" in raw_line:  # one stray NUL loses that line, not the file
                    column = raw_line.index(b"\x00") + 1
                    problems.append(Problem(name, f"line {number}", f"record skipped: a NUL byte (0x00) at byte {column} of the line, which text never has"))
                    continue
                try:
                    line = raw_line.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    problems.append(Problem(name, f"line {number}", "record skipped: not valid UTF-8"))
                    continue
            else:
                line = raw_line.lstrip("\ufeff") if number == 1 else raw_line
            data, problem = parse_json(line)
            if problem is not None:
                problems.append(Problem(name, f"line {number}", f"record skipped: {problem}"))
                continue
            record = _record(data, name, f"line {number}", problems)
            if record is not None:
                yield record


def utf16_encoding(head: bytes) -> str | None:
    """``"utf-16"`` or ``"utf-32"`` for a file that starts with such a byte order mark, else None."""
    return bom_encoding(head)


def parse_json(text: str) -> tuple[Any, str | None]:
    """``(data, None)``, or ``(None, why)`` for text that is not JSON annotator can keep.

    Besides syntax errors: nesting deeper than Python's recursion limit, an integer of more
    digits than Python converts (4,300), and a lone surrogate escape (``"\\ud83d"``), which
    is no Unicode text and which SQLite refuses to store.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"not valid JSON ({error.msg}, at character {error.pos + 1})"
    except RecursionError:
        return None, "the JSON is nested too deeply to read"
    except ValueError as error:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return None, f"a value cannot be read ({error})"
    where = surrogate_in(data) if "\\u" in text else None
    if where is not None:
        return None, f"a lone surrogate escape in {where} is not valid Unicode text"
    return data, None


def surrogate_in(data: Any) -> str | None:
    """Where ``data`` holds a lone surrogate (``"meta.title"``, ``"spans.2.label"``), or None.

    The record's ``text`` is left to the text checks, which name the offset.
    """
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                return f"{where or 'the record'} (U+{ord(value[error.start]):04X})"
        elif isinstance(value, dict):
            for key, item in value.items():
                if where == "" and key == "text":
                    continue
                stack.append((key, f"{where}.{key}" if where else "a key"))
                stack.append((item, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, list):
            stack.extend((item, f"{where}.{i + 1}") for i, item in reversed(list(enumerate(value))))
    return None


def _read_json_array(raw: bytes | str, name: str, problems: list[Problem]) -> Iterator[Record]:
    text = (decode(raw) if isinstance(raw, bytes) else raw).lstrip("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(f"line {error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise ReadError("the JSON is nested too deeply to read") from None
    except ValueError as error:
        raise ReadError(f"a value cannot be read ({error})") from None
    if not isinstance(data, list):
        raise ReadError("a .json file must hold one array of records")
    check = "\\u" in text
    for number, item in enumerate(data, start=1):
        where = surrogate_in(item) if check else None
        if where is not None:
            problems.append(Problem(name, f"record {number}", f"record skipped: a lone surrogate escape in {where} is not valid Unicode text"))
            continue
        record = _record(item, name, f"record {number}", problems)
        if record is not None:
            yield record


PRODIGY_KEYS = ("_input_hash", "_task_hash", "_view_id", "_session_id", "answer")
"""Any of these marks a Prodigy record, whose other fields are kept for export."""

BINARY_VIEWS = ("ner", "binary", "classification")
"""Prodigy views that ask about one suggested span at a time (``ner.teach``): an answer says
nothing about the rest of the text."""


def _record(data: Any, name: str, where: str, problems: list[Problem]) -> Record | None:
    if not isinstance(data, dict):
        problems.append(Problem(name, where, "record skipped: a record must be a JSON object"))
        return None
    text = data.get("text")
    if not isinstance(text, str):
        problems.append(Problem(name, where, 'record skipped: it has no "text" string'))
        return None
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    answer = data.get("answer")
    own_export = isinstance(data.get("events"), list)
    prodigy = not own_export and any(key in data for key in PRODIGY_KEYS)
    raw_spans = data.get("spans") if isinstance(data.get("spans"), list) else None
    # A binary answer (ner.teach) is about its spans only; a reject there says "not this entity".
    binary = (
        prodigy and answer in ("accept", "reject") and bool(raw_spans)
        and (data.get("_view_id") in BINARY_VIEWS or ("_view_id" not in data and all(
            isinstance(s, dict) and ("score" in s or "answer" in s) for s in raw_spans)))
    )
    carries = answer not in ("reject", "ignore") or binary
    spans: list[RawSpan] = []
    events: list[RawEvent] = []
    relations: list[RawRelation] = []
    # An accepted Prodigy answer with no spans is a negative example: the document was seen and
    # holds nothing, so it belongs to the layer, done.
    annotated = answer == "accept"
    if carries:
        if raw_spans is not None:
            annotated = True
            spans = [_prodigy_span(s, f"{where}, span {i + 1}") for i, s in enumerate(raw_spans)]
            if answer == "reject":
                for span in spans:
                    span.rejected = True
        if own_export:
            annotated = True
            events = [_event(e, i, f"{where}, event {i + 1}") for i, e in enumerate(data["events"])]
        if isinstance(data.get("relations"), list) and data["relations"] and "entities" not in data:
            annotated = True
            relations = prodigy_relations(data, spans, events, name, where, problems)
        if isinstance(data.get("equivalences"), list):
            annotated = True
            relations += equivalences(data["equivalences"], where)
        for key in ("label", "labels"):
            if isinstance(data.get(key), list) and data[key]:
                annotated = True
                spans += _doccano_labels(data[key], name, where, problems)
        if isinstance(data.get("entities"), list):
            annotated = True
            entities = [_doccano_entity(e, f"{where}, entity {i + 1}") for i, e in enumerate(data["entities"])]
            spans += entities
            relations += doccano_relations(data, entities, where)
    times = None
    if isinstance(meta.get("created_at"), str) and isinstance(meta.get("updated_at"), str):
        times = (meta["created_at"], meta["updated_at"])
    extra = {k: v for k, v in meta.items() if k not in ("title", "date", "source") + LAYER_META_KEYS}
    envelope = {key: (None if key == "text" else value) for key, value in data.items()} if prodigy else None
    try:
        return build_record(
            text,
            name,
            where,
            title=_string(meta.get("title")),
            date=_string(meta.get("date")) or None,
            source=_string(meta.get("source")) or Path(name).name,
            extra=extra,
            spans=spans,
            events=events,
            annotated=annotated,
            times=times,
            problems=problems,
            relations=relations,
            envelope=envelope,
            partial=binary,
        )
    except ReadError as error:
        problems.append(Problem(name, where, f"record skipped: {error}"))
        return None


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _prodigy_span(span: Any, where: str) -> RawSpan:
    if not isinstance(span, dict):
        return RawSpan(None, None, None, where)
    expected = span.get("text") if isinstance(span.get("text"), str) else None
    fragments = span.get("fragments")
    if isinstance(fragments, list) and all(isinstance(f, list) and len(f) == 2 for f in fragments):
        fragments = tuple(tuple(f) for f in fragments)
    else:
        fragments = ()
    attributes, note = extras(span)
    start, end, label = span.get("start"), span.get("end"), span.get("label")
    raw = RawSpan(start, end, label, where, expected, fragments, attributes, note)  # type: ignore[arg-type]
    raw.rejected = span.get("answer") == "reject"  # "not this entity", even inside an accepted record
    return raw


def _doccano_labels(labels: list, name: str, where: str, problems: list[Problem]) -> list[RawSpan]:
    spans = []
    for i, item in enumerate(labels):
        if isinstance(item, str):
            problems.append(Problem(name, where, "document-level labels (text classification) are not imported"))
            break
        if isinstance(item, (list, tuple)) and len(item) == 3:
            spans.append(RawSpan(item[0], item[1], item[2], f"{where}, label {i + 1}"))
        else:
            spans.append(RawSpan(None, None, None, f"{where}, label {i + 1}"))
    return spans


def _doccano_entity(entity: Any, where: str) -> RawSpan:
    if not isinstance(entity, dict):
        return RawSpan(None, None, None, where)
    return RawSpan(entity.get("start_offset"), entity.get("end_offset"), entity.get("label"), where)


def _event(event: Any, index: int, where: str) -> RawEvent:
    if not isinstance(event, dict) or not isinstance(event.get("trigger"), dict):
        return RawEvent(RawSpan(None, None, None, where), [], index, where)
    trigger = event["trigger"]
    arguments = []
    for argument in event.get("arguments") or []:
        if not isinstance(argument, dict):
            arguments.append(RawArgument("?", RawSpan(None, None, None, where)))
        elif "event" in argument:
            arguments.append(RawArgument(str(argument.get("role", "")), event_key=argument["event"]))
        else:
            arguments.append(
                RawArgument(
                    str(argument.get("role", "")),
                    RawSpan(argument.get("start"), argument.get("end"), argument.get("label"), where),
                )
            )
    attributes, note = extras(event)
    trigger_span = RawSpan(trigger.get("start"), trigger.get("end"), event.get("type"), where)
    return RawEvent(trigger_span, arguments, index, where, attributes, note)
