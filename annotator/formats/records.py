"""What readers produce: documents with their annotations, and problems that name file and line.

Readers report offsets against the text exactly as the file holds it; :func:`build_record`
checks every span against that text, then normalises the text (``\\r\\n`` to ``\\n``, no BOM)
and moves the offsets with it, so every reader gets the same checks and the same offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from annotator.model.annotations import AnnotationError, AnnotationSet, Argument, Event, Span, SpanAnnotation
from annotator.model.document import Document, OffsetMap, TextError, check_text, normalize_text
from annotator.model.schema import name_problem


class ReadError(Exception):
    """A problem that stops reading one file or record; the importer reports it and moves on."""


@dataclass(frozen=True)
class Problem:
    """Something the import skipped or could not keep, and where."""

    path: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}, {self.location}" if self.location else self.path
        return f"{where}: {self.message}"


class ProblemLog(list):
    """Problems in the order met: the first ``keep`` are kept, the rest only counted (``total``),
    so that a file of 100,000 bad lines costs no more memory than one of a thousand."""

    def __init__(self, keep: int = 1000):
        super().__init__()
        self.keep = keep
        self.total = 0

    def append(self, problem: Problem) -> None:  # type: ignore[override]
        self.total += 1
        if len(self) < self.keep:
            super().append(problem)


def problem_count(problems: list[Problem]) -> int:
    """How many problems were met, also those a :class:`ProblemLog` only counted."""
    return getattr(problems, "total", len(problems))


@dataclass(frozen=True)
class Record:
    """One document as a file gave it, with the annotations it carried (already checked).

    ``annotated`` says the source marks this document as annotated, even with no spans (an
    accepted Prodigy answer with nothing in it): the document is then ``done`` in the layer.
    ``times`` are the layer's first and last touch of it, when the file recorded them.
    """

    document: Document
    annotations: AnnotationSet = AnnotationSet()
    annotated: bool = False
    location: str = ""
    times: tuple[str, str] | None = None
    path: str = ""
    """The file it came from, for messages about it."""
    dropped: int = 0
    """Spans and events of it that were skipped as bad: the document is then not complete."""


@dataclass
class RawSpan:
    """A span as read, before checking: offsets into the text as the file holds it."""

    start: Any
    end: Any
    label: Any
    location: str
    expected_text: str | None = None
    fragments: tuple[tuple[int, int], ...] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass
class RawArgument:
    role: str
    span: RawSpan | None = None
    event_key: Any = None
    """For an argument that is another event: that event's key in the same record."""


@dataclass
class RawEvent:
    trigger: RawSpan
    arguments: list[RawArgument]
    key: Any = None
    location: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


def normalise_role(role: str) -> str:
    """brat numbers repeated roles (``Org-Arg2``); one role name with several fillers is the same."""
    match = re.fullmatch(r"(.*?[^\d])\d+", role)
    return match.group(1) if match else role


def _check_name(name: str, what: str) -> str:
    """``name`` if the schema's naming rule allows it, else :class:`AnnotationError` saying why."""
    problem = name_problem(name, what)
    if problem is not None:
        raise AnnotationError(problem)
    return name


def _check_span(raw: RawSpan, text: str, offsets: OffsetMap, what: str = "label") -> Span:
    if not isinstance(raw.label, str) or not raw.label.strip():
        raise AnnotationError(f"span has no usable {what} ({raw.label!r})")
    span = Span(raw.start, raw.end, _check_name(raw.label.strip(), what))
    span.check_within(len(text))
    if raw.expected_text is not None:
        if raw.fragments:
            actual = " ".join(text[s:e] for s, e in raw.fragments)
        else:
            actual = text[span.start : span.end]
        if actual != raw.expected_text and actual.strip() != raw.expected_text.strip():
            raise AnnotationError(
                f"span {span.start}-{span.end} ({span.label}) says {raw.expected_text!r} but the text there is {actual!r}"
            )
    if offsets.is_identity:
        return span
    return Span(offsets(span.start), offsets(span.end), span.label)


def build_record(
    text: str,
    path: str,
    location: str,
    *,
    title: str = "",
    date: str | None = None,
    source: str | None = None,
    extra: Mapping[str, Any] | None = None,
    spans: Iterable[RawSpan] = (),
    events: Iterable[RawEvent] = (),
    annotated: bool = False,
    times: tuple[str, str] | None = None,
    problems: list[Problem],
) -> Record:
    """Check text and annotations, normalise, and build a :class:`Record`.

    A bad span or event is left out with a :class:`Problem` appended to ``problems``; bad text
    raises :class:`ReadError` because there is no document without it.
    """
    try:
        check_text(text)
    except TextError as error:
        raise ReadError(str(error)) from None
    stored, offsets = normalize_text(text)

    def moved(fragments: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
        return tuple((offsets(s), offsets(e)) for s, e in fragments)

    annotations: list[SpanAnnotation] = []
    before = problem_count(problems)
    for raw in spans:
        try:
            span = _check_span(raw, text, offsets)
            annotations.append(
                SpanAnnotation(span, fragments=moved(raw.fragments), attributes=dict(raw.attributes), note=raw.note)
            )
        except (AnnotationError, TypeError) as error:
            problems.append(Problem(path, raw.location, f"span skipped: {error}"))

    built: dict[Any, Event] = {}
    pending = list(events)
    # Events may name other events as arguments, in any order: build those whose event
    # arguments are already built until nothing more can be built.
    while pending:
        progress = False
        for raw_event in list(pending):
            if any(a.event_key is not None and a.event_key not in built for a in raw_event.arguments):
                continue
            pending.remove(raw_event)
            progress = True
            try:
                trigger = _check_span(raw_event.trigger, text, offsets, "event type")
                arguments = []
                for raw_argument in raw_event.arguments:
                    role = _check_name(normalise_role(raw_argument.role), "role")
                    if raw_argument.span is not None:
                        arguments.append(Argument(role, _check_span(raw_argument.span, text, offsets)))
                    else:
                        arguments.append(Argument(role, event_uid=built[raw_argument.event_key].uid))
                event = Event(trigger, tuple(arguments), attributes=dict(raw_event.attributes), note=raw_event.note)
                built[raw_event.key if raw_event.key is not None else id(raw_event)] = event
            except (AnnotationError, TypeError, KeyError) as error:
                problems.append(Problem(path, raw_event.location, f"event skipped: {error}"))
        if not progress:
            for raw_event in pending:
                problems.append(
                    Problem(path, raw_event.location, "event skipped: an argument names an event that is missing or skipped")
                )
            break

    document = Document(stored, title=title, date=date, source=source, extra=dict(extra or {}))
    dropped = problem_count(problems) - before
    return Record(document, AnnotationSet(tuple(annotations), tuple(built.values())), annotated, location, times, path, dropped)
