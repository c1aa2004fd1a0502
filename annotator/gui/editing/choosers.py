"""A keyboard-first chooser: press an option's key, or type to filter and press Return.

It opens without blocking (``open()``, not ``exec()``) and calls back with the choice, so the
window stays responsive and tests can type into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.gui.side_panel import swatch


@dataclass(frozen=True)
class Option:
    name: str
    key: str = ""
    color: str = "#808080"
    hint: str = ""


NEW = "\x00new"
"""The data of the "New …" entry: never an option's name (names hold no control characters)."""


class Chooser(QDialog):
    """``new``: the title of an entry that calls ``on_new`` with the filter's text (a name to add
    to the schema), shown last and whenever the filter matches nothing."""

    def __init__(self, parent: QWidget, title: str, options: list[Option], chosen: Callable[[str], None],
                 new: str = "", on_new: Callable[[str], None] | None = None):
        super().__init__(parent)
        self._new, self._on_new = new, on_new
        self.setObjectName("chooser")
        self.setWindowTitle(title)
        self.options = options
        self._chosen = chosen
        self.filter = QLineEdit(placeholderText="Type a key, or filter and press Return")
        self.filter.setObjectName("chooser_filter")
        self.list = QListWidget()
        self.list.setObjectName("chooser_list")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{title}</b>"))
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._refill)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda item: self._choose(item.data(Qt.ItemDataRole.UserRole)))
        self._refill("")
        self.resize(360, min(520, 90 + 22 * len(options)))

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[arg-type]
        # Keys must reach the chooser, not the article's shortcuts behind it.
        self.activateWindow()
        self.filter.setFocus()

    def _refill(self, text: str) -> None:
        self.list.clear()
        needle = text.strip().lower()
        for option in self.options:
            if needle and needle not in option.name.lower():
                continue
            key = f"[{option.key}]  " if option.key else "      "
            item = QListWidgetItem(swatch(option.color), f"{key}{option.name}")
            item.setData(Qt.ItemDataRole.UserRole, option.name)
            if option.hint:
                item.setToolTip(option.hint)
            self.list.addItem(item)
        if self._new and self._on_new is not None:
            item = QListWidgetItem(f"      {self._new}" + (f" “{text.strip()}”" if text.strip() else ""))
            item.setData(Qt.ItemDataRole.UserRole, NEW)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _choose(self, name: str) -> None:
        typed = self.filter.text().strip()
        self.accept()
        if name == NEW and self._on_new is not None:
            self._on_new(typed)
            return
        self._chosen(name)

    def eventFilter(self, watched: object, event: object) -> bool:
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.list.currentItem()
                if item is not None:
                    self._choose(item.data(Qt.ItemDataRole.UserRole))
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(row, self.list.count() - 1)))
                return True
            # An option's key picks it at once, unless the user has started typing a filter.
            if not self.filter.text() and event.text() and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
                for option in self.options:
                    if option.key and option.key == event.text():
                        self._choose(option.name)
                        return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]
