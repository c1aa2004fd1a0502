"""Spans, events and their provenance: the annotations of one document in one layer.

Offsets are Unicode code points into the stored text (Python ``str`` indices), never UTF-16 units.
Values are immutable; an edit makes a new value with :func:`dataclasses.replace`, which is what
lets undo keep the old one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Iterable, Mapping


_new = object.__new__


class AnnotationError(ValueError):
    """An annotation that cannot exist: bad offsets, empty label, argument without a filler."""


class Origin(str, Enum):
    """Where an annotation came from."""

    MANUAL = "manual"
    SUGGESTED = "suggested"
    IMPORTED = "imported"
    ADJUDICATED = "adjudicated"


class Decision(str, Enum):
    """What a person decided about an annotation. Suggestions not yet looked at are ``pending``."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds, the form every timestamp takes."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_uid() -> str:
    """A random identifier for an annotation: 64 bits, unique across projects for merging."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Provenance:
    """Who made an annotation, how, and when; and what became of it."""

    origin: Origin = Origin.MANUAL
    decision: Decision = Decision.ACCEPTED
    author: str | None = None
    suggester: str | None = None
    source_uid: str | None = None
    created_at: str = field(default_factory=now_iso)
    updated_at: str | None = None
    accepted_above: float | None = None
    """For a suggestion accepted by *Accept all above N %*: that threshold (0..1); else None."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "origin", Origin(self.origin))
        object.__setattr__(self, "decision", Decision(self.decision))
        if self.updated_at is None:
            object.__setattr__(self, "updated_at", self.created_at)

    def decided(self, decision: Decision, author: str | None) -> Provenance:
        """The same provenance after ``author`` took ``decision`` now."""
        return replace(self, decision=decision, author=author or self.author, updated_at=now_iso())

    @property
    def is_rejected(self) -> bool:
        return self.decision is Decision.REJECTED


def _check_offsets(start: Any, end: Any) -> None:
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise AnnotationError(f"offsets must be whole numbers, got start={start!r} end={end!r}")
    if not 0 <= start < end:
        raise AnnotationError(f"offsets must satisfy 0 <= start < end, got start={start} end={end}")


def _check_label(label: Any, what: str = "label") -> None:
    if not isinstance(label, str) or not label.strip():
        raise AnnotationError(f"a {what} must be a non-empty string, got {label!r}")


@dataclass(frozen=True)
class Span:
    """A labelled stretch of text: ``text[start:end]`` in code points. A plain, hashable value."""

    start: int
    end: int
    label: str

    def __post_init__(self) -> None:
        _check_offsets(self.start, self.end)
        _check_label(self.label)

    def check_within(self, text_length: int) -> None:
        """Raise :class:`AnnotationError` unless ``end <= text_length``."""
        if self.end > text_length:
            raise AnnotationError(
                f"span {self.start}-{self.end} ({self.label}) ends after the text, which has {text_length} characters"
            )

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def relabeled(self, label: str) -> Span:
        return Span(self.start, self.end, label)

    @classmethod
    def trusted(cls, start: int, end: int, label: str) -> Span:
        """A span of values checked before (read back from the project): no checks again, for
        the speed of reading tens of thousands at once."""
        made = _new(cls)
        made.__dict__.update(start=start, end=end, label=label)
        return made


@dataclass(frozen=True)
class SpanAnnotation:
    """A span somebody (or a suggester) annotated, with its identity and provenance.

    ``fragments`` keeps the pieces of a discontinuous annotation (brat's ``S E;S E``); the span
    itself runs from the first start to the last end.
    """

    span: Span
    uid: str = field(default_factory=new_uid)
    provenance: Provenance = field(default_factory=Provenance)
    fragments: tuple[tuple[int, int], ...] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    confidence: float | None = None
    """How sure the suggester was (a probability in 0..1), where it says; None for the rest."""

    def __post_init__(self) -> None:
        fragments = tuple((int(s), int(e)) for s, e in self.fragments)
        for s, e in fragments:
            _check_offsets(s, e)
            if s < self.span.start or e > self.span.end:
                raise AnnotationError(f"fragment {s}-{e} lies outside its span {self.span.start}-{self.span.end}")
        object.__setattr__(self, "fragments", fragments)

    @classmethod
    def trusted(cls, span: Span, uid: str, provenance: Provenance) -> SpanAnnotation:
        """An annotation of values checked before, without fragments, attributes or note: see :meth:`Span.trusted`."""
        made = _new(cls)
        made.__dict__.update(span=span, uid=uid, provenance=provenance, fragments=(), attributes={}, note="", confidence=None)
        return made

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    @property
    def label(self) -> str:
        return self.span.label

    def check_within(self, text_length: int) -> None:
        self.span.check_within(text_length)


