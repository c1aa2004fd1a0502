"""What readers produce: documents with their annotations, and problems that name file and line.

Readers report offsets against the text exactly as the file holds it; :func:`build_record`
checks every span against that text, then normalises the text (``\\r\\n`` to ``\\n``, no BOM)
and moves the offsets with it, so every reader gets the same checks and the same offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from annotator.model.annotations import (
    AnnotationError, AnnotationSet, Argument, Decision, Event, Provenance, Span, SpanAnnotation,
)
from annotator.model.relations import Relation, RelationEnd
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
    envelope: Mapping[str, Any] | None = None
    """What else the source record held (a Prodigy answer's hashes, ``_view_id``, span fields...),
    kept with the layer so that export gives it back."""
    partial: bool = False
    """The record answers about some spans only (Prodigy ``ner.teach``): tokens outside them are
    unknown, not ``O``."""


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
    rejected: bool = False
    """The source says this span is wrong (a Prodigy span with its own ``"answer": "reject"``)."""
    ident: str = ""
    """The file's own id of it (brat's ``T3``), kept so that export can write it again."""


@dataclass
class RawRelation:
    """A relation as read: ends are a :class:`RawSpan` or the key of an event of the same record."""

    type: Any
    ends: list[Any]
    location: str
    symmetric: bool = False
    attributes: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    ident: str = ""


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


def normalise_roles(roles: Iterable[str]) -> list[str]:
    """brat roles of one event with their numbers dropped only where writing them back restores them.

    The writer numbers the n-th repeat of a role ``n`` (``Theme``, ``Theme2``), so ``Theme2`` after
    one ``Theme`` becomes ``Theme``. A number that says something else is kept: in
    ``Theme:T2 Theme2:T5 Site2:T17`` the ``Site2`` belongs with ``Theme2`` and stays ``Site2``.
    """
    seen: dict[str, int] = {}
    out = []
    for role in roles:
        base = normalise_role(role)
        number = int(role[len(base):]) if base != role else 1
        if number == seen.get(base, 0) + 1:
            seen[base] = number
            out.append(base)
        else:
            out.append(role)
    return out


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
    relations: Iterable[RawRelation] = (),
    envelope: Mapping[str, Any] | None = None,
    partial: bool = False,
    idents: dict[str, Any] | None = None,
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
    before = problem_count(problems)
    checker = _Checker(text, offsets, path, problems, idents)
    annotations = checker.spans(spans)
    built = checker.events(events)
    kept_relations = checker.relations(relations, built)
    document = Document(stored, title=title, date=date, source=source, extra=dict(extra or {}))
    return Record(
        document,
        AnnotationSet(tuple(annotations), tuple(built.values()), tuple(kept_relations)),
        annotated,
        location,
        times,
        path,
        dropped=problem_count(problems) - before,
        envelope=dict(envelope) if envelope else None,
        partial=partial,
    )


class _Checker:
    """Checks one record's raw annotations against its text: what passes becomes a value with
    offsets into the stored (normalised) text, what fails a :class:`Problem` in ``problems``."""

    def __init__(self, text: str, offsets: OffsetMap, path: str, problems: list[Problem], idents: dict[str, Any] | None):
        self.text = text
        self.offsets = offsets
        self.path = path
        self.problems = problems
        self.idents = idents

    def remember(self, raw: Any, value: Any) -> None:
        # The file's id of what was kept: a span as (start, end, label), an event or relation by uid.
        if self.idents is not None and getattr(raw, "ident", ""):
            self.idents[raw.ident] = value

    def checked(self, raw: RawSpan, what: str = "label") -> Span:
        span = _check_span(raw, self.text, self.offsets, what)
        self.remember(raw, (span.start, span.end, span.label))
        return span

    def moved(self, fragments: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
        return tuple((self.offsets(s), self.offsets(e)) for s, e in fragments)

    def spans(self, raws: Iterable[RawSpan]) -> list[SpanAnnotation]:
        annotations: list[SpanAnnotation] = []
        for raw in raws:
            try:
                span = self.checked(raw)
                annotations.append(
                    SpanAnnotation(
                        span,
                        fragments=self.moved(raw.fragments),
                        attributes=dict(raw.attributes),
                        note=raw.note,
                        **({"provenance": Provenance(decision=Decision.REJECTED)} if raw.rejected else {}),
                    )
                )
            except (AnnotationError, TypeError) as error:
                self.problems.append(Problem(self.path, raw.location, f"span skipped: {error}"))
        return annotations

    def events(self, raws: Iterable[RawEvent]) -> dict[Any, Event]:
        """The events, by their key in the file (or the raw event's identity when it has none)."""
        built: dict[Any, Event] = {}
        pending = list(raws)
        # Events may name other events as arguments, in any order: build those whose event
        # arguments are already built until nothing more can be built.
        while pending:
            progress = False
            for raw_event in list(pending):
                if any(a.event_key is not None and a.event_key not in built for a in raw_event.arguments):
                    continue
                pending.remove(raw_event)
                progress = True
                self._event(raw_event, built)
            if not progress:
                for raw_event in pending:
                    self.problems.append(
                        Problem(self.path, raw_event.location, "event skipped: an argument names an event that is missing or skipped")
                    )
                break
        return built

    def _event(self, raw_event: RawEvent, built: dict[Any, Event]) -> None:
        try:
            trigger = self.checked(raw_event.trigger, "event type")
            arguments = []
            for raw_argument in raw_event.arguments:
                role = _check_name(raw_argument.role, "role")
                if raw_argument.span is not None:
                    arguments.append(Argument(role, self.checked(raw_argument.span)))
                else:
                    arguments.append(Argument(role, event_uid=built[raw_argument.event_key].uid))
            event = Event(trigger, tuple(arguments), attributes=dict(raw_event.attributes), note=raw_event.note)
            built[raw_event.key if raw_event.key is not None else id(raw_event)] = event
            if self.idents is not None and isinstance(raw_event.key, str):
                self.idents[raw_event.key] = event.uid
        except (AnnotationError, TypeError, KeyError) as error:
            self.problems.append(Problem(self.path, raw_event.location, f"event skipped: {error}"))

    def relations(self, raws: Iterable[RawRelation], built: Mapping[Any, Event]) -> list[Relation]:
        kept = []
        for raw_relation in raws:
            try:
                relation = self._relation(raw_relation, built)
            except (AnnotationError, TypeError) as error:
                what = "equivalence" if raw_relation.symmetric else "relation"
                self.problems.append(Problem(self.path, raw_relation.location, f"{what} skipped: {error}"))
                continue
            kept.append(relation)
            self.remember(raw_relation, relation.uid)
        return kept

    def _relation(self, raw_relation: RawRelation, built: Mapping[Any, Event]) -> Relation:
        if not isinstance(raw_relation.type, str) or not raw_relation.type.strip():
            raise AnnotationError(f"relation has no usable type ({raw_relation.type!r})")
        _check_name(raw_relation.type.strip(), "relation type")
        ends = []
        for end in raw_relation.ends:
            if isinstance(end, RawSpan):
                ends.append(RelationEnd(self.checked(end)))
            elif end in built:
                ends.append(RelationEnd(event_uid=built[end].uid))
            else:
                raise AnnotationError(f"an end names {end!r}, which is missing or was skipped")
        return Relation(
            raw_relation.type.strip(), tuple(ends), raw_relation.symmetric,
            attributes=dict(raw_relation.attributes), note=raw_relation.note,
        )
