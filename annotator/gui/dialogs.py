"""Dialogs: the keyboard sheet, the export settings, the annotator's name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.model.layer import Layer, LayerKind, check_layer_name

EXPORT_FORMATS = {
    "jsonl": ("JSONL (Prodigy-compatible, with events)", ".jsonl"),
    "spacy": ("spaCy DocBin (for spacy train)", ".spacy"),
    "brat": ("brat standoff folder", ""),
    "conll": ("CoNLL-2003 (IOB tags)", ".conll"),
}


class ShortcutsDialog(QDialog):
    """Every action with its keys, made from the same declarations as the menus."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcuts")
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(rows), 3)
        table.setObjectName("shortcut_table")
        table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.setItem(i, j, QTableWidgetItem(value))
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        # Keys and menus as wide as their longest entry ("Alt+Shift+Right" whole), the action the rest.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.table = table
        table.resizeColumnsToContents()
        action_width = max((table.fontMetrics().horizontalAdvance(r[1]) for r in rows), default=200) + 24
        needed = table.columnWidth(0) + action_width + table.columnWidth(2) + table.verticalScrollBar().sizeHint().width() + 40
        self.resize(max(620, needed), 640)


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    out: Path
    layer: str
    status: str | None
    include_rejected: bool


class ExportDialog(QDialog):
    def __init__(self, layers: list[Layer], default_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export annotations")
        self.fmt = QComboBox()
        for key, (title, _) in EXPORT_FORMATS.items():
            self.fmt.addItem(title, key)
        self.layer = QComboBox()
        ordered = sorted(layers, key=lambda l: (l.kind is not LayerKind.GOLD, l.kind is LayerKind.SUGGESTIONS, l.id or 0))
        for layer in ordered:
            self.layer.addItem(f"{layer.name} ({layer.kind.value})", layer.name)
        self.status = QComboBox()
        self.status.addItem("Default (done for annotators, all for gold and suggestions)", None)
        self.status.addItem("Only documents marked done", "done")
        self.status.addItem("All documents", "any")
        self.include_rejected = QCheckBox("Include rejected annotations")
        self.path = QLineEdit(str(default_dir / "export.jsonl"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.fmt.currentIndexChanged.connect(self._format_changed)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.fmt)
        form.addRow("Layer", self.layer)
        form.addRow("Documents", self.status)
        form.addRow("", self.include_rejected)
        form.addRow("Write to", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _format_changed(self) -> None:
        suffix = EXPORT_FORMATS[self.fmt.currentData()][1]
        current = Path(self.path.text())
        self.path.setText(str(current.with_suffix(suffix)) if suffix else str(current.with_suffix("")))

    def _browse(self) -> None:
        if self.fmt.currentData() == "brat":
            chosen = QFileDialog.getExistingDirectory(self, "Export brat files into folder", self.path.text())
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if chosen:
            self.path.setText(chosen)

    def choice(self) -> ExportChoice:
        return ExportChoice(
            self.fmt.currentData(), Path(self.path.text()).expanduser(), self.layer.currentData(),
            self.status.currentData(), self.include_rejected.isChecked(),
        )


def ask_annotator_name(parent: QWidget | None = None) -> str | None:
    """Ask for the analyst's name until a usable one is given or the user cancels; reserved names
    (``gold``, a suggester's) are refused with the reason."""
    from annotator.app.layers import annotator_name_problem

    prompt = "Your name, as your annotations will be labelled (e.g. alice):"
    while True:
        name, ok = QInputDialog.getText(parent, "Welcome to annotator", prompt)
        if not ok:
            return None
        problem = annotator_name_problem(name)
        if problem is None:
            return check_layer_name(name)
        prompt = f"{problem[:1].upper()}{problem[1:]}. Your name:"


def show_about(parent: QWidget, project: Path | None) -> None:
    """Help > About: the version, what the app does, the open project."""
    from annotator import __version__

    QMessageBox.about(
        parent, "About annotator",
        f"<b>annotator {__version__}</b><p>Suggest, correct, review and export entities and events in news articles.</p>"
        f"<p>Project: {project or 'in memory'}</p>",
    )
