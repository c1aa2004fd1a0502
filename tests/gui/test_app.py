"""Starting the window: the analyst's name (argument, environment, settings, first-start prompt)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QInputDialog

from annotator.gui import app as gui_app


@pytest.fixture
def settings(tmp_path: Path, qapp) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_name_comes_from_argument_then_environment_then_settings(settings: QSettings, monkeypatch) -> None:
    settings.setValue(gui_app.NAME_SETTING, "kept")
    monkeypatch.setenv(gui_app.NAME_VARIABLE, "from-env")
    assert gui_app.annotator_name("given", settings) == "given"
    assert gui_app.annotator_name(None, settings) == "from-env"
    monkeypatch.delenv(gui_app.NAME_VARIABLE)
    assert gui_app.annotator_name(None, settings) == "kept"
    settings.remove(gui_app.NAME_SETTING)
    assert gui_app.annotator_name(None, settings) is None
    assert gui_app.annotator_name("   ", settings) is None


def test_first_start_asks_for_the_name_and_opens_the_default_project(qtbot, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; restore it after
    answers = iter([("  ", True), ("dana", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    monkeypatch.setattr(gui_app, "suggestion_worker", lambda path: None)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    opened = []

    def run_instead(self) -> int:
        # Visible only: windows of earlier tests may still await their deleteLater.
        opened.extend(w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible())
        return 0

    monkeypatch.setattr(QApplication, "exec", run_instead)
    assert gui_app.run_gui(None, None) == 0
    (window,) = opened
    qtbot.addWidget(window)
    assert window.session.annotator == "dana"
    assert window.list_panel.model.rowCount() == 2  # the bundled articles
    assert QSettings().value(gui_app.NAME_SETTING) == "dana"
    window.close()
    window.store.close()


def test_cancelling_the_name_prompt_quits(monkeypatch, qapp) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(gui_app, "annotator_name", lambda given, settings: None)
    assert gui_app.run_gui(None, None) == 1
