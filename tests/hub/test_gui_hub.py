"""The window with a team hub: indicator, background sync, My queue, Connect to team hub…."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import annotate, hub_spans, lead_project

from annotator.hub.admin import assign, connect_project, push_corpus
from annotator.model.layer import DocStatus, LayerKind
from annotator.store import hub_local
from annotator.store.project import ProjectStore

pytest.importorskip("pytestqt")


@pytest.fixture
def analyst_file(hub, tmp_path: Path) -> Path:
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    assign(hub.url("lead1"), 1, ["ann1", "ann2"])  # six documents each
    path = tmp_path / "ann1.db"
    with ProjectStore.open(path) as store:
        connect_project(store, hub.url("ann1"))
    return path


def _window(qtbot, path: Path, user: str):
    from annotator.gui.main_window import MainWindow

    store = ProjectStore.open(path)
    window = MainWindow(store, user)  # disposed of by _dispose, not qtbot (it deletes the window at once)
    window.show()
    return window


def _dispose(window) -> None:
    """Close the window and delete it now, so no later test finds it among the top-level windows."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()
    window.store.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_background_sync_indicator_and_my_queue(qtbot, hub, analyst_file: Path) -> None:
    window = _window(qtbot, analyst_file, "ann1")
    try:
        qtbot.waitUntil(lambda: window.hub.indicator.text() == "Hub: synced", timeout=20000)
        assert window.store.count_documents() == 6
        # My queue: assigned and not done.
        document = window.store.document_ids()[0]
        window.store.set_status(window.store.layer("ann1").id, document, DocStatus.DONE)  # type: ignore[union-attr]
        combo = window.list_panel.status
        combo.setCurrentIndex(combo.findData("my_queue"))
        qtbot.waitUntil(lambda: window.list_panel.model is not None and len(window.list_panel.model.rows) == 5)
        assert document not in [row.id for row in window.list_panel.model.rows]  # type: ignore[union-attr]
        # An edit reaches the hub on the next background sync, without the window waiting for it.
        span = annotate(window.store, "ann1", document, 0, 7, "ORG")
        window.hub.sync_now()
        qtbot.waitUntil(lambda: window.hub.indicator.text() == "Hub: synced" and hub_local.pending_count(window.store) == 0, timeout=20000)
        with hub.admin() as conn:
            assert span.uid in hub_spans(conn, "ann1")
    finally:
        _dispose(window)


def test_unreachable_hub_shows_offline(qtbot, tmp_path: Path, pg_server) -> None:
    path = tmp_path / "lonely.db"
    with ProjectStore.open(path) as store:
        hub_local.link(store, f"postgresql://ann1@/nohub?host={tmp_path}/gone&port=1", "ann1", "analyst", [("ann1", LayerKind.ANNOTATOR)])
    window = _window(qtbot, path, "ann1")
    try:
        qtbot.waitUntil(lambda: window.hub.indicator.text() == "Hub: offline", timeout=20000)
        assert "cannot reach" in window.hub.indicator.toolTip()
    finally:
        _dispose(window)


def test_connect_to_team_hub_from_the_file_menu(qtbot, hub, analyst_file: Path, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    path = tmp_path / "ann2.db"
    ProjectStore.open(path).close()
    window = _window(qtbot, path, "ann2")
    try:
        assert window.hub.indicator.text() == ""
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (hub.url("ann2"), True))
        window.hub.actions["connect_hub"].trigger()
        qtbot.waitUntil(lambda: window.hub.indicator.text() == "Hub: synced", timeout=20000)
        assert window.store.count_documents() == 6
        assert hub_local.get_link(window.store).user == "ann2"  # type: ignore[union-attr]
        assert "password" not in hub_local.get_link(window.store).url  # type: ignore[union-attr]
    finally:
        _dispose(window)


def test_an_edit_is_sent_shortly_after_without_waiting_for_the_timer(qtbot, hub, analyst_file: Path) -> None:
    window = _window(qtbot, analyst_file, "ann1")
    try:
        qtbot.waitUntil(lambda: window.hub.indicator.text() == "Hub: synced", timeout=20000)
        window.hub.timer.stop()  # no background tick: only the edit can start the sync
        document = window.store.document_ids()[0]
        window.open_document(document)
        assert window.session.set_status(DocStatus.DONE) is None  # a user action in the window
        assert window.hub.push_soon.isActive()
        content_hash = window.store.document(document).content_hash  # type: ignore[union-attr]

        def on_hub() -> bool:
            with hub.admin() as conn:
                return conn.execute(
                    "SELECT status FROM statuses WHERE layer = 'ann1' AND document = %s", (content_hash,)
                ).fetchone() == ("done",)

        qtbot.waitUntil(on_hub, timeout=20000)
    finally:
        _dispose(window)
