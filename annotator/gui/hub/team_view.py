"""Review > Team progress…: the team's progress and agreement for a lead (or reviewer) on a hub.

Three tables: per analyst (assigned, done, in progress, not started, last sent, last change on
the hub), per document (how many of the analysts holding it are done) and agreement between the
analysts' layers, pair by pair. Progress is read from the hub
(:func:`annotator.hub.team.team_progress`) and agreement computed on this project's synced copy
(:func:`annotator.review.team_agreement.team_agreement`), each in a thread with its own
connection, so the window never waits on the network or the computation. Refresh reads both again.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
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
    agreement_shown = Signal()
    """The agreement (or why it could not be computed) is on screen."""

    def __init__(self, url: str, store_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
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
        layout.addWidget(self.documents, 2)
        layout.addWidget(QLabel("Agreement between the analysts' layers (this project's synced copy):"))
        layout.addWidget(self.agreement_summary)
        layout.addWidget(self.agreement, 1)
        layout.addWidget(buttons)
        self.resize(900, 720)
        self.progress: Any = None
        self.report: Any = None
        self._tasks: list[TaskThread] = []
        self.refresh()

    # -- work off the UI thread -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the hub's progress, then compute agreement over the analysts it names."""
        if any(task.isRunning() for task in self._tasks):
            return
        self.refresh_button.setEnabled(False)
        self.summary.setText("Reading the team's progress from the hub…")
        url = self.url

        def work(progress: Any, should_stop: Any) -> Any:
            from annotator.hub.team import team_progress

            return team_progress(url)

        self._run(work, self._show_progress, self._progress_failed)

    def _run(self, work: Any, done: Any, failed: Any) -> None:
        task = TaskThread(work, self)
        task.succeeded.connect(done)
        task.failed.connect(failed)
        task.finished.connect(lambda: self._tasks.remove(task) if task in self._tasks else None)
        self._tasks.append(task)
        task.start()

    def _agree(self, names: list[str] | None) -> None:
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
        self.progress = team
        assigned = sum(1 for d in team.documents if d.assigned)
        self.summary.setText(
            f"{len(team.analysts)} analyst(s) · {len(team.documents)} document(s) on the hub, {assigned} assigned, "
            f"{team.fully_done} done by every analyst holding them"
        )
        _fill(self.analysts, [
            [a.analyst, *map(str, (a.assigned, a.done, a.in_progress, a.not_started)), _when(a.last_sent), _when(a.last_change)]
            for a in team.analysts
        ])
        _fill(self.documents, [
            [d.title, str(d.assigned), str(d.done), f"{d.done} of {d.assigned} done" if d.assigned else "not assigned"]
            for d in team.documents
        ])
        self.progress_shown.emit()
        self._agree([a.analyst for a in team.analysts])

    def _progress_failed(self, message: str) -> None:
        self.summary.setText(f"The hub's progress cannot be read: {message}")
        self.progress_shown.emit()
        self._agree(None)  # offline: agreement of the annotator layers already synced here

    def _show_agreement(self, result: Any) -> None:
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
