"""*Tools > Train from gold*: train a suggester off the UI thread, chart its scores, re-suggest.

Training runs :func:`annotator.learn.trainer.train` in a :class:`~annotator.gui.background.TaskThread`
with its own connection to the project file (a thread, never a forked process: this process runs
Qt's event loop), behind a progress dialog whose Cancel stops it at the next progress report;
nothing is stored until training completes, so a cancelled run leaves the previous model. When it
ends, :class:`ScoresDialog` charts held-out F1 trained vs untrained (entities, triggers, arguments,
then per label and event type) and offers to re-suggest, with the new model, the documents the
analyst has not marked done. Re-suggesting writes only to the new model's suggestions layer
(``trained:N``): the analyst's own layer, and so every decision already taken, is not touched.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.background import TaskThread

TRAIN_MINUTES_SETTING = "train.max_minutes"
"""The time bound of training from the window (minutes; default 10, as ``annotator train``)."""

TRAINED_COLOR = QColor("#2f6fb0")
UNTRAINED_COLOR = QColor("#b0b0b0")
MAX_ROWS = 40


class TrainingCancelled(Exception):
    """Raised from the progress callback when the user pressed Cancel."""


class TrainActions(QObject):
    """The window's training action and what follows it."""

    finished = Signal(object)
    """The :class:`~annotator.learn.trainer.TrainReport`, or None when training failed or was cancelled."""

    def __init__(self, window: Any):
        # No Qt parent and only a weak reference back: the window must be freed as soon as it closes
        # (a cycle kept closed windows, and their timers, alive on a closed project).
        super().__init__()
        self._window = weakref.ref(window)
        self.thread: TaskThread | None = None
        self.progress: QProgressDialog | None = None
        self.scores: ScoresDialog | None = None
        self.error: str | None = None
        self.background = False
        """Whether the running (or last) training was started by the retrain-every-N setting."""
        self._marks_at_start = 0
        self._retry_at = 0
        """After a background training failed: the done count at which to try again (N more)."""

    @property
    def window(self) -> Any:
        return self._window()

    def train_from_gold(self, background: bool = False) -> None:
        """Train; ``background``: started by the retrain setting, so no progress dialog (the window
        stays usable) and no scores dialog, only a message in the status bar."""
        window = self.window
        path = window.store.path
        if path is None:
            if not background:
                QMessageBox.information(window, "Train from gold", "Save the project to a file first: training reads it in the background.")
            return
        if self.thread is not None and self.thread.isRunning():
            return
        minutes = float(window.store.setting(TRAIN_MINUTES_SETTING, 10.0) or 10.0)
        from annotator.store.retrain import done_marks

        self._marks_at_start = done_marks(window.store)  # what this training reads; later marks count for the next

        def work(progress: Callable[[str, int, int | None], None], should_stop: Callable[[], bool]) -> Any:
            from annotator.learn.trainer import TrainOptions, train
            from annotator.store.project import ProjectStore

            def report(phase: str, done: int, total: int | None) -> None:
                if should_stop():
                    raise TrainingCancelled("training was cancelled; the previous model is unchanged")
                progress(phase, done, total)

            with ProjectStore.open(path) as store:
                return train(store, TrainOptions(max_minutes=minutes), progress=report)

        thread = TaskThread(work, self)
        thread.progressed.connect(self._progressed)
        thread.succeeded.connect(self._succeeded)
        thread.failed.connect(self._failed)
        self.thread, self.progress, self.error, self.background = thread, None, None, background
        if background:
            window.say("Retraining from gold in the background…")
        else:
            dialog = QProgressDialog("Training from gold: reading the layer…", "Cancel", 0, 0, window)
            dialog.setWindowTitle("Train from gold")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoReset(False)
            dialog.setAutoClose(False)
            dialog.canceled.connect(thread.cancel)
            self.progress = dialog
            dialog.show()
        thread.start()

    def document_done(self) -> bool:
        """The analyst marked a document done: start a background training when the project's
        retrain setting says one is due (never while one runs). Returns whether one started."""
        from annotator.store.retrain import done_since_last_model, retrain_every

        window = self.window
        if self.thread is not None and self.thread.isRunning():
            return False
        every = retrain_every(window.store)
        if every <= 0 or window.store.path is None:
            return False
        done = done_since_last_model(window.store)
        if done < max(every, self._retry_at):
            return False
        self.train_from_gold(background=True)
        return self.thread is not None and self.thread.isRunning()

    def retrain_settings(self) -> None:
        """Tools > Retrain automatically…: ask for N (0: off)."""
        from PySide6.QtWidgets import QInputDialog

        from annotator.store.retrain import retrain_every

        window = self.window
        every, ok = QInputDialog.getInt(
            window, "Retrain automatically",
            "Retrain from gold in the background after every N documents marked done (0: never):",
            retrain_every(window.store), 0, 100_000,
        )
        if ok:
            self.set_retrain_every(every)

    def set_retrain_every(self, every: int) -> None:
        from annotator.store.retrain import set_retrain_every

        set_retrain_every(self.window.store, every)
        self._retry_at = 0
        self.window.say(f"Retraining in the background after every {every} documents marked done." if every else "Retraining in the background is off.")

    def _progressed(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"Training from gold: {phase}…")
            self.progress.setMaximum(max(total, 0))
            self.progress.setValue(min(done, total) if total else 0)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.close()
            self.progress = None

    def _succeeded(self, report: Any) -> None:
        from annotator.store.retrain import remember_baseline

        self._close_progress()
        self._retry_at = 0
        if report.model is not None:
            remember_baseline(self.window.store, report.model.name, self._marks_at_start)
        if self.background:
            # No dialog in the analyst's way: the suggester restarts on the new model, so the next
            # documents opened get its suggestions; decisions already taken are in the analyst's layer.
            window = self.window
            window.suggestions.stop()
            window.suggestions = window._start_suggestions()
            window.say(
                f"Retrained {report.model.name} in the background from {report.documents} document(s) of "
                f"{report.layer!r} (its scores: annotator models)."
            )
        else:
            self.window.say(f"Trained {report.model.name} from {report.documents} document(s) of {report.layer!r}.")
            self.scores = ScoresDialog(report, self.window)
            self.scores.resuggest_requested.connect(self.resuggest)
            self.scores.show()
        self.finished.emit(report)

    def _failed(self, message: str) -> None:
        self._close_progress()
        self.error = message
        self.window.say(f"Training: {message}", error=True)
        if self.background:
            # Try again after N more documents, not after every one (the same data would fail again).
            from annotator.store.retrain import done_since_last_model, retrain_every

            self._retry_at = done_since_last_model(self.window.store) + retrain_every(self.window.store)
        elif "cancelled" not in message:
            QMessageBox.warning(self.window, "Train from gold", message)
        self.finished.emit(None)

    def resuggest(self) -> list[int]:
        """Restart the suggester on the new model and ask it for every document the analyst has not
        marked done; returns their ids."""
        from annotator.model.layer import DocStatus

        window = self.window
        window.suggestions.stop()
        window.suggestions = window._start_suggestions()
        layer_id = window.session.layer_id  # None until the analyst's first edit: nothing done yet
        statuses = window.store.statuses(layer_id) if layer_id is not None else {}
        done = {d for d, s in statuses.items() if s is DocStatus.DONE}
        wanted = [d for d in window.store.document_ids() if d not in done]
        for document_id in wanted:
            window.suggestions.request(document_id)
        window.refresh("status")
        return wanted