@dataclass(frozen=True)
class Argument:
    """One participant of an event: a role filled by a span of text, or by another event."""

    role: str
    span: Span | None = None
    event_uid: str | None = None

    def __post_init__(self) -> None:
        _check_label(self.role, "role")
        if (self.span is None) == (self.event_uid is None):
            raise AnnotationError(f"argument {self.role!r} needs exactly one filler: a span or an event")


@dataclass(frozen=True)
class Event:
    """Something that happened: a type, the trigger word that says so, and typed arguments.

    The trigger's label is the event type.
    """

    trigger: Span
    arguments: tuple[Argument, ...] = ()
    uid: str = field(default_factory=new_uid)
    provenance: Provenance = field(default_factory=Provenance)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    confidence: float | None = None
    """How sure the suggester was that this is an event of this type (0..1), where it says."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "arguments", tuple(self.arguments))

    @property
    def type(self) -> str:
        return self.trigger.label

    def check_within(self, text_length: int) -> None:
        self.trigger.check_within(text_length)
        for argument in self.arguments:
            if argument.span is not None:
                argument.span.check_within(text_length)

    def with_arguments(self, arguments: Iterable[Argument]) -> Event:
        return replace(self, arguments=tuple(arguments))


def span_order(a: SpanAnnotation) -> tuple[int, int, str, str]:
    """Text order: by start, longer first, then label and uid so the order is total."""
    span = a.span
    return (span.start, -span.end, span.label, a.uid)


def event_order(e: Event) -> tuple[int, int, str, str]:
    trigger = e.trigger
    return (trigger.start, trigger.end, trigger.label, e.uid)


@dataclass(frozen=True)
class AnnotationSet:
    """All annotations of one document in one layer, in text order.

    ``relations`` holds :class:`~annotator.model.relations.Relation` values (typed links between
    spans and events, and equivalence groups).
    """

    spans: tuple[SpanAnnotation, ...] = ()
    events: tuple[Event, ...] = ()
    relations: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", tuple(sorted(self.spans, key=span_order)))
        object.__setattr__(self, "events", tuple(sorted(self.events, key=event_order)))
        # Relation.order_key, called on the values: importing relations here would be a circle.
        object.__setattr__(self, "relations", tuple(sorted(self.relations, key=lambda r: r.order_key())))

    @classmethod
    def presorted(
        cls, spans: tuple[SpanAnnotation, ...], events: tuple[Event, ...], relations: tuple[Any, ...] = ()
    ) -> AnnotationSet:
        """A set from tuples already in :func:`span_order` / :func:`event_order` (no re-sorting)."""
        made = object.__new__(cls)
        object.__setattr__(made, "spans", spans)
        object.__setattr__(made, "events", events)
        object.__setattr__(made, "relations", relations)
        return made

    def __bool__(self) -> bool:
        return bool(self.spans or self.events or self.relations)

    def check_within(self, text_length: int) -> None:
        for annotation in self.spans:
            annotation.check_within(text_length)
        for event in self.events:
            event.check_within(text_length)
        for relation in self.relations:
            relation.check_within(text_length)

    def without_rejected(self) -> AnnotationSet:
        """Only what someone accepted, edited or made: what training data is made of."""
        return AnnotationSet(
            tuple(s for s in self.spans if not s.provenance.is_rejected),
            tuple(e for e in self.events if not e.provenance.is_rejected),
            tuple(r for r in self.relations if not r.provenance.is_rejected),
        )
