"""The window when the project cannot take a write: read-only, busy, damaged; and its backups."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from annotator.gui import safety
from annotator.gui.safety import damaged_dialog, offer_backup
from annotator.model.annotations import Span
from annotator.model.editing import create_span
from annotator.store import database
from annotator.store.backup import integrity, list_backups, make_backup
from annotator.store.project import ProjectStore


def test_a_read_only_project_opens_read_only_and_says_so(qtbot, make_window, gui_project: Path, monkeypatch) -> None:
    monkeypatch.setattr(database, "writable", lambda path: False)  # what the OS answers for a read-only file
    window = make_window(gui_project, worker=None)
    assert window.windowTitle().endswith("[read-only]")
    assert "Read-only" in window.safety.read_only_label.text() and window.safety.read_only_label.isVisible()
    for action_id in ("accept", "delete", "mark_trigger", "done_next", "import_files"):
        action = window.actions_by_id[action_id]
        assert not action.isEnabled() and "read-only" in action.statusTip()
    assert all(not a.isEnabled() for a in window.label_action_objects.values())
    problem = window.session.apply(create_span(Span(0, 4, "ORG"), "alice"))
    assert problem is not None and "open read-only" in problem
    window.next_document()  # the title changes with the document and keeps saying so
    assert window.windowTitle().endswith("[read-only]")


def test_a_busy_project_is_retried_without_freezing_the_window(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project, worker=None)  # no stand-in suggester writing meanwhile
    other = sqlite3.connect(gui_project)  # another program importing holds the write lock
    other.execute("BEGIN IMMEDIATE")
    ticks = []
    ticker = QTimer(interval=20)
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start()
    problem = window.session.apply(create_span(Span(0, 4, "ORG"), "alice"))
    assert problem is not None and "trying again" in problem
    assert "busy" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: len(ticks) >= 10)  # the event loop runs while the lock is held
    other.rollback()
    other.close()
    with ProjectStore.open(gui_project) as check:
        qtbot.waitUntil(lambda: check.layer("alice") is not None and len(check.annotations(check.layer("alice").id, window.session.current.id).spans) == 1)  # type: ignore
    assert [a.label for a in window.session.current.own.spans] == ["ORG"]
    assert window.statusBar().currentMessage() == "Saved."
    ticker.stop()


def test_a_project_that_stays_busy_is_reported_and_the_change_not_pretended(qtbot, make_window, gui_project: Path, monkeypatch) -> None:
    monkeypatch.setattr(safety, "RETRIES", 2)
    window = make_window(gui_project, worker=None)  # no stand-in suggester writing meanwhile
    other = sqlite3.connect(gui_project)
    other.execute("BEGIN IMMEDIATE")
    try:
        with qtbot.waitSignal(window.safety.gave_up, timeout=20000) as blocker:
            window.session.apply(create_span(Span(0, 4, "ORG"), "alice"))
        assert "change was not saved" in blocker.args[0]
        assert window.safety.box is not None and window.safety.box.isVisible()
        assert window.session.current.own.spans == ()
    finally:
        other.rollback()
        other.close()


def test_the_window_backs_the_project_up_when_it_opens(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    qtbot.waitUntil(lambda: window.safety.last_backup is not None, timeout=15000)
    (backup,) = list_backups(gui_project)
    assert integrity(backup.path) == "ok" and window.safety.last_backup == backup


def test_a_damaged_project_gets_a_dialog_that_restores_the_latest_backup(qtbot, gui_project: Path) -> None:
    make_backup(gui_project)
    latest = list_backups(gui_project)[0]
    with ProjectStore.open(gui_project) as store:
        store.checkpoint()
    with gui_project.open("r+b") as handle:  # what a failing disk or a bad copy does
        for page in range(2, gui_project.stat().st_size // 4096, 2):
            handle.seek(page * 4096 + 100)
            handle.write(os.urandom(3000))
    assert integrity(gui_project) != "ok"
    box, offered = damaged_dialog(gui_project, "The project file is damaged.")
    assert offered == latest and f"{latest.made:%Y-%m-%d %H:%M}" in box.informativeText()

    def click_restore() -> None:
        QApplication.activeModalWidget().findChild(QPushButton, "restore").click()

    QTimer.singleShot(50, click_restore)
    assert offer_backup(gui_project, "The project file is damaged.")
    assert integrity(gui_project) == "ok"
    assert any("before-restore" in b.path.name or "damaged" in b.path.name for b in list_backups(gui_project))
