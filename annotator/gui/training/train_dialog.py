"""*Tools > Train a suggester…*: pick the layer, train off the UI thread, chart its scores, choose the suggester.

The analyst picks the layer and status (:class:`~annotator.gui.training.train_setup.TrainSetupDialog`, as
``annotator train --layer --status``). Training runs :func:`annotator.learn.trainer.train` in a
:class:`~annotator.gui.background.TaskThread` with its own connection to the project file (a
thread, never a forked process: this process runs Qt's event loop), behind a progress dialog whose
Cancel stops it at the next progress report; nothing is stored until training completes, so a
cancelled run leaves the previous model. An expected condition (too few documents) comes back as a
message, not an exception. A new model that measured worse than what suggested before is stored
but not adopted (:func:`~annotator.gui.training.train_setup.train_and_judge`). :class:`ScoresDialog` charts
held-out F1 trained vs untrained with example counts, says which is better, and offers to use the
new model and re-suggest the documents the analyst has not marked done (the default button keeps
the better one; :mod:`~annotator.gui.training.scores_dialog`). Re-suggesting writes only to the new model's suggestions layer (``trained:N``):
the analyst's own layer, and so every decision already taken, is not touched.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog

from annotator.app.change import Change
from annotator.gui.background import TaskThread
from annotator.gui.training.scores_dialog import ScoresDialog
from annotator.gui.training.train_setup import TrainFailure, TrainOutcome, TrainSetupDialog, train_and_judge
from annotator.gui.training.training_progress import SCALE, OverallProgress

if TYPE_CHECKING:
    from annotator.gui.window_api import SuggestingWindow

TRAIN_MINUTES_SETTING = "train.max_minutes"
"""The time bound of training from the window (minutes; default 10, as ``annotator train``)."""



class TrainingCancelled(Exception):
    """Raised from the progress callback when the user pressed Cancel."""


class TrainActions(QObject):
    """The window's training action and what follows it."""

    finished = Signal(object)
    """The :class:`~annotator.learn.trainer.TrainReport`, or None when training failed or was cancelled."""

    def __init__(self, window: SuggestingWindow):
        # No Qt parent and only a weak reference back: the window must be freed as soon as it closes
        # (a cycle kept closed windows, and their timers, alive on a closed project).
        super().__init__()
        self._window = weakref.ref(window)
        self.thread: TaskThread | None = None
        self.progress: QProgressDialog | None = None
        self.scores: ScoresDialog | None = None
        self.resuggesting: Any = None  # the re-suggest run the status bar follows (gui/resuggest_progress.py)
        self.error: str | None = None
        self.background = False
        """Whether the running (or last) training was started by the retrain-every-N setting."""
        self._marks_at_start = 0
        self._state_at_start: list = []
        self._layer: str | None = None
        self.outcome: TrainOutcome | None = None
        self.setup: TrainSetupDialog | None = None
        self._retry_at = 0
        """After a background training failed: the done count at which to try again (N more)."""

    @property
    def window(self) -> SuggestingWindow:
        return self._window()

    def train_from_gold(self, background: bool = False, layer: str | None = None, status: str | None = None) -> None:
        """Train; ``background``: started by the retrain setting, so no questions, no progress
        dialog (the window stays usable) and no scores dialog, only a message in the status bar.
        Otherwise the analyst first picks the layer and status (unless given)."""
        from annotator.store.retrain import LAYER_SETTING, STATUS_SETTING, layer_state, training_layer

        window = self.window
        path = window.session.store.path
        if path is None:
            if not background:
                QMessageBox.information(window, "Train", "Save the project to a file first: training reads it in the background.")
            return
        if self.thread is not None and self.thread.isRunning():
            return
        if layer is None:
            layer = training_layer(window.session.store, window.session.layer_name)
            if not background:
                picked = self.choose_training_set(layer, status or window.session.store.setting(STATUS_SETTING))
                if picked is None:
                    return
                layer, status = picked
                window.session.store.set_setting(LAYER_SETTING, layer)  # background retraining reads the same
                window.session.store.set_setting(STATUS_SETTING, status)
            else:
                status = status or window.session.store.setting(STATUS_SETTING)
        if layer is None:
            if not background:
                QMessageBox.information(window, "Train", "Nothing to train from yet: mark documents done in your layer (or import a gold layer) first.")
            return
        minutes = float(window.session.store.setting(TRAIN_MINUTES_SETTING, 10.0) or 10.0)
        from annotator.store.retrain import done_marks

        # What this training reads; later marks count for the next.
        self._marks_at_start = done_marks(window.session.store, layer)
        self._state_at_start = layer_state(window.session.store, layer)
        self._layer = layer

        def work(progress: Callable[[str, int, int | None], None], should_stop: Callable[[], bool]) -> Any:
            from annotator.learn.trainer import TrainOptions, TrainingError, train
            from annotator.app.workspace import connect

            def report(phase: str, done: int, total: int | None) -> None:
                if should_stop():
                    raise TrainingCancelled("training was cancelled; the previous model is unchanged")
                progress(phase, done, total)

            with connect(path) as store:
                try:
                    return train_and_judge(store, TrainOptions(layer=layer, status=status, max_minutes=minutes), report)
                except TrainingError as error:  # an expected condition: a message, no traceback
                    return TrainFailure(str(error))

        thread = TaskThread(work, self)
        thread.progressed.connect(self._progressed)
        thread.succeeded.connect(self._succeeded)
        thread.failed.connect(self._failed)
        self.thread, self.progress, self.error, self.background = thread, None, None, background
        self._overall = OverallProgress()
        if background:
            window.say(f"Retraining from {layer!r} in the background…")
        else:
            dialog = QProgressDialog(f"Training from {layer!r}: reading the layer…", "Cancel", 0, 0, window)
            dialog.setWindowTitle("Train")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoReset(False)
            dialog.setAutoClose(False)
            dialog.canceled.connect(thread.cancel)
            self.progress = dialog
            dialog.show()
        thread.start()

    def choose_training_set(self, layer: str | None, status: str | None) -> tuple[str, str] | None:
        """Ask which layer and documents to train from; None when cancelled or there is none."""
        from annotator.store.retrain import training_choices

        window = self.window
        choices = [c for c in training_choices(window.session.store) if c[3]]
        if not choices:
            QMessageBox.information(window, "Train", "Nothing to train from yet: annotate and mark documents done first (or import a gold layer).")
            return None
        self.setup = TrainSetupDialog(choices, layer, status, window)
        try:
            if self.setup.exec() != QDialog.DialogCode.Accepted:
                return None
            return self.setup.chosen()
        finally:
            self.setup.deleteLater()
            self.setup = None

    def document_done(self) -> bool:
        """The analyst marked a document done: start a background training when the project's
        retrain setting says one is due (never while one runs). Returns whether one started."""
        from annotator.store.retrain import retrain_due, training_layer

        window = self.window
        if self.thread is not None and self.thread.isRunning():
            return False
        if window.session.store.path is None:
            return False
        layer = training_layer(window.session.store, window.session.layer_name)
        if layer is None or not retrain_due(window.session.store, layer, self._retry_at):
            return False
        self.train_from_gold(background=True, layer=layer)
        return self.thread is not None and self.thread.isRunning()

    def retrain_settings(self) -> None:
        """Tools > Retrain automatically…: ask for N (0: off)."""
        from PySide6.QtWidgets import QInputDialog

        from annotator.store.retrain import retrain_every

        window = self.window
        every, ok = QInputDialog.getInt(
            window, "Retrain automatically",
            "Retrain in the background after every N documents marked done in the layer trained from (0: never):",
            retrain_every(window.session.store), 0, 100_000,
        )
        if ok:
            self.set_retrain_every(every)

    def set_retrain_every(self, every: int) -> None:
        from annotator.store.retrain import set_retrain_every

        set_retrain_every(self.window.session.store, every)
        self._retry_at = 0
        self.window.say(f"Retraining in the background after every {every} documents marked done." if every else "Retraining in the background is off.")

    def _progressed(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"Training from gold: {phase}…")
            # One bar for the whole training (gui/training_progress.py), not one per stage.
            self.progress.setMaximum(SCALE)
            self.progress.setValue(self._overall.update(phase, done, total))

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.close()
            self.progress = None

    def _succeeded(self, outcome: Any) -> None:
        from annotator.store.retrain import remember_baseline

        if isinstance(outcome, TrainFailure):
            self._failed(str(outcome))
            return
        self._close_progress()
        self._retry_at = 0
        report = outcome.report
        self.outcome = outcome
        window = self.window
        if report.model is not None:
            remember_baseline(window.session.store, report.model.name, self._marks_at_start, self._layer, self._state_at_start)
        verdict = outcome.verdict.sentence(report.model.name) if report.model is not None else ""
        if self.background:
            # No dialog in the analyst's way: a better model becomes the suggester (the next
            # documents opened get its suggestions); a worse one is only stored, and the status
            # bar says so (annotator models --use, or Tools > Train…, adopts it).
            if outcome.adopted:
                self._restart_suggester()
                window.say(f"Retrained {report.model.name} from {report.documents} document(s) of {report.layer!r} and now suggest with it: {verdict}")
            else:
                window.say(f"Retrained {report.model.name} but kept {outcome.verdict.baseline}: {verdict} (annotator models --use adopts it)", error=True)
        else:
            window.say(f"Trained {report.model.name} from {report.documents} document(s) of {report.layer!r}.")
            self.scores = ScoresDialog(report, window, outcome.verdict, outcome.adopted)
            self.scores.resuggest_requested.connect(self.adopt_and_resuggest)
            self.scores.keep_requested.connect(self.keep_previous)
            self.scores.show()
        self.finished.emit(report)

    def _restart_suggester(self) -> None:
        window = self.window
        window.suggestions.stop()
        window.suggestions = window.start_suggestions()

    def adopt_and_resuggest(self) -> list[int]:
        """The analyst chose the new model: make it the suggester (if it was not) and re-suggest."""
        from annotator.store.models import set_current_model

        outcome = self.outcome
        if outcome is not None and not outcome.adopted and outcome.report.model is not None:
            set_current_model(self.window.session.store, outcome.report.model.name)
            outcome.adopted = True
            self.window.say(f"Suggesting with {outcome.report.model.name} now.")
        return self.resuggest()

    def keep_previous(self) -> None:
        """The analyst chose to keep what suggested before (the new model stays stored)."""
        from annotator.store.models import TRAINED_MODEL_SETTING, UNTRAINED

        outcome = self.outcome
        if outcome is None or outcome.report.model is None:
            return
        if outcome.adopted:
            self.window.session.store.set_setting(TRAINED_MODEL_SETTING, outcome.previous or UNTRAINED)
            outcome.adopted = False
            self._restart_suggester()
        self.window.say(f"Kept {outcome.verdict.baseline}; {outcome.report.model.name} is stored (annotator models --use adopts it).")

    def _failed(self, message: str) -> None:
        self._close_progress()
        self.error = message
        self.window.say(f"Training: {message}", error=True)
        if self.background:
            # Try again after N more documents, not after every one (the same data would fail again).
            from annotator.store.retrain import done_since_last_model, retrain_every

            self._retry_at = done_since_last_model(self.window.session.store, self._layer) + retrain_every(self.window.session.store)
        elif "cancelled" not in message:
            QMessageBox.warning(self.window, "Train", message)
        self.finished.emit(None)

    def resuggest(self) -> list[int]:
        """Restart the suggester on the new model and ask it for every document the analyst has not
        marked done; returns their ids."""
        from annotator.store.retrain import documents_to_resuggest

        window = self.window
        self._restart_suggester()
        wanted = documents_to_resuggest(window.session.store, window.session.layer_id)
        asked = [d for d in wanted if window.suggestions.request(d)]
        if wanted and not asked:
            window.say(f"Cannot re-suggest: {window.suggestions.error or 'the suggester is not available'}", error=True)
        else:
            from annotator.gui.training.resuggest_progress import ResuggestProgress

            if self.resuggesting is not None:
                self.resuggesting.stop()
            model = self.outcome.report.model.name if self.outcome is not None and self.outcome.report.model else "the new model"
            self.resuggesting = ResuggestProgress(window, asked, model)  # status-bar bar, then a summary
        window.refresh(Change.STATUS)
        return wanted

