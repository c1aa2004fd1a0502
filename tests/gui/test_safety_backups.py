"""Issue 22 in the window: a refused (damaged) backup is shown, not only logged; the busy dialog
says how long it really waited."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from annotator.gui import safety
from annotator.model.annotations import Span
from annotator.model.editing import create_span
from annotator.store.database import DamagedError


def test_a_backup_refused_as_damaged_is_shown_in_a_dialog(qtbot, make_window, gui_project: Path, monkeypatch) -> None:
    def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise DamagedError("The project file is damaged: No backup was made, and the 3 older backup(s) are kept.")

    monkeypatch.setattr(safety, "make_backup", refuse)
    window = make_window(gui_project, worker=None)
    with qtbot.waitSignal(window.safety.backup_refused, timeout=15000):
        window.safety.start_backup()
    qtbot.waitUntil(lambda: window.safety.box is not None and window.safety.box.isVisible(), timeout=5000)
    assert "older backup(s) are kept" in window.safety.box.text()
    assert window.safety.box.objectName() == "backup_refused"


def test_the_busy_dialog_says_how_long_it_waited(qtbot, make_window, gui_project: Path, monkeypatch) -> None:
    monkeypatch.setattr(safety, "RETRIES", 2)
    window = make_window(gui_project, worker=None)
    other = sqlite3.connect(gui_project)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with qtbot.waitSignal(window.safety.gave_up, timeout=20000) as blocker:
            window.session.apply(create_span(Span(0, 4, "ORG"), "alice"))
        waited = time.monotonic() - started
        said = int(re.search(r"stayed busy for (\d+) seconds", blocker.args[0]).group(1))  # type: ignore[union-attr]
        assert abs(said - waited) <= 1.0, (said, waited)
    finally:
        other.rollback()
        other.close()
