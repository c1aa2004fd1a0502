"""Review > Team progress…: the team's progress and agreement for a lead (or reviewer) on a hub.

Three tables: per analyst (assigned, done, in progress, not started, last sent, last change on
the hub), per document (how many of the analysts holding it are done) and agreement between the
analysts' layers, pair by pair. Progress is read from the hub
(:func:`annotator.hub.team.team_progress`) and agreement computed on this project's synced copy
(:func:`annotator.review.team_agreement.team_agreement`), each in a thread with its own
connection, so the window never waits on the network or the computation. Refresh reads both again.

The document table shows one page (200 documents) of one state (all, not started, in progress,
fully done, held by nobody) in one order; the hub filters, sorts and counts
(:mod:`annotator.hub.team_documents`), so opening the window never reads the whole corpus, and
Previous / Next / the two choosers read another page in a thread, one short read each.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.review.agreement_view import FIGURE_NAMES, FIGURES
from annotator.gui.background import TaskThread
from annotator.hub.team_documents import FILTER_NAMES, PAGE_SIZE, SORT_NAMES, DocumentFilter, DocumentSort

ANALYST_COLUMNS = ("Analyst", "Assigned", "Done", "In progress", "Not started", "Last sent to hub", "Last change on hub")
DOCUMENT_COLUMNS = ("Document", "Analysts", "Done", "Coverage")


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else "never"


def _table(name: str, headers: tuple[str, ...] | list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(value))


class TeamDialog(QDialog):
    progress_shown = Signal()
    """The hub's figures (or why they could not be read) are on screen."""
    page_shown = Signal()
    """Another page of documents (Previous, Next, a filter or an order), or why it could not be read, is on screen."""
    agreement_shown = Signal()
    """The agreement (or why it could not be computed) is on screen."""

    def __init__(self, url: str, store_path: Path, parent: QWidget | None = None, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self.page_size = page_size
        self.setObjectName("team")
        self.setWindowTitle("Team progress and agreement")
        self.url = url
        self.store_path = store_path
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.analysts = _table("team_analysts", ANALYST_COLUMNS)
        self.documents = _table("team_documents", DOCUMENT_COLUMNS)
        # Titles take the room left (elided), so a long one does not push the counts out of sight.
        self.documents.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.document_filter = QComboBox()
        self.document_filter.setObjectName("team_document_filter")
        for which, name in FILTER_NAMES.items():
            self.document_filter.addItem(name, which)
        self.document_sort = QComboBox()
        self.document_sort.setObjectName("team_document_sort")
        for order, name in SORT_NAMES.items():
            self.document_sort.addItem(name, order)
        self.page_label = QLabel()
        self.page_label.setObjectName("team_document_rows")
        self.previous_button = QPushButton("&Previous page")
        self.next_button = QPushButton("&Next page")
        self.document_filter.currentIndexChanged.connect(lambda _: self._read_page(0))
        self.document_sort.currentIndexChanged.connect(lambda _: self._read_page(0))
        self.previous_button.clicked.connect(lambda: self._read_page(max(0, self.offset - self.page_size)))
        self.next_button.clicked.connect(lambda: self._read_page(self.offset + self.page_size))
        paging = QHBoxLayout()
        paging.addWidget(QLabel("Show:"))
        paging.addWidget(self.document_filter)
        paging.addWidget(QLabel("Order:"))
        paging.addWidget(self.document_sort)
        paging.addStretch(1)
        paging.addWidget(self.page_label)
        paging.addWidget(self.previous_button)
        paging.addWidget(self.next_button)
        self.agreement_summary = QLabel()
        self.agreement_summary.setWordWrap(True)
        for label in (self.summary, self.agreement_summary):  # the tables shrink, never the text above them
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        headers = ["Annotator A", "Annotator B", "Documents", *(FIGURE_NAMES[f] for f in FIGURES)]
        self.agreement = _table("team_agreement", headers)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("Per analyst (from the hub):"))
        layout.addWidget(self.analysts, 2)
        layout.addWidget(QLabel("Per document: how many of the analysts holding it are done:"))
        layout.addLayout(paging)
        layout.addWidget(self.documents, 2)
        layout.addWidget(QLabel("Agreement between the analysts' layers (this project's synced copy):"))
        layout.addWidget(self.agreement_summary)
        layout.addWidget(self.agreement, 1)
        layout.addWidget(buttons)
        self.resize(900, 720)
        self.progress: Any = None
        self.page: Any = None
        """The document page on screen (:class:`annotator.hub.team_documents.DocumentPage`)."""
        self.offset = 0
        self.report: Any = None
        self._tasks: list[TaskThread] = []
        # A read of the hub (progress or a page) or agreement under way; set and cleared on the UI
        # thread (a task's thread may still be ending when its result arrives, so not isRunning()).
        self._hub_busy = self._agreement_busy = False
        self._paging(False)
        self.refresh()

    # -- work off the UI thread -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the hub's progress, then compute agreement over the analysts it names."""
        if self._hub_busy or self._agreement_busy:
            return
        self.refresh_button.setEnabled(False)
        self._paging(False)
        self.summary.setText("Reading the team's progress from the hub…")
        url, which, order, offset, size = self.url, self._filter(), self._sort(), self.offset, self.page_size

        def work(progress: Any, should_stop: Any) -> Any:
            from annotator.hub.team import team_progress

            return team_progress(url, which, order, offset, size)

        self._hub_busy = True
        self._run(work, self._show_progress, self._progress_failed)

    def _read_page(self, offset: int) -> None:
        """Another page of the document table, read from the hub in a thread (one short read)."""
        if self.page is None or self._hub_busy:
            return  # the choosers and buttons are disabled while the hub is read; this is a late signal
        self._paging(False)
        self.page_label.setText("Reading…")
        url, which, order, size = self.url, self._filter(), self._sort(), self.page_size

        def work(progress: Any, should_stop: Any) -> Any:
            from annotator.hub.team_documents import document_page

            return document_page(url, which, order, offset, size)

        self._hub_busy = True
        self._run(work, self._show_page, self._page_failed)

    def _filter(self) -> DocumentFilter:
        return DocumentFilter(self.document_filter.currentData())

    def _sort(self) -> DocumentSort:
        return DocumentSort(self.document_sort.currentData())

    def _paging(self, enabled: bool) -> None:
        page = self.page if enabled else None
        self.document_filter.setEnabled(enabled)
        self.document_sort.setEnabled(enabled)
        self.previous_button.setEnabled(page is not None and page.has_previous)
        self.next_button.setEnabled(page is not None and page.has_next)

    def _run(self, work: Any, done: Any, failed: Any) -> None:
        task = TaskThread(work, self)
        task.succeeded.connect(done)
        task.failed.connect(failed)
        task.finished.connect(lambda: self._tasks.remove(task) if task in self._tasks else None)
        self._tasks.append(task)
        task.start()

    def _agree(self, names: list[str] | None) -> None:
        self._agreement_busy = True
        self.agreement_summary.setText("Computing agreement…")
        path = self.store_path

        def work(progress: Any, should_stop: Any) -> Any:
            from annotator.review.agreement import default_layers
            from annotator.review.team_agreement import team_agreement
            from annotator.app.workspace import connect

            with connect(path) as store:
                return team_agreement(store, names if names is not None else default_layers(store), should_stop)

        self._run(work, self._show_agreement, self._agreement_failed)

    # -- back on the UI thread --------------------------------------------------------------

    def _show_progress(self, team: Any) -> None:
        self._hub_busy = False
        self.progress = team
        self._fill_page(team.page)
        _fill(self.analysts, [
            [a.analyst, *map(str, (a.assigned, a.done, a.in_progress, a.not_started)), _when(a.last_sent), _when(a.last_change)]
            for a in team.analysts
        ])
        self.progress_shown.emit()
        self._agree([a.analyst for a in team.analysts])

    def _fill_page(self, page: Any) -> None:
        self.page, self.offset = page, page.offset
        figures = page.summary
        analysts = len(self.progress.analysts) if self.progress is not None else 0
        self.summary.setText(
            f"{analysts} analyst(s) · {figures.documents:,} document(s) on the hub, {figures.assigned:,} assigned: "
            f"{figures.fully_done:,} done by every analyst holding them, {figures.in_progress:,} in progress, "
            f"{figures.not_started:,} not started; {figures.unassigned:,} held by nobody"
        )
        for i in range(self.document_filter.count()):  # each state's count, so a lead sees where to look
            which = DocumentFilter(self.document_filter.itemData(i))
            self.document_filter.setItemText(i, f"{FILTER_NAMES[which]} ({figures.count(which):,})")
        _fill(self.documents, [
            [d.title, str(d.assigned), str(d.done), f"{d.done} of {d.assigned} done" if d.assigned else "not assigned"]
            for d in page.rows
        ])
        if page.rows:
            self.page_label.setText(f"Rows {page.offset + 1:,}-{page.offset + len(page.rows):,} of {page.total:,}")
        else:
            self.page_label.setText(f"No rows here (of {page.total:,})" if page.total else "No documents")
        self._paging(True)

    def _show_page(self, page: Any) -> None:
        self._hub_busy = False
        self._fill_page(page)
        self.page_shown.emit()

    def _page_failed(self, message: str) -> None:
        self._hub_busy = False
        self.page_label.setText(f"This page cannot be read: {message}")
        self._paging(self.page is not None)
        self.page_shown.emit()

    def _progress_failed(self, message: str) -> None:
        self._hub_busy = False
        self.summary.setText(f"The hub's progress cannot be read: {message}")
        self.progress_shown.emit()
        self._agree(None)  # offline: agreement of the annotator layers already synced here

    def _show_agreement(self, result: Any) -> None:
        self._agreement_busy = False
        self.report = result
        parts = []
        if len(result.annotators) < 2:
            parts.append("Agreement needs the work of at least two analysts in this project; sync brings it in.")
        else:
            parts.append(
                f"Krippendorff's alpha (token labels, {', '.join(result.annotators)}) over {result.alpha_documents} "
                f"document(s) at least two of them hold: {result.alpha:.3f}"
            )
        if result.unshared:
            parts.append("No document in common: " + ", ".join(f"{a} / {b}" for a, b in result.unshared))
        if result.missing:
            parts.append("Nothing synced yet from: " + ", ".join(result.missing))
        self.agreement_summary.setText("\n".join(parts))
        _fill(self.agreement, [
            [p["a"], p["b"], str(p["documents"]), *(f"{p[f]:.3f}" if isinstance(p.get(f), float) else "no data" for f in FIGURES)]
            for p in result.pairs
        ])
        self.refresh_button.setEnabled(True)
        self.agreement_shown.emit()

    def _agreement_failed(self, message: str) -> None:
        self._agreement_busy = False
        self.agreement_summary.setText(f"Agreement cannot be computed: {message}")
        self.refresh_button.setEnabled(True)
        self.agreement_shown.emit()

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        # Closing never waits on the network: a read still running ends in the background
        # (the dialog lives on with the window, which waits for it in :meth:`stop`).
        for task in self._tasks:
            task.cancel()
        super().done(result)

    def stop(self) -> None:
        """Wait for the reads still running (the window is closing)."""
        for task in list(self._tasks):
            task.cancel()
            task.wait()
