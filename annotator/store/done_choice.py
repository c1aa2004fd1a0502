"""The project's remembered answer to "this document has undecided suggestions: mark it done how?"

Kept in the project's settings (so every analyst of the project file gets the same, and the
choice survives restarts); :mod:`annotator.model.mark_done` says what each choice does.
"""

from __future__ import annotations

from annotator.model.mark_done import UndecidedChoice, parse_choice
from annotator.store.project import ProjectStore

UNDECIDED_SETTING = "done.undecided"


def undecided_choice(store: ProjectStore) -> UndecidedChoice:
    """The remembered choice, or ``ASK`` when none is (or a bad value is stored)."""
    return parse_choice(store.setting(UNDECIDED_SETTING))


def remember_undecided_choice(store: ProjectStore, choice: UndecidedChoice) -> None:
    """Remember ``choice`` for this project; ``ASK`` forgets it (ask each time again)."""
    store.set_setting(UNDECIDED_SETTING, choice.value)
