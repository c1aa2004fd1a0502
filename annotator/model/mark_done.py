"""Marking a document done while suggestions in it are undecided: the choices and what each does.

A document marked done is training data: an entity it lacks reads as "not an entity". Undecided
suggestions make that ambiguous (wrong, or never looked at?), so marking done with some asks once
what to do with them. The answer can be remembered per project (the ``done.undecided`` setting,
read and written by :mod:`annotator.store.done_choice`). This module is the pure rule: which
choices exist and the edit each makes before the status is written.
"""

from __future__ import annotations

from enum import Enum

from annotator.model.annotations import AnnotationSet
from annotator.model.changes import Edit
from annotator.model.editing import accept, reject


class UndecidedChoice(Enum):
    """What to do with undecided suggestions when a document is marked done."""

    ASK = "ask"
    ACCEPT_ALL = "accept"
    REJECT_ALL = "reject"
    LEAVE = "leave"
    """Mark done and leave them undecided (exports count and name such documents)."""


def parse_choice(value: object) -> UndecidedChoice:
    """A stored choice; anything unknown (or none) means ask."""
    for choice in UndecidedChoice:
        if value == choice.value:
            return choice
    return UndecidedChoice.ASK


def undecided_count(pending: AnnotationSet) -> int:
    return len(pending.spans) + len(pending.events)


def edit_before_done(pending: AnnotationSet, choice: UndecidedChoice, author: str) -> Edit:
    """The edit to apply before marking done: accept or reject every undecided suggestion, or
    nothing (``LEAVE``). ``ASK`` is not a decision: the caller must ask first."""
    if choice is UndecidedChoice.ASK:
        raise ValueError("ask the user first: ASK is not a decision")
    everything = pending.spans + pending.events  # type: ignore[operator]
    n = len(everything)
    if choice is UndecidedChoice.ACCEPT_ALL and everything:
        return accept(everything, author, f"Accept {n} suggestions and mark done")
    if choice is UndecidedChoice.REJECT_ALL and everything:
        return reject(everything, author, f"Reject {n} suggestions and mark done")
    return Edit("Mark done", ())


def describe(choice: UndecidedChoice) -> str:
    """The choice in the words of the window's question and menu."""
    return {
        UndecidedChoice.ASK: "ask each time",
        UndecidedChoice.ACCEPT_ALL: "accept all of them",
        UndecidedChoice.REJECT_ALL: "reject all of them",
        UndecidedChoice.LEAVE: "leave them undecided and mark done",
    }[choice]
