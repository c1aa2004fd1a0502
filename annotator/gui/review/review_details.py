"""Review details: the versions of one group side by side, and the event groups for the Events panel.

Pure formatting of :class:`~annotator.review.compare.ReviewItem` for the review window; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from annotator.model.annotations import Event
from annotator.model.relations import Relation
from annotator.review.compare import ReviewItem


@dataclass(frozen=True)
class EventGroup:
    """One event group of review as the Events panel lists it."""

    uid: str
    trigger: str
    state: str
    versions: list[tuple[str, list[str]]]
    """``("1 alice: Movement:Transport “sent”", ["Destination: “Kabul” (GPE)", ...])`` per version."""


def argument_lines(event: Event, text: str, linked: Any) -> list[str]:
    lines = []
    for argument in event.arguments:
        if argument.span is not None:
            label = f" ({argument.span.label})" if argument.span.label != argument.role else ""
            lines.append(f"{argument.role}: “{text[argument.span.start:argument.span.end]}”{label}")
        else:
            target = linked.get(argument.event_uid or "")
            lines.append(f"{argument.role}: event {target.type if target else ''}".rstrip())
    return lines


def _cell(annotations: tuple, text: str) -> dict[str, str]:
    """What one version says, by row: its label or type, its text, and each role's filler."""
    rows: dict[str, str] = {}
    for a in annotations:
        if isinstance(a, Event):
            rows["type"] = (rows.get("type", "") + " + " if "type" in rows else "") + a.type
            rows["text"] = text[a.trigger.start:a.trigger.end]
            for argument in a.arguments:
                filler = text[argument.span.start:argument.span.end] if argument.span else "(an event)"
                if argument.span is not None and argument.span.label != argument.role:
                    filler += f" ({argument.span.label})"  # a filler differing only by label must show it
                key = f"role:{argument.role}"
                rows[key] = (rows[key] + "; " if key in rows else "") + filler
        elif isinstance(a, Relation):
            rows["type"] = (rows.get("type", "") + " + " if "type" in rows else "") + a.type
            ends = [
                text[e.span.start:e.span.end] if e.span is not None else "(an event)" for e in a.ends
            ]
            joiner = " = " if a.symmetric else " → "
            rows["text"] = (rows.get("text", "") + " + " if "text" in rows else "") + joiner.join(ends)
        else:
            rows["type"] = (rows.get("type", "") + " + " if "type" in rows else "") + a.label
            rows["text"] = (rows.get("text", "") + " + " if "text" in rows else "") + text[a.start:a.end]
    return rows


def versions_table(item: ReviewItem, layers: list[str], text: str) -> str:
    """The versions side by side: a column per annotator (with the key that takes it), a row for
    the type or label, the text, and each argument role any version has; differences in red."""
    cells = {layer: _cell(tuple(item.versions.get(layer, ())), text) for layer in layers}
    roles = sorted({key for rows in cells.values() for key in rows if key.startswith("role:")})
    head = "".join(f"<th align='left'>{i + 1}&nbsp;{escape(layer)}</th>" for i, layer in enumerate(layers))
    body = ""
    for key in ["type", "text", *roles]:
        values = [cells[layer].get(key, "—") for layer in layers]
        colour = " style='color:#d62728'" if len(set(values)) > 1 else ""
        name = key[5:] if key.startswith("role:") else key
        # A zero-width space after ":" lets "Movement:Transport" wrap in a narrow panel.
        row = "".join(f"<td{colour}>{escape(_limit(v)).replace(':', ':&#8203;')}</td>" for v in values)
        body += f"<tr><td><i>{escape(name)}</i></td>{row}</tr>"
    return f"<table cellspacing='0' cellpadding='2'><tr><th></th>{head}</tr>{body}</table>"


def _limit(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
