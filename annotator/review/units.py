"""What agreement and evaluation compare: the spans, triggers, arguments and token labels of one
layer's annotations in one document.

Rejected annotations (a suggestion somebody turned down, a version a reviewer refused) are not
anyone's answer and are left out everywhere. Keys hold no document: callers compare one document
at a time and add the counts up.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Sequence

from annotator.model.annotations import AnnotationSet, Event, Span
from annotator.model.tokens import Tokens

OUTSIDE = "O"
"""The token label where no span contains the token whole."""

SpanKey = tuple[int, int, str]
"""``(start, end, label)``"""
TriggerKey = tuple[int, int, str]
"""``(trigger start, trigger end, event type)``"""
ArgumentKey = tuple[int, int, str, str, int, int]
"""``(trigger start, trigger end, event type, role, argument start, argument end)``"""


def span_keys(annotations: AnnotationSet) -> set[SpanKey]:
    return {(a.start, a.end, a.label) for a in annotations.spans if not a.provenance.is_rejected}


def trigger_keys(annotations: AnnotationSet) -> set[TriggerKey]:
    return {(e.trigger.start, e.trigger.end, e.type) for e in annotations.events if not e.provenance.is_rejected}


def argument_keys(annotations: AnnotationSet) -> set[ArgumentKey]:
    """Every argument of every counted event.

    An argument filled by another event is placed where that event's trigger is; one whose event
    is missing from the layer (or rejected) has no place and is left out.
    """
    events = [e for e in annotations.events if not e.provenance.is_rejected]
    by_uid = {e.uid: e for e in events}
    keys: set[ArgumentKey] = set()
    for event in events:
        for argument in event.arguments:
            filler = argument.span if argument.span is not None else _trigger_of(by_uid, argument.event_uid)
            if filler is not None:
                keys.add((event.trigger.start, event.trigger.end, event.type, argument.role, filler.start, filler.end))
    return keys


def _trigger_of(by_uid: dict[str, Event], uid: str | None) -> Span | None:
    event = by_uid.get(uid or "")
    return event.trigger if event is not None else None


def token_labels(annotations: AnnotationSet, tokens: Tokens) -> list[str]:
    """One label per token: that of a counted span containing the token whole, else ``"O"``.

    Where several spans contain a token, the one starting earliest wins, then the longest (then the
    alphabetically first label, so the result never depends on storage order).
    """
    labels = [OUTSIDE] * len(tokens)
    spans = sorted((a.start, -a.end, a.label) for a in annotations.spans if not a.provenance.is_rejected)
    for i, label in token_label_runs(((s, -e, l) for s, e, l in spans), tokens.starts, tokens.ends).items():
        labels[i] = label
    return labels


def token_label_runs(spans: Iterable[SpanKey], starts: Sequence[int], ends: Sequence[int]) -> dict[int, str]:
    """:func:`token_labels` as ``{token index: label}`` of the tokens some span labels (the others
    are ``"O"``): work in the number of spans, not of tokens. ``spans`` are counted spans in text
    order (by start, longer first, then label); ``starts`` and ``ends`` the tokens' offsets."""
    labels: dict[int, str] = {}
    assign = labels.setdefault  # the first span to reach a token keeps it
    for start, end, label in spans:
        # Token offsets are sorted and disjoint: the tokens inside [start, end) are one run.
        for i in range(bisect_left(starts, start), bisect_right(ends, end)):
            assign(i, label)
    return labels
