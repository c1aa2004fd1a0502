"""Find in the article (Ctrl+F): a bar under the text; Return finds the next match, Esc closes.

Every match is highlighted in the article and counted ("3 of 12"); the matching itself runs on
the Python text (code points, case-insensitive like ``QTextDocument.find``) and the view converts.
"""

from __future__ import annotations

import re
from bisect import bisect_right

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
        self.result.setObjectName("find_result")
        self.matches: list[tuple[int, int]] = []
        """Code point ranges of every match of the current text."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.field, 1)
        layout.addWidget(self.result)
        self.field.textEdited.connect(lambda _: self._search())
        self.field.returnPressed.connect(self.next)
        self.field.installEventFilter(self)
        self.hide()

    def start(self) -> None:
        self.show()
        if self.field.text():
            self._search()
        self.field.setFocus()
        self.field.selectAll()

    def _search(self) -> None:
        needle = self.field.text()
        text = self.view.toPlainText()
        self.matches = [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text, re.IGNORECASE)] if needle else []
        view = self.view
        to_qt = view.offsets.to_qt if hasattr(view, "offsets") else (lambda x: x)
        if hasattr(view, "set_found"):
            view.set_found([(to_qt(a), to_qt(b)) for a, b in self.matches])
        self.next(from_start_of_selection=True)

    def hideEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        if hasattr(self.view, "set_found"):
            self.view.set_found([])
        super().hideEvent(event)  # type: ignore[arg-type]

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
        self.result.setText(self._count_text() if found else "not found")
        return found

    def _count_text(self) -> str:
        if not self.matches:
            return ""
        view = self.view
        start = view.textCursor().selectionStart()
        here = view.offsets.from_qt(start) if hasattr(view, "offsets") else start
        index = bisect_right([m[0] for m in self.matches], here)
        return f"{max(index, 1)} of {len(self.matches)}"

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
