"""*Mark done* with undecided suggestions: ask once what to do with them, and the menu to change the answer.

The rule (what each answer does, what counts as undecided) is below the window, in
:mod:`annotator.model.mark_done` and :func:`annotator.model.editing.pending_suggestions`; the
remembered answer is a project setting (:mod:`annotator.store.done_choice`). This module only asks.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtWidgets import QCheckBox, QInputDialog, QMessageBox, QPushButton, QWidget

from annotator.model.mark_done import UndecidedChoice, describe, edit_before_done, undecided_count
from annotator.store.done_choice import remember_undecided_choice, undecided_choice

TITLE = "Mark done"


class UndecidedQuestion(QMessageBox):
    """Accept all / reject all / leave them and mark done / cancel, and "remember my choice"."""

    def __init__(self, spans: int, events: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("undecided_question")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(TITLE)
        self.setText(
            f"This article still has {spans} undecided suggested span(s) and {events} event(s). "
            "Marked done as it is, it tells training and exports that none of them is right."
        )
        self.setInformativeText("What should happen to them?")
        self.buttons_by_choice: dict[UndecidedChoice, QPushButton] = {}
        for choice, title, role, name in (
            (UndecidedChoice.ACCEPT_ALL, "&Accept all", QMessageBox.ButtonRole.AcceptRole, "accept_all"),
            (UndecidedChoice.REJECT_ALL, "&Reject all", QMessageBox.ButtonRole.DestructiveRole, "reject_all"),
            (UndecidedChoice.LEAVE, "&Leave them, mark done", QMessageBox.ButtonRole.ActionRole, "leave"),
        ):
            button = self.addButton(title, role)
            button.setObjectName(name)
            self.buttons_by_choice[choice] = button
        self.cancel = self.addButton(QMessageBox.StandardButton.Cancel)
        # Cancel is the default: a second Ctrl+Return or Enter never decides 88 suggestions.
        self.setDefaultButton(self.cancel)
        self.setEscapeButton(self.cancel)
        self.remember = QCheckBox("Remember my choice for this project (Tools > When marking done with undecided suggestions…)")
        self.setCheckBox(self.remember)

    def choice(self) -> UndecidedChoice | None:
        clicked = self.clickedButton()
        for choice, button in self.buttons_by_choice.items():
            if clicked is button:
                return choice
        return None


class DoneActions:
    """The window's mark-done decision and its setting (the ``undecided_settings`` action)."""

    def __init__(self, window: Any):
        self._window = weakref.ref(window)
        self.question: UndecidedQuestion | None = None

    @property
    def window(self) -> Any:
        return self._window()

    def mark_done(self) -> bool:
        """Mark the open document done, deciding its undecided suggestions as the project's
        setting says or as the analyst answers; False when they cancelled or it was not saved."""
        window = self.window
        session = window.session
        current = session.current
        if current is None:
            return False
        pending = current.pending
        choice = UndecidedChoice.LEAVE
        if undecided_count(pending):
            choice = undecided_choice(window.session.store)
            if choice is UndecidedChoice.ASK:
                asked = self.ask(len(pending.spans), len(pending.events))
                if asked is None:
                    window.say("Not marked done: its suggestions are still undecided.")
                    return False
                choice = asked
        problem = session.mark_done(edit_before_done(pending, choice, session.annotator))
        if problem:
            window.say(problem, error=True)
            return False
        if undecided_count(pending) and choice is not UndecidedChoice.LEAVE:
            verb = "Accepted" if choice is UndecidedChoice.ACCEPT_ALL else "Rejected"
            window.say(f"{verb} {undecided_count(pending)} suggestion(s) and marked the article done (Ctrl+Z goes back to it and undoes both).")
        elif undecided_count(pending):
            window.say(f"Marked done with {undecided_count(pending)} suggestion(s) undecided; exports count it.")
        return True

    def ask(self, spans: int, events: int) -> UndecidedChoice | None:
        """Ask; remember the answer when the analyst ticked the box. None: cancelled."""
        self.question = UndecidedQuestion(spans, events, self.window)
        try:
            self.question.exec()
            choice = self.question.choice()
            if choice is not None and self.question.remember.isChecked():
                remember_undecided_choice(self.window.session.store, choice)
            return choice
        finally:
            self.question.deleteLater()
            self.question = None

    def undecided_settings(self) -> None:
        """Tools > When marking done with undecided suggestions…: change (or forget) the answer."""
        window = self.window
        choices = list(UndecidedChoice)
        titles = [describe(c).capitalize() for c in choices]
        current = choices.index(undecided_choice(window.session.store))
        title, ok = QInputDialog.getItem(
            window, TITLE, "When an article marked done has undecided suggestions:", titles, current, False
        )
        if ok:
            self.set_choice(choices[titles.index(title)])

    def set_choice(self, choice: UndecidedChoice) -> None:
        remember_undecided_choice(self.window.session.store, choice)
        self.window.say(f"Marking done with undecided suggestions: {describe(choice)}.")
