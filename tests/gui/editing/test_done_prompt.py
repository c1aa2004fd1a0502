"""Ctrl+Return on an article with undecided suggestions asks what to do with them, once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QApplication

from annotator.model.annotations import Decision
from annotator.model.layer import DocStatus
from annotator.model.mark_done import UndecidedChoice
from annotator.store.done_choice import undecided_choice
from annotator.store.project import ProjectStore


def _wait_for_suggestions(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.session.has_suggestions(window.session.current.id), timeout=5000)
    qtbot.waitUntil(lambda: bool(window.session.current.pending), timeout=5000)


def _answer(button: str, remember: bool = False, seen: list | None = None) -> None:
    """Answer the question the window is about to show (it is modal: answer from the event loop)."""

    def click() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "undecided_question":
            QTimer.singleShot(20, click)
            return
        if seen is not None:
            seen.append(dialog.text())
        dialog.remember.setChecked(remember)
        dialog.findChild(type(dialog.cancel), button).click() if button != "cancel" else dialog.cancel.click()

    QTimer.singleShot(0, click)


def _saved(path: Path, document_id: int):
    with ProjectStore.open(path) as store:
        layer = store.layer("alice")
        if layer is None:
            return None, DocStatus.NEW
        return store.annotations(layer.id, document_id), store.status(layer.id, document_id)  # type: ignore[arg-type]


def test_cancel_leaves_the_article_open_and_not_done(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    _wait_for_suggestions(qtbot, window)
    first = window.session.current.id
    seen: list[str] = []
    _answer("cancel", seen=seen)
    window.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    pending = window.session.current.pending
    assert f"{len(pending.spans)} undecided suggested span(s) and {len(pending.events)} event(s)" in seen[0]
    assert window.session.current.id == first
    assert _saved(gui_project, first)[1] is not DocStatus.DONE
    assert "Not marked done" in window.statusBar().currentMessage()


def test_accept_all_decides_them_and_marks_done(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    _wait_for_suggestions(qtbot, window)
    first = window.session.current.id
    pending = window.session.current.pending
    assert pending.spans
    _answer("accept_all")
    window.done_next()
    own, status = _saved(gui_project, first)
    assert status is DocStatus.DONE
    assert sorted(a.label for a in own.spans) == sorted(a.label for a in pending.spans)
    assert len(own.events) == len(pending.events)
    assert all(a.provenance.decision is Decision.ACCEPTED for a in own.spans)
    assert window.session.current.id != first
    # Nothing remembered: the next article asks again.
    assert undecided_choice(window.store) is UndecidedChoice.ASK


def test_a_remembered_choice_is_not_asked_again_and_the_menu_changes_it(qtbot, make_window, gui_project: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = make_window(gui_project)
    _wait_for_suggestions(qtbot, window)
    first = window.session.current.id
    _answer("reject_all", remember=True)
    window.done_next()
    own, status = _saved(gui_project, first)
    assert status is DocStatus.DONE and own.spans and all(a.provenance.decision is Decision.REJECTED for a in own.spans)
    assert undecided_choice(window.store) is UndecidedChoice.REJECT_ALL
    # The second article: no question (a question would block this call forever).
    _wait_for_suggestions(qtbot, window)
    second = window.session.current.id
    window.done_next()
    assert _saved(gui_project, second)[1] is DocStatus.DONE
    # Tools > When marking done with undecided suggestions… puts "ask each time" back.
    offered = []

    def pick(parent, title, label, items, current, editable):
        offered.append((items, current))
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window.actions_by_id["undecided_settings"].trigger()
    assert offered[0][1] == 2 and offered[0][0][0] == "Ask each time"  # the current choice was pre-selected
    assert undecided_choice(window.store) is UndecidedChoice.ASK


def test_leave_marks_done_with_them_undecided(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    _wait_for_suggestions(qtbot, window)
    first = window.session.current.id
    _answer("leave")
    window.done_next()
    own, status = _saved(gui_project, first)
    assert status is DocStatus.DONE and not own.spans and not own.events
    assert "undecided" in window.statusBar().currentMessage()


def test_the_decisions_are_one_undo_step_and_the_status_is_written_with_them(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    _wait_for_suggestions(qtbot, window)
    first = window.session.current.id
    count = len(window.session.current.pending.spans)
    _answer("reject_all")
    assert window.marking.mark_done()  # without moving on
    own, status = _saved(gui_project, first)
    assert status is DocStatus.DONE and len(own.spans) == count
    assert window.session.history.undo_title.startswith(f"Reject {count} suggestions")
    window.session.undo()
    assert len(window.session.current.pending.spans) == count and not _saved(gui_project, first)[0].spans
