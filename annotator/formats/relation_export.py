"""Relations in the exports that carry them: Prodigy-style JSONL and spaCy's ``user_data``.

JSONL (Prodigy ``rel.manual`` form): ``head``/``child`` are the token index of each end's last
token, ``head_span``/``child_span`` its offsets, token range and label, ``label`` the relation
type; an end that is an event also says ``head_event``/``child_event`` (the event's index in the
record's ``events``), which is how re-import tells it from a span. Equivalence groups, which
Prodigy has no form for, go into ``equivalences`` (``type``, ``members``).

DocBin: ``doc.user_data["relations"]`` holds ``{"type", "head", "child"}`` with each end
``{"start", "end", "label"}`` or ``{"event": index}``, and groups as ``{"type", "members",
"symmetric": true}``.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from annotator.formats.export_common import ExportSummary, TokenLookup
from annotator.store.export_rows import ExportEvent, ExportRelation

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

_NOT_EXPORTED = "relation(s) naming an event that is not exported"


def _end_span(end: Any, events: Sequence[ExportEvent], index: dict[str, int]) -> tuple[int, int, str, int | None] | None:
    if isinstance(end, tuple):
        return end[0], end[1], end[2], None
    at = index.get(end)
    if at is None:
        return None
    event = events[at]
    return event.start, event.end, event.type, at


def relations_json(
    relations: Sequence[ExportRelation], events: Sequence[ExportEvent], lookup: TokenLookup, summary: ExportSummary
) -> tuple[list[str], list[str]]:
    """The JSON of free relations (for ``relations``) and of equivalence groups (``equivalences``)."""
    index = {event.uid: i for i, event in enumerate(events)}
    free: list[str] = []
    groups: list[str] = []
    for relation in relations:
        ends = [_end_span(end, events, index) for end in relation.ends]
        if any(end is None for end in ends):
            summary.leave_out(_NOT_EXPORTED)
            continue
        if relation.symmetric:
            members = [{"start": s, "end": e, "label": label} for s, e, label, _ in ends]  # type: ignore[misc]
            groups.append(_encode({"type": relation.type, "members": members}))
            summary.relations += 1
            continue
        parts = {}
        for name, (start, end, label, event) in zip(("head", "child"), ends):  # type: ignore[misc]
            found = lookup.locate(start, end)
            if found is None:
                break
            parts[name] = found[1]
            parts[f"{name}_span"] = {
                "start": start, "end": end, "token_start": found[0], "token_end": found[1], "label": label
            }
            if event is not None:
                parts[f"{name}_event"] = event
        else:
            item = {
                "head": parts["head"], "child": parts["child"], "head_span": parts["head_span"],
                "child_span": parts["child_span"], "label": relation.type,
            }
            item.update({k: parts[k] for k in ("head_event", "child_event") if k in parts})
            if relation.attributes:
                item["attributes"] = relation.attributes
            if relation.note:
                item["note"] = relation.note
            free.append(_encode(item))
            summary.relations += 1
            continue
        summary.leave_out("relation(s) whose ends cover no token")
    return free, groups


def relation_items(relations: Sequence[ExportRelation], events: Sequence[ExportEvent], summary: ExportSummary) -> list[dict]:
    """Relations and groups as plain values for ``doc.user_data["relations"]``."""
    index = {event.uid: i for i, event in enumerate(events)}
    items = []
    for relation in relations:
        ends = []
        for end in relation.ends:
            if isinstance(end, tuple):
                ends.append({"start": end[0], "end": end[1], "label": end[2]})
            elif end in index:
                ends.append({"event": index[end]})
            else:
                ends = []
                break
        if not ends:
            summary.leave_out(_NOT_EXPORTED)
            continue
        if relation.symmetric:
            items.append({"type": relation.type, "members": ends, "symmetric": True})
        else:
            items.append({"type": relation.type, "head": ends[0], "child": ends[1]})
        summary.relations += 1
    return items
