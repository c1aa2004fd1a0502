"""The *Accept suggestions above N %* dialog: a threshold and a label (or all labels).

The rule is :func:`annotator.model.auto_accept.accept_above`; this only asks for its two inputs.
The window applies the edit to the open article as one step (one transaction, one undo).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from annotator.model.schema import LabelSchema

ALL_LABELS = "All labels"


class AcceptAboveDialog(QDialog):
    """Asks for N (percent) and a label; emits ``chosen(threshold, label or None)`` on OK."""

    chosen = Signal(float, object)

    def __init__(self, schema: LabelSchema, parent: QWidget | None = None, percent: int = 90):
        super().__init__(parent)
        self.setWindowTitle("Accept suggestions above…")
        self.percent = QSpinBox(self)
        self.percent.setRange(1, 100)
        self.percent.setSuffix(" %")
        self.percent.setValue(percent)
        self.percent.setToolTip("Suggestions the model is at least this sure of (annotator evaluate shows the precision at each)")
        self.label = QComboBox(self)
        self.label.addItem(ALL_LABELS, None)
        for entity in schema.entities:
            self.label.addItem(entity.name, entity.name)
        for event in schema.events:
            self.label.addItem(f"{event.name} (event)", event.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Confidence at least", self.percent)
        form.addRow("Label", self.label)
        form.addRow(buttons)
        self.accepted.connect(lambda: self.chosen.emit(self.percent.value() / 100, self.label.currentData()))
