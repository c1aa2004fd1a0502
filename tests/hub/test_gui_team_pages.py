"""The Team window's document table pages through the hub: figures, page count, next/previous, filter, order."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_team_documents import team_hub  # noqa: F401 - the fixture: 12 documents in known states

from annotator.hub.team_documents import DocumentFilter, DocumentSort

pytest.importorskip("pytestqt")


def _column(table, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def _choose(qtbot, dialog, combo, value) -> None:
    with qtbot.waitSignal(dialog.page_shown, timeout=20000):
        combo.setCurrentIndex(combo.findData(value))


def test_the_window_shows_a_page_and_moves_through_the_pages(qtbot, team_hub, tmp_path: Path) -> None:  # noqa: F811
    from annotator.gui.hub.team_view import TeamDialog

    hub, docs = team_hub
    dialog = TeamDialog(hub.url("lead1"), tmp_path / "lead.db", page_size=5)
    qtbot.addWidget(dialog)
    try:
        with qtbot.waitSignal(dialog.progress_shown, timeout=20000):
            pass  # the first read started with the dialog
        assert dialog.page_label.text() == "Rows 1-5 of 12"
        assert "12 document(s) on the hub, 10 assigned: 2 done by every analyst holding them, 3 in progress, " \
               "5 not started; 2 held by nobody" in dialog.summary.text()
        assert dialog.documents.rowCount() == 5 and dialog.analysts.rowCount() == 3
        titles = _column(dialog.documents, 0)
        assert titles[0].startswith("Article 0: Officials") and titles[2] == "Beta report"
        assert _column(dialog.documents, 3)[:2] == ["2 of 2 done", "1 of 2 done"]
        assert not dialog.previous_button.isEnabled() and dialog.next_button.isEnabled()
        assert dialog.document_filter.itemText(dialog.document_filter.findData(DocumentFilter.NOT_STARTED)) == "Not started (5)"

        with qtbot.waitSignal(dialog.page_shown, timeout=20000):
            dialog.next_button.click()
        assert dialog.page_label.text() == "Rows 6-10 of 12"
        assert _column(dialog.documents, 0)[0] == "Gamma report"  # document 5
        assert dialog.previous_button.isEnabled() and dialog.next_button.isEnabled()
        with qtbot.waitSignal(dialog.page_shown, timeout=20000):
            dialog.next_button.click()
        assert dialog.page_label.text() == "Rows 11-12 of 12"
        assert _column(dialog.documents, 3) == ["0 of 2 done", "not assigned"]  # documents 10 and 11
        assert not dialog.next_button.isEnabled()
        with qtbot.waitSignal(dialog.page_shown, timeout=20000):
            dialog.previous_button.click()
        assert dialog.page_label.text() == "Rows 6-10 of 12"

        # A state starts again at its first page; its rows and count come from the hub.
        _choose(qtbot, dialog, dialog.document_filter, DocumentFilter.NOT_STARTED)
        assert dialog.page_label.text() == "Rows 1-5 of 5" and not dialog.next_button.isEnabled()
        assert "Alpha report" in _column(dialog.documents, 0)  # document 9
        assert set(_column(dialog.documents, 3)) == {"0 of 2 done"}
        _choose(qtbot, dialog, dialog.document_filter, DocumentFilter.UNASSIGNED)
        assert dialog.page_label.text() == "Rows 1-2 of 2"
        assert _column(dialog.documents, 3) == ["not assigned", "not assigned"]
        _choose(qtbot, dialog, dialog.document_filter, DocumentFilter.IN_PROGRESS)
        _choose(qtbot, dialog, dialog.document_sort, DocumentSort.DONE_RATIO)
        assert dialog.page_label.text() == "Rows 1-3 of 3"
        assert _column(dialog.documents, 3) == ["0 of 2 done", "0 of 1 done", "1 of 2 done"]  # least done first

        # Refresh reads the analysts and the page on screen again, in the chosen state and order.
        with qtbot.waitSignal(dialog.progress_shown, timeout=20000):
            qtbot.waitUntil(lambda: dialog.refresh_button.isEnabled(), timeout=20000)
            dialog.refresh_button.click()
        assert dialog.page_label.text() == "Rows 1-3 of 3" and dialog.analysts.rowCount() == 3
    finally:
        dialog.stop()
