"""Ctrl+Return with "Accept all", then Ctrl+Z on the next article: back to the article marked done,
its decisions undone and its done mark taken back (the status bar promised exactly that)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.model.layer import DocStatus
from annotator.store.project import ProjectStore


def _accept_all_when_asked() -> None:
    def click() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "undecided_question":
            QTimer.singleShot(20, click)
            return
        dialog.buttons_by_choice[next(iter(dialog.buttons_by_choice))].click()  # Accept all

    QTimer.singleShot(0, click)


def _saved(path: Path, document_id: int):
    with ProjectStore.open(path) as store:
        layer = store.layer("alice")
        return store.annotations(layer.id, document_id), store.status(layer.id, document_id)  # type: ignore[union-attr]


def test_undo_on_the_next_article_goes_back_and_undoes_the_mark_done(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    qtbot.waitUntil(lambda: bool(window.session.current.pending), timeout=5000)
    first = window.session.current.id
    pending = window.session.current.pending
    _accept_all_when_asked()
    window.done_next()
    assert window.session.current.id != first
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    own, status = _saved(gui_project, first)
    assert status is DocStatus.DONE and len(own.spans) == len(pending.spans)

    undo = window.actions_by_id["undo"]
    assert undo.isEnabled(), "the status bar says Ctrl+Z undoes the decisions: Undo must be available"
    assert "goes back to the article marked done" in undo.text()
    undo.trigger()

    assert window.session.current.id == first
    own, status = _saved(gui_project, first)
    assert not own.spans and not own.events
    assert status is not DocStatus.DONE
    assert len(window.session.current.pending.spans) == len(pending.spans)
    # Redo decides them again and marks the article done again.
    window.actions_by_id["redo"].trigger()
    own, status = _saved(gui_project, first)
    assert status is DocStatus.DONE and len(own.spans) == len(pending.spans)


def test_an_edit_on_the_next_article_is_undone_first(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    qtbot.waitUntil(lambda: bool(window.session.current.pending), timeout=5000)
    first = window.session.current.id
    _accept_all_when_asked()
    window.done_next()
    second = window.session.current.id
    qtbot.waitUntil(lambda: bool(window.session.current.pending), timeout=5000)
    window.accept_all()
    assert "goes back" not in window.actions_by_id["undo"].text()
    window.actions_by_id["undo"].trigger()
    assert window.session.current.id == second
    assert _saved(gui_project, first)[1] is DocStatus.DONE
