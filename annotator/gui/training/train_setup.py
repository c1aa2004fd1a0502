"""Before and after a training in the window: which layer and documents to train from, and
whether the new model becomes the suggester.

:class:`TrainSetupDialog` asks what ``annotator train --layer --status`` takes. After training,
:func:`train_and_judge` keeps the new model as the suggester only when it measured better on the
held-out folds (the rule is :mod:`annotator.review.model_choice`); a worse one is stored, not adopted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget


class TrainFailure(str):
    """What training returns for an expected condition (no layer, too few documents): a message
    for the user, not an error with a traceback in the log."""


@dataclass
class TrainOutcome:
    """A finished training: the report, how the new model compares, and whether it was adopted."""

    report: Any
    verdict: Any
    adopted: bool
    previous: Any
    """The ``suggest.trained_model`` setting before training (to put back when not adopted)."""


class TrainSetupDialog(QDialog):
    """Which layer to train from and which of its documents (as ``annotator train --layer --status``)."""

    def __init__(self, choices: list[tuple[str, str, int, int]], layer: str | None, status: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("train_setup")
        self.setWindowTitle("Train a suggester")
        form = QFormLayout(self)
        self.layer = QComboBox()
        for name, kind, done, total in choices:
            self.layer.addItem(f"{name} ({kind}): {done} done of {total}", name)
        if layer is not None and self.layer.findData(layer) >= 0:
            self.layer.setCurrentIndex(self.layer.findData(layer))
        self.status = QComboBox()
        self.status.addItem("documents marked done", "done")
        self.status.addItem("every document of the layer", "any")
        self.kinds = {name: kind for name, kind, _d, _t in choices}
        self.layer.currentIndexChanged.connect(self._default_status)
        self._default_status()
        if status in ("done", "any"):
            self.status.setCurrentIndex(self.status.findData(status))
        form.addRow("Train from layer:", self.layer)
        form.addRow("Documents:", self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _default_status(self) -> None:
        # As annotator train: an analyst's finished work; all of gold (it has no unfinished documents).
        kind = self.kinds.get(self.layer.currentData(), "annotator")
        self.status.setCurrentIndex(self.status.findData("done" if kind == "annotator" else "any"))

    def chosen(self) -> tuple[str, str]:
        return self.layer.currentData(), self.status.currentData()


def train_and_judge(store: Any, options: Any, progress: Any) -> TrainOutcome:
    """Train (in the training thread), then keep the new model as the suggester only when it
    measured better than what suggested before (:func:`annotator.review.model_choice.better_of_both`);
    otherwise put the previous choice back at once: the model stays stored, not adopted."""
    from annotator.learn.trainer import train
    from annotator.review.model_choice import better_of_both
    from annotator.store.models import TRAINED_MODEL_SETTING, UNTRAINED, current_model

    previous = store.setting(TRAINED_MODEL_SETTING)
    current = current_model(store)
    report = train(store, options, progress=progress)
    if report.model is None:
        return TrainOutcome(report, None, False, previous)
    verdict = better_of_both(
        report.trained, report.untrained, current.scores.get("trained") if current else None, current.name if current else ""
    )
    if not verdict.new_better:
        store.set_setting(TRAINED_MODEL_SETTING, previous if current is not None and previous else (current.name if current else UNTRAINED))
    return TrainOutcome(report, verdict, verdict.new_better, previous)
