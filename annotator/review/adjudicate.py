"""Review decisions as edits of the gold layer: take a version, refuse them all, accept what all agree on.

Each decision is an :class:`~annotator.model.changes.Edit` for the document's gold annotations,
applied with ``store.apply`` in one transaction and undone with its inverse, like any edit.
Gold annotations are copies with their own uids (a uid is unique in a project) and carry
``Provenance(origin=ADJUDICATED, decision=ACCEPTED, author=reviewer, source_uid=<uid copied>)``
and the attribute ``adjudicated_from``: the layer the version came from (comma-separated layers
for what all agreed on). Refusing every version ("none of them") stores *rejected* copies, so the
group counts as decided while export and agreement, which skip rejected annotations, see nothing.

Relations are copied like spans; an end that is an event is pointed at that event's gold copy
(or the gold event where it is), and a relation whose event has none stays out of gold until the
event is decided. Taking a version replaces whatever gold held for the group. Event arguments that point at other
events are kept pointing at gold events: at the copy made in the same edit, at the gold event
already copied from that event, at the gold event where that event is (same trigger, else an
overlapping one), or else the event pointed at is copied along (unless gold refused it: then the
argument is dropped). Gold events that pointed at an event the decision removes are re-pointed at
its replacement (an overlapping copy, preferably of the same type) or lose that argument.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from annotator.model.annotations import (
    AnnotationSet,
    Argument,
    Decision,
    Event,
    Origin,
    Provenance,
    SpanAnnotation,
    new_uid,
)
from annotator.model.changes import Change, Edit
from annotator.model.relations import Relation
from annotator.review.compare import SOURCE_ATTRIBUTE, Annotation, ReviewItem, version_signature
from annotator.review.relation_review import RELATION, copy_relation, relation_place


class _GoldEdit:
    """The changes one decision makes to a document's gold annotations."""

    def __init__(self, gold: AnnotationSet, reviewer: str):
        if not reviewer or not reviewer.strip():
            raise ValueError("a review decision needs the reviewer's name")
        self.gold = gold
        self.reviewer = reviewer.strip()
        self.removed: dict[str, Annotation] = {}
        self.added: dict[str, Annotation] = {}
        self.copy_of: dict[str, str] = {}  # uid copied -> uid of its gold copy

    def remove(self, annotations: Iterable[Annotation]) -> None:
        for annotation in annotations:
            self.removed[annotation.uid] = annotation

    def _provenance(self, source_uid: str, decision: Decision) -> Provenance:
        return Provenance(Origin.ADJUDICATED, decision, author=self.reviewer, source_uid=source_uid)

    def copy_span(self, span: SpanAnnotation, sources: str, decision: Decision = Decision.ACCEPTED) -> None:
        copy = SpanAnnotation(
            span.span,
            provenance=self._provenance(span.uid, decision),
            fragments=span.fragments,
            attributes={**span.attributes, SOURCE_ATTRIBUTE: sources},
            note=span.note,
        )
        self.added[copy.uid] = copy
        self.copy_of[span.uid] = copy.uid

    def copy_event(
        self,
        event: Event,
        sources: str,
        linked: dict[str, Event],
        decision: Decision = Decision.ACCEPTED,
        along: bool = True,
        uid: str | None = None,
    ) -> bool:
        """Copy ``event`` into gold, its event arguments pointed at gold events.

        An event argument that leads nowhere (its event is missing, or gold refused it) makes the
        copy fail, returning False with nothing copied, unless ``along`` is true: then the
        argument is dropped, and events not in gold yet are copied along.
        """
        uid = uid or new_uid()
        self.copy_of[event.uid] = uid  # first, so that a cycle of event arguments ends here
        arguments = []
        for argument in event.arguments:
            if argument.event_uid is None:
                arguments.append(argument)
                continue
            if decision is Decision.REJECTED:
                continue  # a refusal records the event, not the structure around it
            target = self._resolve(argument.event_uid, sources, linked, along)
            if target is None:
                if along:
                    continue
                del self.copy_of[event.uid]
                return False
            arguments.append(Argument(argument.role, event_uid=target))
        copy = Event(
            event.trigger,
            tuple(arguments),
            uid,
            self._provenance(event.uid, decision),
            {**event.attributes, SOURCE_ATTRIBUTE: sources},
            event.note,
        )
        self.added[uid] = copy
        return True

    def _kept_gold(self) -> list[Event]:
        return [e for e in self.gold.events if e.uid not in self.removed and not e.provenance.is_rejected]

    def in_gold(self, uid: str, linked: dict[str, Event]) -> str | None:
        """The kept gold event standing for event ``uid``: its copy, else the gold event where it is
        (same trigger, else an overlapping trigger of the same type, else any overlapping trigger)."""
        kept = self._kept_gold()
        for event in kept:
            if event.provenance.source_uid == uid:
                return event.uid
        target = linked.get(uid)
        if target is None:
            return None
        exact = [e for e in kept if e.trigger == target.trigger]
        found = exact[0] if exact else _replacement(target, kept)
        return found.uid if found is not None else None

    def _resolve(self, uid: str, sources: str, linked: dict[str, Event], along: bool) -> str | None:
        if uid in self.copy_of:
            return self.copy_of[uid]
        found = self.in_gold(uid, linked)
        if found is not None:
            return found
        target = linked.get(uid)
        if target is None or not along or self._refused(target):
            return None
        self.copy_event(target, sources, linked, along=True)
        return self.copy_of[uid]

    def _refused(self, event: Event) -> bool:
        """Gold holds a refusal of ``event`` (a rejected copy of it, or of an event where it is)."""
        return any(
            e.provenance.is_rejected and (e.provenance.source_uid == event.uid or e.trigger.overlaps(event.trigger))
            for e in self.gold.events
            if e.uid not in self.removed
        )

    def _repoint(self) -> list[Change]:
        """Re-point kept gold events whose event arguments named an event this edit removes."""
        changes = []
        new_events = [e for e in self.added.values() if isinstance(e, Event) and not e.provenance.is_rejected]
        for event in self._kept_gold():
            if not any(a.event_uid in self.removed for a in event.arguments):
                continue
            arguments = []
            for argument in event.arguments:
                gone = self.removed.get(argument.event_uid or "")
                if gone is None:
                    arguments.append(argument)
                    continue
                replacement = _replacement(gone, new_events)  # type: ignore[arg-type]
                if replacement is not None:
                    arguments.append(Argument(argument.role, event_uid=replacement.uid))
            changes.append(Change(event, event.with_arguments(arguments)))
        return changes

    def edit(self, title: str) -> Edit:
        if _same_content(list(self.removed.values()), list(self.added.values())):
            return Edit(title, ())  # gold already holds exactly this decision
        changes = [Change(a, None) for a in self.removed.values()]
        changes += self._repoint()
        changes += [Change(None, a) for a in self.added.values()]
        return Edit(title, tuple(changes))


