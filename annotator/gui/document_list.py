"""The document list: a lazily loading table model, its search box and status filter.

Rows arrive a page at a time as the view scrolls (``canFetchMore``/``fetchMore``), so a project of
100,000 documents opens as fast as one of 100. Filtering asks the store again.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.model.layer import DocStatus
from annotator.app.document_queries import LEAST_CONFIDENT, DocumentFilter, DocumentRow

PAGE = 200
COLUMNS = ("Title", "Date", "Status", "Spans", "Events")
STATUS_COLOURS = {DocStatus.NEW: "#707070", DocStatus.IN_PROGRESS: "#b36b00", DocStatus.DONE: "#1b7f3b"}

Index = QModelIndex | QPersistentModelIndex
CONTROL_NOTE = (
    "(control document, shown in italics: placed in the order at random rather than by the model, "
    "so that `annotator models` can tell whether the order pays)"
)


class DocumentListModel(QAbstractTableModel):
    """Rows of the store's document listing for one filter."""

    def __init__(self, fetch: Callable[[DocumentFilter, int, int], list[DocumentRow]], parent: QWidget | None = None):
        super().__init__(parent)
        self._fetch = fetch
        self.filter = DocumentFilter()
        self.rows: list[DocumentRow] = []
        self._exhausted = False

    def set_filter(self, f: DocumentFilter) -> None:
        self.beginResetModel()
        self.filter = f
        self.rows = []
        self._exhausted = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted:
            return
        after = self.rows[-1].id if self.rows else 0
        page = self._fetch(self.filter, after, PAGE)
        if len(page) < PAGE:
            self._exhausted = True
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def fetch_new(self) -> None:
        """Look for rows added since the last page was read (ids only grow, so they come last)."""
        if self._exhausted:
            self._exhausted = False
            self.fetchMore(QModelIndex())

    def fetch_until(self, document_id: int) -> int | None:
        """Load pages until ``document_id`` is in the model; its row, or None if filtered out."""
        while True:
            for i, row in enumerate(self.rows):
                if row.id == document_id:
                    return i
            past = self.filter.order == "id" and self.rows and self.rows[-1].id > document_id
            if self._exhausted or past:
                return None
            self.fetchMore(QModelIndex())

    def update_row(self, row: DocumentRow) -> None:
        for i, existing in enumerate(self.rows):
            if existing.id == row.id:
                if existing != row:  # an unchanged row costs no repaint and no column resize
                    self.rows[i] = row
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
                return

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, row.date or "", row.status.title, row.spans, row.events)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            lines = [row.title]
            if row.confidence is not None:
                lines.append(f"(least sure pending suggestion: {row.confidence:.0%})")
            if row.control:
                lines.append(CONTROL_NOTE)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.FontRole and column == 0 and row.control:
            font = QFont()
            font.setItalic(True)  # a control document of the least-confident order (see CONTROL_NOTE)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QColor(STATUS_COLOURS[row.status])
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


class DocumentListPanel(QWidget):
    """Search box, status filter and the list; emits the id of the document the user picks."""

    document_chosen = Signal(int)
    filter_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search text, title or label…")
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        self.status.addItem("All", None)
        for status in DocStatus:
            self.status.addItem(status.title.capitalize(), status)
        # Active learning: the documents the model is least sure of first, where corrections teach most.
        self.order = QComboBox()
        self.order.setObjectName("list_order")
        self.order.addItem("Import order", "id")
        self.order.addItem("Least confident first", LEAST_CONFIDENT)
        self.order.setToolTip(
            "Least confident first: documents whose pending suggestions the model is least sure of, near-copies "
            "spread apart; one in ten (in italics) is a random control"
        )
        self.table = QTableView()
        self.table.setObjectName("documents")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # Titles are long: two lines per row, wrapped at words, the full title in the tooltip.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        lines = self.table.fontMetrics().lineSpacing()
        self.table.verticalHeader().setDefaultSectionSize(2 * lines + 8)
        self.table.setAlternatingRowColors(True)
        self.model: DocumentListModel | None = None
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.order)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.filter_changed)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.status.currentIndexChanged.connect(lambda _: self.filter_changed.emit())
        self.order.currentIndexChanged.connect(lambda _: self.filter_changed.emit())
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)

    def stop(self) -> None:
        """The window is closing: a search typed just before must not query a closed project."""
        self._debounce.stop()

    def set_model(self, model: DocumentListModel) -> None:
        self.model = model
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.model is not None:
            self.document_chosen.emit(self.model.rows[index.row()].id)

    def current_filter(self, layer_id: int | None, suggestion_layer_id: int | None) -> DocumentFilter:
        status = self.status.currentData()  # Qt hands an enum back as its plain string value
        order = str(self.order.currentData() or "id")
        if status == "my_queue":  # added by the team-hub panel
            return DocumentFilter(layer_id, suggestion_layer_id, self.search.text(), None, my_queue=True, order=order)
        return DocumentFilter(
            layer_id, suggestion_layer_id, self.search.text(), DocStatus(status) if status else None, order=order
        )

    def show_document(self, document_id: int) -> None:
        """Select the row of ``document_id`` (loading pages as needed) without emitting a choice."""
        if self.model is None:
            return
        row = self.model.fetch_until(document_id)
        if row is None:
            self.table.clearSelection()
            return
        self.table.blockSignals(True)
        self.table.selectRow(row)
        self.table.blockSignals(False)
        self.table.scrollTo(self.model.index(row, 0))

