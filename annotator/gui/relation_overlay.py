"""Relations drawn over the article: an arc from head to child with the type's name on it.

The overlay is a transparent child of the article's viewport that lets every mouse event through
and repaints whenever the article does (``updateRequest``), so the article itself needs no
change. Arcs rise above the line of their ends; each relation on screen gets its own height
(staggered in text order) so that many overlapping arcs and their captions stay readable. The
selected relation is drawn thicker. Positions arrive in Qt's UTF-16 units.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QPlainTextEdit, QWidget


@dataclass(frozen=True)
class Arc:
    """One relation to draw: head and child ranges (UTF-16), caption, colour, and its uid."""

    head: tuple[int, int]
    child: tuple[int, int]
    caption: str
    color: str
    uid: str
    symmetric: bool = False


class RelationOverlay(QWidget):
    def __init__(self, view: QPlainTextEdit):
        super().__init__(view.viewport())
        self.view = view
        self.arcs: list[Arc] = []
        self.selected: str | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._font = QFont(view.font())
        self._font.setPointSizeF(max(6.0, view.font().pointSizeF() * 0.7))
        view.viewport().installEventFilter(self)
        view.updateRequest.connect(lambda *_: self.update())
        self.resize(view.viewport().size())
        self.show()

    def set_arcs(self, arcs: list[Arc], selected: str | None) -> None:
        if arcs == self.arcs and selected == self.selected:
            # The window refreshes on every outside change (the suggester's writes): an update of
            # this see-through widget repaints the whole article under it (15 ms and more).
            return
        self.arcs = arcs
        self.selected = selected
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.resize(self.view.viewport().size())
        return False

    def _anchor(self, start: int, end: int) -> QPointF | None:
        """Top centre of a range's first line, in viewport coordinates (None when off the text)."""
        document = self.view.document()
        if end <= start or end > document.characterCount():
            return None
        cursor = self.view.textCursor()
        cursor.setPosition(start)
        first = self.view.cursorRect(cursor)
        cursor.setPosition(end)
        last = self.view.cursorRect(cursor)
        right = last.left() if last.top() == first.top() else first.left() + 24
        return QPointF((first.left() + right) / 2, first.top())

    def anchors(self, arc: Arc) -> tuple[QPointF, QPointF] | None:
        head, child = self._anchor(*arc.head), self._anchor(*arc.child)
        return (head, child) if head is not None and child is not None else None

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        if not self.arcs:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self._font)
        metrics = QFontMetricsF(self._font)
        visible = QRectF(self.rect()).adjusted(-40, -200, 40, 200)
        level = 0
        for arc in self.arcs:
            ends = self.anchors(arc)
            if ends is None or not (visible.contains(ends[0]) or visible.contains(ends[1])):
                continue
            level += 1
            head, child = ends
            rise = 10 + 7 * (level % 6)  # staggered, so neighbouring arcs and captions do not coincide
            top = min(head.y(), child.y()) - rise
            color = QColor(arc.color)
            pen = QPen(color, 2.6 if arc.uid == self.selected else 1.3)
            if arc.symmetric:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            path = QPainterPath(head)
            path.cubicTo(QPointF(head.x(), top), QPointF(child.x(), top), child)
            painter.drawPath(path)
            if not arc.symmetric:  # an arrow head at the child
                painter.setBrush(color)
                painter.drawPolygon(QPolygonF([child, child + QPointF(-3.5, -6), child + QPointF(3.5, -6)]))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            middle = QPointF((head.x() + child.x()) / 2, top + rise * 0.25)
            width = metrics.horizontalAdvance(arc.caption)
            box = QRectF(middle.x() - width / 2 - 2, middle.y() - metrics.height(), width + 4, metrics.height())
            painter.fillRect(box, QColor(255, 255, 255, 215))
            painter.setPen(color)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, arc.caption)
        painter.end()
