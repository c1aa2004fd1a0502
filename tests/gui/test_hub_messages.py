"""The hub actions explain themselves: Sync without a hub says how to connect, and a missing
driver is explained for the way annotator was installed (the desktop bundle has no pip)."""

from __future__ import annotations

import sys
from pathlib import Path


from annotator.gui.hub.hub_messages import driver_missing
from annotator.hub.connection import HubError


def test_sync_now_without_a_hub_says_how_to_connect(make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    window.statusBar().clearMessage()
    window.actions_by_id.get("sync_now", window.hub.actions["sync_now"]).trigger()
    message = window.statusBar().currentMessage()
    assert "not connected to a team hub" in message and "Connect to team hub" in message
    assert window.hub._thread is None  # nothing was started


def test_the_bundle_is_never_told_to_run_pip() -> None:
    bundle = driver_missing(bundle=True)
    assert "pip" not in bundle and "desktop build" in bundle
    python = driver_missing(bundle=False)
    assert f"{sys.executable} -m pip install 'annotator[hub]'" in python


def test_connect_without_the_driver_in_a_bundle(make_window, gui_project: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    import annotator.hub.connection as connection

    def no_driver():
        raise HubError("no driver")

    monkeypatch.setattr(connection, "driver", no_driver)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window = make_window(gui_project)
    window.hub.actions["connect_hub"].trigger()
    assert shown and "desktop build" in shown[0] and "pip" not in shown[0]
