"""Comparing layers on one document for review: every span and every event shown once.

Annotations of all compared layers (and of gold) are grouped so that versions of "the same
thing" sit together: spans that overlap, directly or through a chain of overlapping spans, form
one group; events likewise by their triggers; relations by the places of their ends
(:mod:`annotator.review.relation_review`). A group is *agreed* when every compared layer
holds the same version of it: the same spans (offsets and label), or the same events (trigger,
type and arguments). Rejected annotations are nobody's version and are left out, except in
gold, where a rejected copy records that the reviewer refused what the group held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence, Union

from annotator.model.annotations import AnnotationSet, Event, SpanAnnotation
from annotator.model.relations import Relation
from annotator.review.relation_review import (
    RELATION, describe_relation, relation_groups, relation_range, relation_signature,
)

Annotation = Union[SpanAnnotation, Event, Relation]

SPAN = "span"
EVENT = "event"

SOURCE_ATTRIBUTE = "adjudicated_from"
"""Attribute of a gold annotation naming the layer(s) its version came from, comma-separated."""


@dataclass(frozen=True)
class ReviewItem:
    """One group of a document: each layer's version of it, and what gold holds there.

    ``start``/``end`` cover the whole group (for scrolling and highlighting); ``versions`` maps
    every compared layer, in the order given, to its annotations in the group (``()``: it said
    nothing). ``linked`` holds the events that the versions' event arguments point at, outside
    the group, so that taking a version can bring them along.
    """

    kind: str
    start: int
    end: int
    versions: Mapping[str, tuple[Annotation, ...]]
    agreed: bool
    gold: tuple[Annotation, ...] = ()
    linked: Mapping[str, Event] = field(default_factory=dict, compare=False, repr=False)

    @property
    def decided(self) -> bool:
        """Gold holds something for this group: a version taken, an edit, or a refusal."""
        return bool(self.gold)

    @property
    def disagreement(self) -> bool:
        return not self.agreed

    def describe(self, text: str | None = None) -> str:
        """``"alice: ORG / bob: GPE / carol: -"``; what gold holds is added after ``" | gold: "``.

        Where versions differ in their offsets (or arguments) these are shown too, quoting
        ``text`` when given (``ORG "Bank of England"``), else as offsets (``ORG 10-25``).
        """
        everything = [a for version in self.versions.values() for a in version] + list(self.gold)
        show_offsets = len({_where(a) for a in everything}) > 1
        show_arguments = len({_arguments(a, self.linked) for a in everything if isinstance(a, Event)}) > 1
        parts = [
            f"{layer}: {_describe_version(version, text, show_offsets, show_arguments, self.linked)}"
            for layer, version in self.versions.items()
        ]
        line = " / ".join(parts)
        if self.gold:
            kept = [a for a in self.gold if not a.provenance.is_rejected]
            line += " | gold: " + (
                _describe_version(tuple(kept), text, show_offsets, show_arguments, self.linked) if kept else "none"
            )
        return line


def _where(annotation: Annotation, events: Mapping[str, Event] | None = None) -> tuple[int, int]:
    if isinstance(annotation, Relation):
        return relation_range(annotation, events or {})
    span = annotation.trigger if isinstance(annotation, Event) else annotation.span
    return span.start, span.end


def _arguments(event: Event, linked: Mapping[str, Event]) -> tuple:
    return tuple(sorted(_argument_key(a, linked) for a in event.arguments))


def _argument_key(argument: Any, events: Mapping[str, Event]) -> tuple:
    if argument.span is not None:
        return (argument.role, argument.span.start, argument.span.end, argument.span.label)
    target = events.get(argument.event_uid or "")
    if target is None:
        return (argument.role, -1, -1, "?")
    return (argument.role, target.trigger.start, target.trigger.end, target.type)


def _describe_version(
    version: Sequence[Annotation], text: str | None, offsets: bool, arguments: bool, linked: Mapping[str, Event]
) -> str:
    if not version:
        return "-"
    return " + ".join(_describe_one(a, text, offsets, arguments, linked) for a in version)


def _quote(start: int, end: int, text: str | None) -> str:
    return f'"{text[start:end]}"' if text is not None else f"{start}-{end}"


def _describe_one(a: Annotation, text: str | None, offsets: bool, arguments: bool, linked: Mapping[str, Event]) -> str:
    if isinstance(a, SpanAnnotation):
        return f"{a.label} {_quote(a.start, a.end, text)}" if offsets else a.label
    if isinstance(a, Relation):
        return describe_relation(a, linked, lambda start, end: _quote(start, end, text))
    words = a.type + (f" {_quote(a.trigger.start, a.trigger.end, text)}" if offsets else "")
    if arguments:
        shown = []
        for argument in a.arguments:
            if argument.span is not None:
                shown.append(f"{argument.role}={_quote(argument.span.start, argument.span.end, text)}")
            else:
                target = linked.get(argument.event_uid or "")
                shown.append(f"{argument.role}={target.type if target else 'event'}")
        words += " [" + ", ".join(shown) + "]"
    return words


def span_signature(annotation: SpanAnnotation) -> tuple:
    return (annotation.start, annotation.end, annotation.label)


def event_signature(event: Event, events: Mapping[str, Event]) -> tuple:
    """What makes two events the same: trigger, type and arguments (event fillers by their trigger)."""
    return (event.trigger.start, event.trigger.end, event.type, _arguments(event, events))


def version_signature(version: Iterable[Annotation], events: Mapping[str, Event]) -> tuple:
    return tuple(
        sorted(
            {
                span_signature(a) if isinstance(a, SpanAnnotation)
                else relation_signature(a, events) if isinstance(a, Relation)
                else event_signature(a, events)
                for a in version
            },
            key=repr,
        )
    )


def _groups(members: list[tuple[str | None, Annotation]]) -> list[list[tuple[str | None, Annotation]]]:
    """Connected groups of overlapping annotations: a sweep by start, since each group covers one interval."""
    members.sort(key=lambda m: (_where(m[1]), m[0] or ""))
    groups: list[list[tuple[str | None, Annotation]]] = []
    reach = -1
    for member in members:
        start, end = _where(member[1])
        if groups and start < reach:
            groups[-1].append(member)
            reach = max(reach, end)
        else:
            groups.append([member])
            reach = end
    return groups


def _linked_events(version: Iterable[Event], everything: Mapping[str, Event]) -> dict[str, Event]:
    """Events the version's arguments point at, following chains of event arguments."""
    found: dict[str, Event] = {}
    todo = [a.event_uid for e in version for a in e.arguments if a.event_uid]
    while todo:
        uid = todo.pop()
        if uid in found or uid not in everything:
            continue
        found[uid] = everything[uid]
        todo += [a.event_uid for a in everything[uid].arguments if a.event_uid]
    return found


