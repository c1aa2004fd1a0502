"""Gold must not call one stretch of text two things: the check after a review decision, and its fixes.

Taking a version can put into gold a span (or an event argument's filler) over the same
characters as a gold span, or another event's argument filler, with another label: bob's event
has "Google" as Person, alice's span "Google" as Organization. :func:`label_conflicts` finds such
clashes between what a decision added and the rest of gold; :func:`make_consistent` is the edit
that relabels one side to the other's label (the reviewer chooses which). Rejected annotations
(refusals) are not gold content and never clash.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from annotator.model.annotations import AnnotationSet, Argument, Span
from annotator.model.changes import Change, Edit


@dataclass(frozen=True)
class LabelConflict:
    """Characters ``start``-``end`` are ``taken`` in what was just taken, ``other`` elsewhere in gold."""

    start: int
    end: int
    taken: str
    other: str

    def describe(self, text: str = "") -> str:
        words = f"{text[self.start:self.end]!r} " if text else ""
        return f"{words}({self.start}-{self.end}) is {self.taken} in the version taken but {self.other} elsewhere in gold"


def _labelled(annotations: AnnotationSet, uids: set[str] | None, inside: bool) -> list[tuple[Span, str]]:
    """``(span, owner uid)`` of every gold span and span-filled argument, of the annotations whose
    uid is (``inside``) or is not in ``uids``; rejected ones are left out."""
    found: list[tuple[Span, str]] = []
    for annotation in annotations.spans:
        if not annotation.provenance.is_rejected and ((annotation.uid in uids) == inside if uids is not None else True):
            found.append((annotation.span, annotation.uid))
    for event in annotations.events:
        if not event.provenance.is_rejected and ((event.uid in uids) == inside if uids is not None else True):
            found.extend((a.span, event.uid) for a in event.arguments if a.span is not None)
    return found


def label_conflicts(gold_after: AnnotationSet, edit: Edit) -> list[LabelConflict]:
    """Clashes between what ``edit`` added to gold and the rest of ``gold_after`` (gold once the
    edit is applied): the same extent with another label. One per extent and label pair."""
    added = {c.after.uid for c in edit.changes if c.after is not None}
    taken = _labelled(gold_after, added, inside=True)
    others: dict[tuple[int, int], set[str]] = {}
    for span, _uid in _labelled(gold_after, added, inside=False):
        others.setdefault((span.start, span.end), set()).add(span.label)
    conflicts: dict[tuple, LabelConflict] = {}
    for span, _uid in taken:
        for label in sorted(others.get((span.start, span.end), ())):
            if label != span.label:
                conflicts.setdefault((span.start, span.end, span.label, label), LabelConflict(span.start, span.end, span.label, label))
    return list(conflicts.values())


def make_consistent(gold_after: AnnotationSet, conflicts: Iterable[LabelConflict], keep_taken: bool = True, title: str = "") -> Edit:
    """The edit that gives every clashing extent one label in gold: the label just taken
    (``keep_taken``) or the one gold had elsewhere. Spans are relabelled; events get their
    span-filled arguments' fillers relabelled (roles unchanged)."""
    target = {(c.start, c.end): (c.taken if keep_taken else c.other) for c in conflicts}
    changes: list[Change] = []
    for annotation in gold_after.spans:
        wanted = target.get((annotation.start, annotation.end))
        if wanted and wanted != annotation.label and not annotation.provenance.is_rejected:
            changes.append(Change(annotation, replace(annotation, span=annotation.span.relabeled(wanted))))
    for event in gold_after.events:
        if event.provenance.is_rejected:
            continue
        arguments = [_relabelled(a, target) for a in event.arguments]
        if arguments != list(event.arguments):
            changes.append(Change(event, event.with_arguments(arguments)))
    labels = ", ".join(sorted(set(target.values())))
    return Edit(title or f"Label consistently ({labels})", tuple(changes))


def _relabelled(argument: Argument, target: dict[tuple[int, int], str]) -> Argument:
    if argument.span is None:
        return argument
    wanted = target.get((argument.span.start, argument.span.end))
    if not wanted or wanted == argument.span.label:
        return argument
    return Argument(argument.role, argument.span.relabeled(wanted))


__all__ = ["LabelConflict", "label_conflicts", "make_consistent"]
