"""Relations: a typed link between two annotations, and equivalence groups.

A :class:`Relation` is directed (``head`` -> ``child``, brat's ``Arg1``/``Arg2``) and joins two
ends, each a span of text (by value, like an event argument) or an event (by uid). An
equivalence (brat's ``*  Equiv T1 T2 T3``) is a relation with ``symmetric`` set: its ``ends`` are
the group's members, kept in text order, and no member is head or child.

Relations carry the same provenance as spans and events, so they are suggested, accepted,
rejected, merged and adjudicated alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from annotator.model.annotations import AnnotationError, Provenance, Span, new_uid


@dataclass(frozen=True)
class RelationEnd:
    """One end of a relation: a span of text, or an event named by its uid."""

    span: Span | None = None
    event_uid: str | None = None

    def __post_init__(self) -> None:
        if (self.span is None) == (self.event_uid is None):
            raise AnnotationError("a relation end is either a span or an event")

    def key(self) -> tuple:
        """A value that orders ends: spans by text position, events after them by uid."""
        if self.span is not None:
            return (0, self.span.start, -self.span.end, self.span.label, "")
        return (1, 0, 0, "", self.event_uid)


@dataclass(frozen=True)
class Relation:
    """A typed relation between annotations of one document.

    ``ends`` is ``(head, child)`` for a directed relation; for an equivalence (``symmetric``) it
    holds two or more members in text order.
    """

    type: str
    ends: tuple[RelationEnd, ...]
    symmetric: bool = False
    uid: str = field(default_factory=new_uid)
    provenance: Provenance = field(default_factory=Provenance)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.type, str) or not self.type.strip():
            raise AnnotationError(f"a relation type must be a non-empty string, got {self.type!r}")
        ends = tuple(self.ends)
        if self.symmetric:
            ends = tuple(sorted(set(ends), key=RelationEnd.key))
            if len(ends) < 2:
                raise AnnotationError("an equivalence group needs at least two different members")
        elif len(ends) != 2:
            raise AnnotationError(f"a relation joins exactly two annotations, got {len(ends)}")
        object.__setattr__(self, "ends", ends)

    @property
    def head(self) -> RelationEnd:
        return self.ends[0]

    @property
    def child(self) -> RelationEnd:
        return self.ends[1]

    def check_within(self, text_length: int) -> None:
        for end in self.ends:
            if end.span is not None:
                end.span.check_within(text_length)

    def signature(self) -> tuple:
        """What makes two relations the same: type, direction and ends (events by uid)."""
        return (self.symmetric, self.type, tuple(end.key() for end in self.ends))

    def order_key(self) -> tuple:
        """Text order of the first end, then type and uid, so the order is total (a method, so
        that :class:`~annotator.model.annotations.AnnotationSet` sorts relations without importing
        this module, which imports it)."""
        return (self.ends[0].key(), self.symmetric, self.type, tuple(e.key() for e in self.ends[1:]), self.uid)

    def with_events(self, same_as: Mapping[str, str]) -> Relation:
        """The relation with event ends renamed by ``same_as`` (after events were merged)."""
        if not any(end.event_uid in same_as for end in self.ends):
            return self
        ends = tuple(RelationEnd(event_uid=same_as[e.event_uid]) if e.event_uid in same_as else e for e in self.ends)
        return replace(self, ends=ends)


def relation_order(r: Relation) -> tuple:
    """Text order of the first end, then type and uid, so the order is total."""
    return r.order_key()
