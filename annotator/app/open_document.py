"""The open document's state as the window shows it, and how one edit derives the next state.

A long article holds tens of thousands of annotations; an edit changes one or a few. The state
after an edit is derived from the one before in time that follows the edit, not the article:
pending suggestions by bisection, the uid index as a small layer over the previous one
(:class:`UidIndex`), and the delta that tells the window what to repaint.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from annotator.model.annotations import AnnotationSet, Decision, Event, SpanAnnotation
from annotator.model.changes import Annotation, apply_to
from annotator.model.document import Document
from annotator.model.editing import pending_suggestions
from annotator.model.layer import DocStatus
from annotator.model.relations import Relation
from annotator.model.tokens import Tokens


@dataclass
class OpenDocument:
    """What the window shows for the open document."""

    document: Document
    own: AnnotationSet
    suggestions: AnnotationSet
    status: DocStatus
    _tokens: Tokens | None = None
    pending: AnnotationSet = None  # type: ignore[assignment]
    """Computed when not given (an edit derives it from the previous state: see :func:`after_edit`)."""
    previous: OpenDocument | None = field(default=None, repr=False)
    """The state this one was derived from by one edit, with ``delta``, so the window repaints only that."""
    delta: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    """Uids no longer shown, and uids shown anew or changed, relative to ``previous``."""

    def __post_init__(self) -> None:
        if self.pending is None:
            self.pending = pending_suggestions(self.own, self.suggestions)

    @property
    def id(self) -> int:
        assert self.document.id is not None
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    @cached_property
    def _visible_spans(self) -> tuple[SpanAnnotation, ...]:
        rejected = Decision.REJECTED
        return tuple([a for a in self.own.spans if a.provenance.decision is not rejected]) + self.pending.spans

    @cached_property
    def _visible_events(self) -> tuple[Event, ...]:
        rejected = Decision.REJECTED
        return tuple([e for e in self.own.events if e.provenance.decision is not rejected]) + self.pending.events

    @cached_property
    def _by_uid(self) -> Mapping[str, Annotation]:
        return {a.uid: a for a in self._visible_spans + self._visible_events}  # type: ignore[operator]

    @cached_property
    def _suggestion_uids(self) -> frozenset[str]:
        return frozenset(a.uid for a in self.suggestions.spans + self.suggestions.events)  # type: ignore[operator]

    def visible_spans(self) -> tuple[SpanAnnotation, ...]:
        """The analyst's spans (not the rejected) and the pending suggestions."""
        return self._visible_spans

    def visible_events(self) -> tuple[Event, ...]:
        return self._visible_events

    def find(self, uid: str) -> Annotation | None:
        """A shown span or event by uid."""
        return self._by_uid.get(uid)

    def shown(self) -> Mapping[str, Annotation]:
        """Every shown span and event by uid (a dict, or after edits a :class:`UidIndex`)."""
        return self._by_uid


def after_edit(current: OpenDocument, changes: tuple, status: DocStatus) -> OpenDocument:
    """The open document after one edit, derived from ``current`` in time proportional to the
    edit (not to the article's thousands of spans): pending suggestions, the uid index and the
    delta for the window. Falls back to a full computation where a removal could make a decided
    suggestion pending again."""
    own = apply_to(current.own, changes)
    befores = [c.before for c in changes if c.before is not None]
    afters = [c.after for c in changes if c.after is not None]

    if any(isinstance(a, Relation) for a in (*befores, *afters)):
        # Relations are few and touch pending suggestions' ends: compute the state in full.
        return OpenDocument(current.document, own, current.suggestions, status, current._tokens)

    def place(a: Annotation) -> object:
        return a.trigger if isinstance(a, Event) else a.span

    freed_sources = {a.provenance.source_uid for a in befores} - {a.provenance.source_uid for a in afters} - {None}
    freed_places = {place(a) for a in befores} - {place(a) for a in afters}
    suggestions = current.suggestions
    if (freed_sources and not freed_sources.isdisjoint(current._suggestion_uids)) or _any_suggestion_at(suggestions, freed_places):
        return OpenDocument(current.document, own, suggestions, status, current._tokens)
    old = current.pending
    decided = _decided_by(old, afters, current._by_uid)
    decided_annotations = [current._by_uid[uid] for uid in decided]  # shown: _decided_by checked
    pending = AnnotationSet.presorted(
        _without(old.spans, [a for a in decided_annotations if not isinstance(a, Event)], _span_of),
        _without(old.events, [a for a in decided_annotations if isinstance(a, Event)], _trigger_of),
    ) if decided else old
    gone = {a.uid for a in befores} | decided
    rejected = Decision.REJECTED
    shown = {a.uid: a for a in afters if a.provenance.decision is not rejected}
    gone -= shown.keys()
    by_uid = UidIndex.after(current._by_uid, gone, shown)
    result = OpenDocument(current.document, own, suggestions, status, current._tokens, pending, current, (frozenset(gone), frozenset(shown)))
    result.__dict__["_by_uid"] = by_uid  # the cached_property's slot
    result.__dict__["_suggestion_uids"] = current._suggestion_uids  # the suggestions did not change
    current.previous = None  # one step back is all the window needs; older states can go
    return result


