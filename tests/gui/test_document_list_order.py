"""The document list marks the least-confident order's control documents."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.gui.document_list import DocumentListModel
from annotator.model.layer import DocStatus
from annotator.store.listing import DocumentRow


def test_control_documents_are_in_italics_with_a_tooltip_saying_why(qtbot) -> None:
    rows = [DocumentRow(1, "Chosen", None, DocStatus.NEW, 0, 1, 0.2), DocumentRow(2, "Drawn", None, DocStatus.NEW, 0, 1, 0.9, True)]
    model = DocumentListModel(lambda f, after, limit: [r for r in rows if r.id > after][:limit])
    model.fetchMore()
    chosen, drawn = model.index(0, 0), model.index(1, 0)
    assert model.data(chosen, Qt.ItemDataRole.FontRole) is None
    assert model.data(drawn, Qt.ItemDataRole.FontRole).italic()
    assert "control" in model.data(drawn, Qt.ItemDataRole.ToolTipRole)
    assert "control" not in model.data(chosen, Qt.ItemDataRole.ToolTipRole)
    assert "20%" in model.data(chosen, Qt.ItemDataRole.ToolTipRole)
