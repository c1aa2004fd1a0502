"""After adding an argument the Events panel still marks the edited event, as the Selection panel
shows it (issue 23 item 8: it marked the next event)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from test_main_window import choose, saved, select_text

from annotator.gui.side_panel import EVENT_ROLE


def _make_event(qtbot, window, word: str) -> None:
    select_text(window, word)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_E)
    choose(qtbot, window, "t")  # Movement:Transport


def test_events_panel_keeps_the_edited_event_after_an_argument(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project, worker=None)
    window.next_document()
    doc = window.session.current.id
    _make_event(qtbot, window, "sent")
    _make_event(qtbot, window, "sending")
    first = next(e for e in window.session.current.own.events if window.session.current.text[e.trigger.start:e.trigger.end] == "sent")
    window.editor.select(first.uid)
    select_text(window, "Afghanistan")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    choose(qtbot, window, "5")  # Destination
    (edited,) = [e for e in saved(gui_project)[doc][0].events if e.arguments]
    assert edited.uid == window.editor.event
    qtbot.waitUntil(lambda: not window._event_mark.isActive(), timeout=2000)
    item = window.side.events.currentItem()
    assert item is not None and item.data(0, EVENT_ROLE) == edited.uid
