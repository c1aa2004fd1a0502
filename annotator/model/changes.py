"""Edits as data: a :class:`Change` replaces one annotation by another, and an :class:`Edit` is
what one user action does. Undo applies the inverse edit; the store applies either in one
transaction and refuses it when the project no longer holds what the edit expected.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import Iterable, Union

from annotator.model.annotations import AnnotationError, AnnotationSet, Event, SpanAnnotation, event_order, span_order
from annotator.model.relations import Relation, relation_order

Annotation = Union[SpanAnnotation, Event, Relation]


@dataclass(frozen=True)
class Change:
    """``before`` becomes ``after``: an insert when ``before`` is None, a delete when ``after`` is."""

    before: Annotation | None
    after: Annotation | None

    def __post_init__(self) -> None:
        if self.before is None and self.after is None:
            raise AnnotationError("a change needs something before or after")
        if self.before is not None and self.after is not None:
            if type(self.before) is not type(self.after) or self.before.uid != self.after.uid:
                raise AnnotationError("a change must keep the annotation's kind and identity")

    @property
    def uid(self) -> str:
        return (self.before or self.after).uid  # type: ignore[union-attr]

    def inverse(self) -> Change:
        return Change(self.after, self.before)


@dataclass(frozen=True)
class Edit:
    """The changes of one user action, applied together; ``title`` names it for the undo menu."""

    title: str
    changes: tuple[Change, ...]

    def inverse(self) -> Edit:
        return Edit(self.title, tuple(change.inverse() for change in reversed(self.changes)))

    def __bool__(self) -> bool:
        return bool(self.changes)


def apply_to(annotations: AnnotationSet, changes: Iterable[Change]) -> AnnotationSet:
    """The annotation set after ``changes``: the same arithmetic the store does, in memory.

    Kept in order by bisection rather than re-sorted, so one edit in a document of thousands of
    spans costs little.
    """
    spans = list(annotations.spans)
    events = list(annotations.events)
    relations = list(annotations.relations)
    for change in changes:
        subject = change.before or change.after
        if isinstance(subject, SpanAnnotation):
            items, order = spans, span_order
        elif isinstance(subject, Relation):
            items, order = relations, relation_order  # type: ignore[assignment]
        else:
            items, order = events, event_order  # type: ignore[assignment]
        if change.before is not None:
            index = bisect_left(items, order(change.before), key=order)  # type: ignore[arg-type]
            while index < len(items) and items[index].uid != change.uid:
                index += 1
            if index == len(items):
                index = next((i for i, item in enumerate(items) if item.uid == change.uid), len(items))
            if index < len(items):
                del items[index]
        if change.after is not None:
            insort(items, change.after, key=order)  # type: ignore[arg-type]
    return AnnotationSet.presorted(tuple(spans), tuple(events), tuple(relations))  # type: ignore[arg-type]