def _replacement(gone: Event, candidates: Sequence[Event]) -> Event | None:
    overlapping = [e for e in candidates if e.trigger.overlaps(gone.trigger)]
    same_type = [e for e in overlapping if e.type == gone.type]
    return (same_type or overlapping or [None])[0]


def _same_content(before: list[Annotation], after: list[Annotation]) -> bool:
    """Whether replacing ``before`` by ``after`` would change nothing a user can see."""

    def key(a: Annotation) -> tuple:
        return (a.provenance.source_uid, a.provenance.decision, dict(a.attributes).get(SOURCE_ATTRIBUTE), type(a).__name__)

    if len(before) != len(after) or not before:
        return False
    events = {a.uid: a for a in before + after if isinstance(a, Event)}
    return sorted(map(key, before), key=repr) == sorted(map(key, after), key=repr) and version_signature(
        before, events
    ) == version_signature(after, events)


def _group_in_gold(item: ReviewItem, gold: AnnotationSet) -> list[Annotation]:
    """What gold holds in the item's region now (the item may have been computed before an edit)."""
    listed = {a.uid for a in item.gold}
    if item.kind == RELATION:
        events = {**item.linked, **{e.uid: e for e in gold.events}}
        places = {relation_place(a, events) for v in item.versions.values() for a in v}  # type: ignore[arg-type]
        places |= {relation_place(a, events) for a in item.gold}  # type: ignore[arg-type]
        return [r for r in gold.relations if r.uid in listed or relation_place(r, events) in places]
    pool: Sequence[Annotation] = gold.spans if item.kind == "span" else gold.events
    found = []
    for annotation in pool:
        where = annotation.trigger if isinstance(annotation, Event) else annotation.span
        if annotation.uid in listed or (where.start < item.end and item.start < where.end):
            found.append(annotation)
    return found