def _any_suggestion_at(suggestions: AnnotationSet, places: set) -> bool:
    """Whether a suggestion is at one of ``places`` (spans, with their label): found by bisection
    on the start (suggestions are in text order), not by a pass over thousands of them."""
    for where in places:
        for items, key in ((suggestions.spans, _span_of), (suggestions.events, _trigger_of)):
            i = bisect_left(items, where.start, key=lambda x: key(x).start)  # noqa: B023 - used at once
            while i < len(items) and key(items[i]).start == where.start:
                if key(items[i]) == where:
                    return True
                i += 1
    return False


def _without(items: tuple, annotations: list, place: Callable[[Any], Any]) -> tuple:
    """``items`` (in text order) less ``annotations`` (by uid): each found by bisection on its start."""
    kept = list(items)
    for annotation in annotations:
        uid, start = annotation.uid, place(annotation).start
        i = bisect_left(kept, start, key=lambda x: place(x).start)
        while i < len(kept) and place(kept[i]).start == start:
            if kept[i].uid == uid:
                del kept[i]
                break
            i += 1
    return tuple(kept)


def _span_of(a: SpanAnnotation) -> object:
    return a.span


def _trigger_of(e: Event) -> object:
    return e.trigger


def _decided_by(pending: AnnotationSet, afters: list, shown: dict) -> set[str]:
    """Uids of the pending suggestions that ``afters`` decide: copies of them (by ``source_uid``)
    or annotations at the same place with the same label; found by uid and by bisection on the
    start (pending is in text order), not by a pass over thousands of suggestions."""
    decided = set()
    for a in afters:
        source = a.provenance.source_uid
        if source and source in shown:
            decided.add(source)
        if isinstance(a, Event):
            items, where = pending.events, a.trigger
            i = bisect_left(items, where.start, key=lambda e: e.trigger.start)
            while i < len(items) and items[i].trigger.start == where.start:
                if items[i].trigger == where:
                    decided.add(items[i].uid)
                i += 1
        else:
            spans, where = pending.spans, a.span
            i = bisect_left(spans, where.start, key=lambda x: x.span.start)
            while i < len(spans) and spans[i].span.start == where.start:
                if spans[i].span == where:
                    decided.add(spans[i].uid)
                i += 1
    return {uid for uid in decided if is_pending_uid(pending, uid, shown)}


def is_pending_uid(pending: AnnotationSet, uid: str, shown: dict) -> bool:
    """Whether ``uid`` names one of ``pending``'s suggestions (shown, and pending)."""
    annotation = shown.get(uid)
    return annotation is not None and annotation.provenance.decision is Decision.PENDING


class UidIndex(Mapping):
    """Every shown annotation by uid, after an edit: the changes over the index before it, so an
    edit does not copy tens of thousands of entries. A dict once the changes pile up (every
    :data:`FOLD` of them), so a look-up goes through two layers at most. Iterates in the order a
    dict updated the same way would (kept entries in place, new ones at the end)."""

    FOLD = 256

    def __init__(self, base: dict, removed: frozenset | set, added: dict):
        self._base = base
        self._removed = removed
        self._added = added
        self._length: int | None = None

    @classmethod
    def after(cls, before: Mapping, gone: set, shown: dict) -> Mapping:
        """``before`` less ``gone``, with ``shown`` added or replacing (``before`` is not changed)."""
        if isinstance(before, UidIndex):
            base = before._base
            # Removed once stays removed from the base: a uid shown again goes to the end, as in a dict.
            removed = before._removed | (gone & base.keys())
            added = {uid: a for uid, a in before._added.items() if uid not in gone}
            added.update(shown)
        else:
            base, removed, added = before, gone & before.keys(), dict(shown)  # type: ignore[assignment]
        if len(removed) + len(added) > cls.FOLD:
            folded = {uid: a for uid, a in base.items() if uid not in removed}
            folded.update(added)
            return folded
        return cls(base, frozenset(removed), added)

    def __getitem__(self, uid: str) -> Any:
        found = self._added.get(uid, _MISSING)
        if found is not _MISSING:
            return found
        if uid in self._removed:
            raise KeyError(uid)
        return self._base[uid]

    def get(self, uid: str, default: Any = None) -> Any:
        found = self._added.get(uid, _MISSING)
        if found is not _MISSING:
            return found
        if uid in self._removed:
            return default
        return self._base.get(uid, default)

    def __contains__(self, uid: object) -> bool:
        return uid in self._added or (uid not in self._removed and uid in self._base)

    def __iter__(self) -> Iterator[str]:
        added, removed = self._added, self._removed
        for uid in self._base:
            if uid not in removed:
                yield uid
        for uid in added:
            if uid not in self._base or uid in removed:
                yield uid

    def __len__(self) -> int:
        if self._length is None:
            base = self._base
            self._length = len(base) - len(self._removed) + sum(1 for uid in self._added if uid not in base or uid in self._removed)
        return self._length

    def values(self):  # noqa: ANN201 - a ValuesView
        return [self[uid] for uid in self]  # type: ignore[return-value]


_MISSING = object()