def chart_rows(report: Any) -> list[tuple[str, float, float]]:
    """``(title, trained F1, untrained F1)``: the three measures, then each label and event type the gold has."""
    trained, untrained = report.trained, report.untrained
    rows = [
        ("entities", trained["spans_exact"]["f1"], untrained["spans_exact"]["f1"]),
        ("event triggers", trained["event_triggers"]["f1"], untrained["event_triggers"]["f1"]),
        ("event arguments", trained["event_arguments"]["f1"], untrained["event_arguments"]["f1"]),
    ]
    for label, scores in trained["per_label"].items():
        if scores["spans_exact"]["gold"]:
            other = untrained["per_label"].get(label, {}).get("spans_exact", {}).get("f1", 0.0)
            rows.append((f"  {label}", scores["spans_exact"]["f1"], other))
    for kind, scores in trained["per_event_type"].items():
        if scores["event_triggers"]["gold"]:
            other = untrained["per_event_type"].get(kind, {}).get("event_triggers", {}).get("f1", 0.0)
            rows.append((f"  {kind} (trigger)", scores["event_triggers"]["f1"], other))
    return rows[:MAX_ROWS]


class ScoreChart(QWidget):
    """Horizontal bars: trained (blue) above untrained (grey) F1 for each row."""

    ROW = 30

    def __init__(self, rows: list[tuple[str, float, float]], parent: QWidget | None = None):
        super().__init__(parent)
        self.rows = rows
        self.setMinimumSize(520, self.ROW * len(rows) + 30)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        label_width = 200
        width = max(50, self.width() - label_width - 60)
        painter.setPen(Qt.GlobalColor.black)
        painter.drawText(QRectF(label_width, 0, width, 20), Qt.AlignmentFlag.AlignLeft, "held-out F1: trained (blue), untrained (grey)")
        for n, (title, trained, untrained) in enumerate(self.rows):
            top = 24 + n * self.ROW
            painter.setPen(Qt.GlobalColor.black)
            painter.drawText(QRectF(0, top, label_width - 8, self.ROW - 4), Qt.AlignmentFlag.AlignVCenter, metrics.elidedText(title, Qt.TextElideMode.ElideRight, label_width - 8))
            for k, (value, color) in enumerate(((trained, TRAINED_COLOR), (untrained, UNTRAINED_COLOR))):
                bar = QRectF(label_width, top + 2 + k * 12, max(1.0, width * value), 10)
                painter.fillRect(bar, color)
                painter.drawText(QRectF(label_width + width * value + 4, top + k * 12, 50, 14), Qt.AlignmentFlag.AlignVCenter, f"{value:.2f}")
        painter.end()


class ScoresDialog(QDialog):
    """The scores of a finished training and the offer to re-suggest."""

    resuggest_requested = Signal()

    def __init__(self, report: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Trained {report.model.name if report.model else 'model'}")
        layout = QVBoxLayout(self)
        folds = report.trained["documents"]
        layout.addWidget(QLabel(
            f"Trained from layer <b>{report.layer}</b> ({report.documents} documents) in {report.seconds:.0f} s. "
            f"Scores are on held-out documents ({folds} in all, cross-validated), trained vs the untrained suggester."
        ))
        self.chart = ScoreChart(chart_rows(report))
        scroll = QScrollArea()
        scroll.setWidget(self.chart)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll)
        from annotator.gui.model_savings import savings_panel  # issue 19: what the model saves

        layout.addWidget(savings_panel(report, parent))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.resuggest_button = QPushButton("Re-suggest documents not done")
        self.resuggest_button.setToolTip("Suggest again, with the new model, for every document you have not marked done; your decisions stay as they are")
        buttons.addButton(self.resuggest_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.resuggest_button.clicked.connect(self.resuggest_requested.emit)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 480)