def _copy_version(edit: _GoldEdit, item: ReviewItem, version: Sequence[Annotation], sources: str, decision: Decision) -> None:
    linked = dict(item.linked)
    for annotation in version:
        if isinstance(annotation, SpanAnnotation):
            edit.copy_span(annotation, sources, decision)
        elif isinstance(annotation, Relation):
            copy = copy_relation(
                annotation, sources, edit.reviewer, decision,
                lambda uid: edit.copy_of.get(uid) or edit.in_gold(uid, linked), SOURCE_ATTRIBUTE,
            )
            if copy is not None:  # an event end with no gold event: left for the reviewer's event decision
                edit.added[copy.uid] = copy
        else:
            edit.copy_event(annotation, sources, linked, decision)


def take_version(item: ReviewItem, layer: str | None, gold: AnnotationSet, reviewer: str) -> Edit:
    """Make gold hold ``layer``'s version of ``item`` (``None``: none of them), replacing what it held there.

    ``gold`` is the gold layer's current annotations of the document. Taking the version of a
    layer that said nothing here is a refusal like ``None``, recorded as coming from that layer.
    """
    if layer is not None and layer not in item.versions:
        raise ValueError(f"{layer!r} is not one of the compared layers ({', '.join(item.versions)})")
    edit = _GoldEdit(gold, reviewer)
    edit.remove(_group_in_gold(item, gold))
    if layer is None or not item.versions[layer]:
        refused: dict[tuple, Annotation] = {}
        for version in item.versions.values():
            for annotation in version:
                refused.setdefault(version_signature([annotation], item.linked), annotation)
        _copy_version(edit, item, list(refused.values()), layer or "", Decision.REJECTED)
        title = "Take none of the versions" if layer is None else f"Take {layer}'s version (nothing)"
    else:
        _copy_version(edit, item, item.versions[layer], layer, Decision.ACCEPTED)
        title = f"Take {layer}'s version"
    return edit.edit(title)


def accept_agreed(items: Iterable[ReviewItem], gold: AnnotationSet, reviewer: str) -> Edit:
    """Copy into gold every group all compared layers agree on and gold has not settled yet.

    An agreed event whose event argument points at an event that is neither agreed nor in gold
    is left for the reviewer to take (with whatever points at it), since copying its target
    would settle a group the layers disagree on.
    """
    edit = _GoldEdit(gold, reviewer)
    chosen = [
        item
        for item in items
        if item.agreed and not item.decided and any(item.versions.values()) and not _group_in_gold(item, gold)
    ]
    taken = 0
    for item in chosen:
        if item.kind == "span":
            _copy_version(edit, item, _first_version(item), ",".join(item.versions), Decision.ACCEPTED)
            taken += 1
    events = [item for item in chosen if item.kind == "event"]
    linked = {uid: e for item in events for uid, e in item.linked.items()}
    viable = _viable(edit, events, linked)
    for item in viable:
        for event in _first_version(item):
            edit.copy_of[event.uid] = new_uid()  # reserved, so agreed events pointing at each other find their copies
    for item in viable:
        for event in _first_version(item):
            edit.copy_event(event, ",".join(item.versions), linked, along=False, uid=edit.copy_of[event.uid])
        taken += 1
    for item in chosen:
        if item.kind == RELATION:
            before = len(edit.added)
            _copy_version(edit, item, _first_version(item), ",".join(item.versions), Decision.ACCEPTED)
            taken += len(edit.added) > before
    return edit.edit(f"Accept {taken} agreed group(s)")


def _first_version(item: ReviewItem) -> tuple[Annotation, ...]:
    return next(iter(item.versions.values()))


def _viable(edit: _GoldEdit, items: list[ReviewItem], linked: dict[str, Event]) -> list[ReviewItem]:
    """The agreed event groups whose event arguments all lead to another such group or to gold."""
    viable = list(items)
    changed = True
    while changed:
        changed = False
        planned = {e.uid for item in viable for e in _first_version(item)}
        for item in list(viable):
            targets = [a.event_uid for e in _first_version(item) for a in e.arguments if a.event_uid]  # type: ignore[union-attr]
            if all(t in planned or edit.in_gold(t, linked) for t in targets):
                continue
            viable.remove(item)
            changed = True
    return viable