def compare_document(layers: Mapping[str, AnnotationSet], gold: AnnotationSet | None = None) -> list[ReviewItem]:
    """The review items of one document, in text order (spans and events interleaved).

    ``layers`` maps each compared layer's name to its annotations of the document (at least
    one layer); ``gold`` is what the gold layer holds there, if anything.
    """
    if not layers:
        raise ValueError("compare at least one layer")
    gold = gold or AnnotationSet()
    all_events: dict[str, Event] = {e.uid: e for annotations in layers.values() for e in annotations.events}
    all_events.update({e.uid: e for e in gold.events})
    items: list[ReviewItem] = []
    for kind in (SPAN, EVENT):
        members: list[tuple[str | None, Annotation]] = []
        for name, annotations in layers.items():
            pool = annotations.spans if kind == SPAN else annotations.events
            members += [(name, a) for a in pool if not a.provenance.is_rejected]
        members += [(None, a) for a in (gold.spans if kind == SPAN else gold.events)]
        for group in _groups(members):
            versions = {name: tuple(a for owner, a in group if owner == name) for name in layers}
            signatures = {version_signature(v, all_events) for v in versions.values()}
            linked: dict[str, Event] = {}
            if kind == EVENT:
                for version in versions.values():
                    linked.update(_linked_events(version, all_events))  # type: ignore[arg-type]
            items.append(
                ReviewItem(
                    kind,
                    min(_where(a)[0] for _, a in group),
                    max(_where(a)[1] for _, a in group),
                    versions,
                    agreed=len(signatures) == 1,
                    gold=tuple(a for owner, a in group if owner is None),
                    linked=linked,
                )
            )
    for place, versions, in_gold in relation_groups(layers, gold, all_events):
        members = [a for version in versions.values() for a in version] + list(in_gold)
        ranges = [relation_range(a, all_events) for a in members]
        signatures = {version_signature(v, all_events) for v in versions.values()}
        linked = {
            e.event_uid: all_events[e.event_uid] for a in members for e in a.ends if e.event_uid in all_events
        }
        items.append(
            ReviewItem(
                RELATION, min(r[0] for r in ranges), max(r[1] for r in ranges), versions,
                agreed=len(signatures) == 1, gold=in_gold, linked=linked,
            )
        )
    items.sort(key=lambda item: (item.start, item.end, item.kind))
    return items


def disagreements(items: Iterable[ReviewItem], undecided_only: bool = False) -> list[ReviewItem]:
    """The items the compared layers disagree on (only those gold has not settled, if asked)."""
    return [item for item in items if not item.agreed and not (undecided_only and item.decided)]
