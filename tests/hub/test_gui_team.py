"""Review > Team progress…: a lead sees each analyst's progress and their agreement, from a real hub."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import annotate, lead_project
from test_gui_hub import _dispose, _window

from annotator.hub.admin import assign, connect_project, push_corpus
from annotator.hub.sync import sync_project
from annotator.model.layer import DocStatus
from annotator.store.project import ProjectStore

pytest.importorskip("pytestqt")


def _cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _team(hub, tmp_path: Path) -> tuple[Path, str, str]:
    """12 documents, each assigned to 2 of ann1, ann2, ann3 (8 each); ann1 and ann2 work on the
    documents they share; returns the lead's project and the two shared documents' hashes."""
    lead_path = tmp_path / "lead.db"
    with lead_project(lead_path) as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    assign(hub.url("lead1"), 2, ["ann1", "ann2", "ann3"])
    stores = {}
    for name in ("ann1", "ann2", "ann3"):
        stores[name] = ProjectStore.open(tmp_path / f"{name}.db")
        connect_project(stores[name], hub.url(name))
        sync_project(stores[name])
    one, two = stores["ann1"], stores["ann2"]
    hashes = lambda s: {d.content_hash for d in s.documents()}  # noqa: E731
    shared = sorted(hashes(one) & hashes(two))
    assert len(shared) >= 2  # 8 each out of 12: at least 4 in common
    first, second = shared[0], shared[1]
    # ann1: ORG on "Article" in two shared documents; ann2 agrees on one span and adds another.
    for h in (first, second):
        annotate(one, "ann1", one.find_document(h), 0, 7, "ORG")  # type: ignore[arg-type]
    annotate(two, "ann2", two.find_document(first), 0, 7, "ORG")  # type: ignore[arg-type]
    annotate(two, "ann2", two.find_document(first), 12, 26, "GPE")  # type: ignore[arg-type]
    annotate(two, "ann2", two.find_document(second), 0, 7, "ORG")  # type: ignore[arg-type]
    one.set_status(one.layer("ann1").id, one.find_document(first), DocStatus.DONE)  # type: ignore[union-attr,arg-type]
    one.set_status(one.layer("ann1").id, one.find_document(second), DocStatus.IN_PROGRESS)  # type: ignore[union-attr,arg-type]
    two.set_status(two.layer("ann2").id, two.find_document(first), DocStatus.DONE)  # type: ignore[union-attr,arg-type]
    for store in stores.values():
        sync_project(store)
        store.close()
    with ProjectStore.open(lead_path) as lead:
        sync_project(lead)  # the lead's copy now holds both analysts' layers
    return lead_path, first, second


def test_lead_sees_progress_coverage_and_agreement(qtbot, hub, tmp_path: Path) -> None:
    lead_path, first, second = _team(hub, tmp_path)
    window = _window(qtbot, lead_path, "lead1")
    try:
        qtbot.waitUntil(lambda: window.hub.state == "synced", timeout=20000)  # the window's own first sync
        window.hub.actions["team_progress"].trigger()
        dialog = window.hub.team
        with qtbot.waitSignal(dialog.agreement_shown, timeout=20000):
            pass  # progress first, then agreement over the analysts the hub names
        rows = {row[0]: row for row in _cells(dialog.analysts)}
        assert [r[:5] for r in rows.values()] == [
            ["ann1", "8", "1", "1", "6"],
            ["ann2", "8", "1", "1", "6"],  # annotating a document puts it in progress
            ["ann3", "8", "0", "0", "8"],
        ]
        assert rows["ann1"][5] != "never" and rows["ann1"][6] != "never"  # ann1 sent work
        assert rows["ann3"][6] == "never"  # ann3 has changed nothing on the hub
        documents = _cells(dialog.documents)
        assert len(documents) == 12 and all(d[1] == "2" for d in documents)
        with ProjectStore.open(lead_path) as lead:
            shared = lead.document(lead.find_document(first))  # type: ignore[arg-type]
            title = shared.title or shared.text[:60]
        assert [d[3] for d in documents if d[0] == title] == ["2 of 2 done"]
        assert sum(d[3] == "0 of 2 done" for d in documents) == 11
        # Agreement of ann1 and ann2 over their two annotated shared documents: 2 matches, 2 + 3 spans.
        pairs = {(r[0], r[1]): r for r in _cells(dialog.agreement)}
        assert list(pairs) == [("ann1", "ann2")]
        assert pairs[("ann1", "ann2")][2] == "2"
        assert pairs[("ann1", "ann2")][3] == f"{2 * 2 / (2 + 3):.3f}"
        assert "ann3" in dialog.agreement_summary.text()  # nothing synced from ann3 yet
        # Refresh reads the hub again: ann2 finishes the second document.
        with ProjectStore.open(tmp_path / "ann2.db") as two:
            document = two.find_document(second)
            two.set_status(two.layer("ann2").id, document, DocStatus.DONE)  # type: ignore[union-attr,arg-type]
            sync_project(two)
        with qtbot.waitSignal(dialog.agreement_shown, timeout=20000):
            dialog.refresh_button.click()
        rows = {row[0]: row for row in _cells(dialog.analysts)}
        assert rows["ann2"][:5] == ["ann2", "8", "2", "0", "6"]
        assert "1 of 2 done" in [d[3] for d in _cells(dialog.documents)]  # the second: ann2 done, ann1 not
        # Closed and opened again from the menu: the same dialog, read again.
        dialog.close()
        with qtbot.waitSignal(dialog.agreement_shown, timeout=20000):
            window.hub.actions["team_progress"].trigger()
        assert window.hub.team is dialog and dialog.isVisible()
    finally:
        _dispose(window)


def test_an_analyst_is_told_the_team_view_is_for_leads(qtbot, hub, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "ann1.db"
    with ProjectStore.open(path) as store:
        connect_project(store, hub.url("ann1"))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    window = _window(qtbot, path, "ann1")
    try:
        window.hub.actions["team_progress"].trigger()
        assert told and "lead or reviewer" in told[0]
        assert getattr(window.hub, "team", None) is None
    finally:
        _dispose(window)


def test_offline_lead_still_sees_agreement_of_the_synced_copy(qtbot, tmp_path: Path, pg_server) -> None:
    from annotator.model.layer import LayerKind
    from annotator.store import hub_local

    path = tmp_path / "lead.db"
    with lead_project(path) as store:
        url = f"postgresql://lead1@/nohub?host={tmp_path}/gone&port=1"
        hub_local.link(store, url, "lead1", "lead", [("lead1", LayerKind.ANNOTATOR)])
        first = store.document_ids()[0]
        annotate(store, "ann1", first, 0, 7, "ORG")
        annotate(store, "ann2", first, 0, 7, "PERSON")
    window = _window(qtbot, path, "lead1")
    try:
        window.hub.actions["team_progress"].trigger()
        dialog = window.hub.team
        with qtbot.waitSignal(dialog.agreement_shown, timeout=20000):
            pass
        assert "cannot be read" in dialog.summary.text() and "cannot reach" in dialog.summary.text()
        assert dialog.analysts.rowCount() == 0
        # Offline, every annotator layer of the copy is compared; the lead's own layer is empty, so left out.
        pairs = _cells(dialog.agreement)
        assert [(r[0], r[1], r[2], r[3]) for r in pairs] == [("ann1", "ann2", "1", "0.000")]
        assert "lead1" in dialog.agreement_summary.text()  # named as having nothing synced
    finally:
        _dispose(window)
