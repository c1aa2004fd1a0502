"""Find in the article (Ctrl+F): a bar under the text; Return finds the next match, Esc closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget


class FindBar(QWidget):
    def __init__(self, view: QPlainTextEdit):
        super().__init__()
        self.view = view
        self.field = QLineEdit(placeholderText="Find in article")
        self.field.setObjectName("find")
        self.result = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.field, 1)
        layout.addWidget(self.result)
        self.field.textEdited.connect(lambda _: self.next(from_start_of_selection=True))
        self.field.returnPressed.connect(self.next)
        self.field.installEventFilter(self)
        self.hide()

    def start(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def next(self, from_start_of_selection: bool = False, backwards: bool = False) -> bool:
        needle = self.field.text()
        if not needle:
            self.result.clear()
            return False
        if from_start_of_selection:
            cursor = self.view.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.view.setTextCursor(cursor)
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        found = self.view.find(needle, flags)
        if not found:
            # Wrap around once, like every editor does.
            cursor = self.view.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End if backwards else QTextCursor.MoveOperation.Start)
            self.view.setTextCursor(cursor)
            found = self.view.find(needle, flags)
        self.result.setText("" if found else "not found")
        return found

    def eventFilter(self, watched: object, event: object) -> bool:  # noqa: N802 - Qt's name
        if watched is self.field and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.hide()
                self.view.setFocus()
                return True
            if event.key() == Qt.Key.Key_Return and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.next(backwards=True)
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]
