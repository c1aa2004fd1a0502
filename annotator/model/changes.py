"""Edits as data: a :class:`Change` replaces one annotation by another, and an :class:`Edit` is
what one user action does. Undo applies the inverse edit; the store applies either in one
transaction and refuses it when the project no longer holds what the edit expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Union

from annotator.model.annotations import AnnotationError, AnnotationSet, Event, SpanAnnotation

Annotation = Union[SpanAnnotation, Event]


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
    """The annotation set after ``changes``: the same arithmetic the store does, in memory."""
    spans = {a.uid: a for a in annotations.spans}
    events = {e.uid: e for e in annotations.events}
    for change in changes:
        target = spans if isinstance(change.before or change.after, SpanAnnotation) else events
        if change.after is None:
            target.pop(change.uid, None)
        else:
            target[change.uid] = change.after  # type: ignore[assignment]
    return AnnotationSet(tuple(spans.values()), tuple(events.values()))
