"""Which annotators to compare: the picker of Review > Start review and Review > Agreement, the
reviewer's own layer unticked (comparing it with the others skews their agreement)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from annotator.gui.window_api import EditingWindow


class LayerPicker(QDialog):
    """Which annotators to compare: every annotator layer is offered, all ticked but ``unticked``
    (the reviewer's own layer: comparing it with the others skews their agreement)."""

    def __init__(self, names: list[str], parent: QWidget | None = None, unticked: str | None = None,
                 title: str = "Start review", prompt: str = "Compare these annotators; your decisions go to the <b>gold</b> layer:"):
        super().__init__(parent)
        self.setObjectName("review_picker")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        self.boxes = [QCheckBox(name) for name in names]
        for box in self.boxes:
            box.setChecked(box.text() != unticked)
            layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [box.text() for box in self.boxes if box.isChecked()]


def ask_agreement_layers(window: EditingWindow, names: list[str], then: Callable[[list[str]], None]) -> None:
    """Ask which of the annotator layers ``names`` Review > Agreement compares (the user's own
    unticked) and call ``then`` with them. The picker opens without blocking, so the window stays
    responsive and tests can answer it."""
    if len(names) < 2:
        window.say("Agreement needs two annotator layers; this project has " + (", ".join(names) or "none") + ".", error=True)
        return
    picker = LayerPicker(names, window, unticked=window.session.annotator, title="Agreement",
                         prompt="Agreement between these annotators:")

    def accepted() -> None:
        chosen = picker.chosen()
        if len(chosen) < 2:
            window.say("Tick at least two annotators to compare.", error=True)
            return
        then(chosen)

    picker.accepted.connect(accepted)
    window.chooser = picker
    picker.open()
