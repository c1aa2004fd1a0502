"""The article: read-only text with spans, suggestions, triggers and arguments painted on it.

Highlights are painted, not stored in the text: for each block on screen, the marks that touch
it are looked up (sorted by start, so the cost follows what is visible, not the document's size)
and drawn under the text (fills) and over it (outlines, role names). Overlapping spans stay
visible: the first level is a fill, deeper levels are underlines stacked below it. Pending
suggestions are pale with a dashed outline until accepted.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import IntEnum
from operator import attrgetter

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen, QTextBlock
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotator.gui.offsets import Utf16Offsets


class Style(IntEnum):
    SPAN = 0
    SUGGESTION = 1
    DISAGREEMENT = 2
    TRIGGER = 3
    SUGGESTED_TRIGGER = 4
    ARGUMENT = 5


SPAN_LIKE = (Style.SPAN, Style.SUGGESTION, Style.DISAGREEMENT)
DISAGREEMENT_COLOR = QColor("#d62728")


@dataclass
class Mark:
    """One highlight, in Qt (UTF-16) positions."""

    start: int
    end: int
    color: QColor
    style: Style
    uid: str
    caption: str = ""
    level: int = 0


def assign_levels(marks: list[Mark]) -> None:
    """Give overlapping span marks distinct levels (0 = fill), lowest free level first.

    Run on the marks of the visible stretch at paint time, so its cost follows the screen.
    """
    active: list[Mark] = []
    for mark in sorted((m for m in marks if m.style in SPAN_LIKE), key=lambda m: (m.start, -m.end)):
        active = [a for a in active if a.end > mark.start]
        used = {a.level for a in active}
        mark.level = next(level for level in range(len(used) + 1) if level not in used)
        active.append(mark)


class AnnotatedTextView(QPlainTextEdit):
    """Shows one document; reports clicks on marks and selections in code points."""

    clicked = Signal(list)
    """Uids of the marks under a click, innermost first (empty: a click on plain text)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("article")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.setFont(font)
        self._caption_font = QFont(font)
        self._caption_font.setPointSizeF(font.pointSizeF() * 0.72)
        self.offsets = Utf16Offsets("")
        self._marks: list[Mark] = []
        self._overlay: list[Mark] = []
        self._starts: list[int] = []
        self._longest = 0
        self.selected_uid: str | None = None
        self._press: QPointF | None = None

    # -- content ----------------------------------------------------------------------------

    def show_text(self, text: str) -> None:
        self.offsets = Utf16Offsets(text)
        self._marks, self._overlay, self._starts = [], [], []
        self.setPlainText(text)
        self.moveCursor(self.textCursor().MoveOperation.Start)

    def set_marks(self, marks: list[Mark], overlay: list[Mark], selected_uid: str | None) -> None:
        """Replace the highlights: ``marks`` for spans and triggers, ``overlay`` for arguments."""
        marks.sort(key=attrgetter("start"))
        self._marks = marks
        self._starts = [m.start for m in marks]
        self._longest = max((m.end - m.start for m in marks), default=0)
        self.set_overlay(overlay, selected_uid)

    def patch_marks(self, removed: set[str], added: list[Mark]) -> None:
        """Change a few highlights in place: an edit touches few of a document's thousands."""
        if removed:
            self._marks = [m for m in self._marks if m.uid not in removed]
            self._starts = [m.start for m in self._marks]
        for mark in added:
            index = bisect_right(self._starts, mark.start)
            self._marks.insert(index, mark)
            self._starts.insert(index, mark.start)
            self._longest = max(self._longest, mark.end - mark.start)
        self.viewport().update()

    def set_overlay(self, overlay: list[Mark], selected_uid: str | None) -> None:
        self._overlay = sorted(overlay, key=attrgetter("start"))
        self.selected_uid = selected_uid
        self.viewport().update()

    def marks_at(self, position: int) -> list[Mark]:
        """Marks covering a Qt position, shortest first."""
        hi = bisect_left(self._starts, position + 1)
        lo = bisect_left(self._starts, position - self._longest)
        found = [m for m in self._marks[lo:hi] if m.start <= position < m.end]
        return sorted(found, key=lambda m: (m.end - m.start, m.style))

    # -- selection in code points -----------------------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.offsets.from_qt(cursor.selectionStart()), self.offsets.from_qt(cursor.selectionEnd())

    def select(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt(end), cursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def reveal(self, start: int) -> None:
        """Scroll so that code point ``start`` is on screen, without selecting anything."""
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_qt(start))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # -- mouse ------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        moved = (event.position() - self._press).manhattanLength()
        self._press = None
        if moved > 3 or self.textCursor().hasSelection():
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        uids = [m.uid for m in self.marks_at(position)]
        if not uids and position > 0:
            # cursorForPosition rounds to the nearest gap: a click on a word's last half lands after it.
            uids = [m.uid for m in self.marks_at(position - 1)]
        self.clicked.emit(uids)

    # -- painting ---------------------------------------------------------------------------

    def _visible_blocks(self, rect: QRectF) -> list[tuple[QTextBlock, QRectF]]:
        blocks = []
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > rect.bottom():
                break
            if block.isVisible() and geometry.bottom() >= rect.top():
                blocks.append((block, geometry))
            block = block.next()
        return blocks

    def _segments(self, mark: Mark, block: QTextBlock, geometry: QRectF) -> list[QRectF]:
        """Rectangles covering the part of ``mark`` in ``block``, one per wrapped line."""
        layout = block.layout()
        base = block.position()
        rects = []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            line_start = base + line.textStart()
            start, end = max(mark.start, line_start), min(mark.end, line_start + line.textLength())
            if start >= end:
                continue
            x1 = line.cursorToX(start - base)[0]
            x2 = line.cursorToX(end - base)[0]
            rects.append(QRectF(geometry.left() + min(x1, x2), geometry.top() + line.y(), abs(x2 - x1), line.height()))
        return rects

    def _in_block(self, marks: list[Mark], starts: list[int], longest: int, block: QTextBlock) -> list[Mark]:
        begin, end = block.position(), block.position() + block.length()
        lo = bisect_left(starts, begin - longest)
        hi = bisect_left(starts, end)
        return [m for m in marks[lo:hi] if m.end > begin]

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._marks and not self._overlay:
            super().paintEvent(event)
            return
        blocks = self._visible_blocks(QRectF(event.rect()))
        if blocks:
            first, last = blocks[0][0], blocks[-1][0]
            lo = bisect_left(self._starts, first.position() - self._longest)
            hi = bisect_left(self._starts, last.position() + last.length())
            assign_levels([m for m in self._marks[lo:hi] if m.end > first.position()])
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for block, geometry in blocks:
            for mark in self._in_block(self._marks, self._starts, self._longest, block):
                for rect in self._segments(mark, block, geometry):
                    self._paint_under(painter, mark, rect)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        overlay_starts = [m.start for m in self._overlay]
        overlay_longest = max((m.end - m.start for m in self._overlay), default=0)
        for block, geometry in blocks:
            for mark in self._in_block(self._marks, self._starts, self._longest, block):
                if mark.style is not Style.SPAN or mark.uid == self.selected_uid:
                    for rect in self._segments(mark, block, geometry):
                        self._paint_over(painter, mark, rect)
            for mark in self._in_block(self._overlay, overlay_starts, overlay_longest, block):
                for i, rect in enumerate(self._segments(mark, block, geometry)):
                    self._paint_argument(painter, mark, rect, caption=i == 0 and mark.start >= block.position())
        painter.end()

    def _paint_under(self, painter: QPainter, mark: Mark, rect: QRectF) -> None:
        color = QColor(mark.color)
        if mark.style in (Style.TRIGGER, Style.SUGGESTED_TRIGGER):
            color.setAlpha(70 if mark.style is Style.TRIGGER else 30)
            painter.fillRect(rect, color)
        elif mark.style is Style.DISAGREEMENT:
            hatch = QColor(DISAGREEMENT_COLOR)
            hatch.setAlpha(90)
            painter.fillRect(rect, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
        elif mark.level == 0:
            color.setAlpha(120 if mark.style is Style.SPAN else 45)
            painter.fillRect(rect, color)
        else:
            color.setAlpha(230 if mark.style is Style.SPAN else 120)
            bar = QRectF(rect.left(), rect.bottom() - 3 * mark.level, rect.width(), 2)
            painter.fillRect(bar, color)

    def _paint_over(self, painter: QPainter, mark: Mark, rect: QRectF) -> None:
        selected = mark.uid == self.selected_uid
        color = DISAGREEMENT_COLOR if mark.style is Style.DISAGREEMENT else QColor(mark.color).darker(140)
        pen = QPen(QColor("#202020") if selected else color)
        pen.setWidthF(2.5 if selected else (1.6 if mark.style in (Style.TRIGGER, Style.SUGGESTED_TRIGGER, Style.DISAGREEMENT) else 1.0))
        if mark.style in (Style.SUGGESTION, Style.SUGGESTED_TRIGGER, Style.DISAGREEMENT):
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if mark.level and mark.style is Style.SUGGESTION and not selected:
            return  # a deeper suggestion level is its dashed underline only
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))

    def _paint_argument(self, painter: QPainter, mark: Mark, rect: QRectF, caption: bool) -> None:
        pen = QPen(QColor(mark.color).darker(150))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        if not caption or not mark.caption:
            return
        painter.setFont(self._caption_font)
        metrics = QFontMetricsF(self._caption_font)
        width = metrics.horizontalAdvance(mark.caption) + 6
        chip = QRectF(rect.left(), rect.top() - metrics.height() + 1, width, metrics.height())
        painter.fillRect(chip, QBrush(QColor(mark.color).darker(150)))
        painter.setPen(QColor("white"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, mark.caption)
