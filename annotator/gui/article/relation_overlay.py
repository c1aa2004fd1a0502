"""Relations drawn over the article: an arc from head to child with the type's name on it.

The arcs are a paint layer of the article itself (its ``paint_hooks``), drawn on the viewport
after the text in the same paint. They used to be a see-through child widget of the viewport:
Qt scrolls a viewport by moving its children with the pixels, so that widget slid away with
every scroll (an arc of a document opened further down sat a screenful too high and vanished
after one wheel notch; in review, after F8 scrolled). Painted in the view's own paint, an arc
is placed from the cursor rectangles of that moment, in viewport coordinates, at every scroll
position. Arcs rise above the line of their ends; each relation on screen gets its own height
(staggered in text order) so that many overlapping arcs and their captions stay readable; on
the article's first line, where there is no room above, they hang below their spans. The
selected relation is drawn thicker. Positions arrive in Qt's UTF-16 units.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from annotator.gui.article.text_view import AnnotatedTextView


@dataclass(frozen=True)
class Arc:
    """One relation to draw: head and child ranges (UTF-16), caption, colour, and its uid."""

    head: tuple[int, int]
    child: tuple[int, int]
    caption: str
    color: str
    uid: str
    symmetric: bool = False


class RelationOverlay:
    """The arcs of the open document, painted by the article (see the module's docstring)."""

    def __init__(self, view: AnnotatedTextView):
        self.view = view
        self.arcs: list[Arc] = []
        self.selected: str | None = None
        self.captions: dict[str, QRectF] = {}
        """Where the last paint put each arc's caption (viewport coordinates)."""
        self._font = QFont(view.font())
        self._font.setPointSizeF(max(6.0, view.font().pointSizeF() * 0.7))
        view.paint_hooks.append(self._paint)

    def set_arcs(self, arcs: list[Arc], selected: str | None) -> None:
        if arcs == self.arcs and selected == self.selected:
            # The window refreshes on every outside change (the suggester's writes): a repaint
            # of the article for nothing costs 15 ms and more.
            return
        self.arcs = arcs
        self.selected = selected
        self.view.viewport().update()

    def repaint(self) -> None:
        """Paint the article (and its arcs) now."""
        self.view.viewport().repaint()

    def _anchor(self, start: int, end: int, below: bool = False) -> QPointF | None:
        """Top (``below``: bottom) centre of a range's first line, in viewport coordinates (None
        when off the text)."""
        document = self.view.document()
        if end <= start or end > document.characterCount():
            return None
        cursor = self.view.textCursor()
        cursor.setPosition(start)
        first = self.view.cursorRect(cursor)
        cursor.setPosition(end)
        last = self.view.cursorRect(cursor)
        right = last.left() if last.top() == first.top() else first.left() + 24
        return QPointF((first.left() + right) / 2, first.bottom() if below else first.top())

    def anchors(self, arc: Arc, below: bool = False) -> tuple[QPointF, QPointF] | None:
        """Where ``arc`` starts and ends on the viewport now (None when an end is off the text)."""
        head, child = self._anchor(*arc.head, below=below), self._anchor(*arc.child, below=below)
        return (head, child) if head is not None and child is not None else None

    def _paint(self, view: AnnotatedTextView, painter: QPainter, blocks: list) -> None:
        if not self.arcs:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self._font)
        metrics = QFontMetricsF(self._font)
        # The whole viewport, not the paint's region: an arc's level depends on the arcs before it.
        visible = QRectF(view.viewport().rect()).adjusted(-40, -200, 40, 200)
        level = 0
        self.captions.clear()
        for arc in self.arcs:
            ends = self.anchors(arc)
            if ends is None or not (visible.contains(ends[0]) or visible.contains(ends[1])):
                continue
            level += 1
            head, child = ends
            rise = 10 + 7 * (level % 6)  # staggered, so neighbouring arcs and captions do not coincide
            top = min(head.y(), child.y()) - rise
            # Above the article's first line there is no room (Qt's plain-text layout takes no top
            # margin): the arc and its caption would be cut off, so there it hangs below its spans.
            below = top - metrics.height() < 0 and view.verticalScrollBar().value() == 0
            if below:
                ends = self.anchors(arc, below=True) or ends
                head, child = ends
                top = max(head.y(), child.y()) + rise  # the far side of the curve, under the line
            color = QColor(arc.color)
            pen = QPen(color, 2.6 if arc.uid == self.selected else 1.3)
            if arc.symmetric:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            path = QPainterPath(head)
            path.cubicTo(QPointF(head.x(), top), QPointF(child.x(), top), child)
            painter.drawPath(path)
            if not arc.symmetric:  # an arrow head at the child, pointing into it
                tip = 6 if below else -6
                painter.setBrush(color)
                painter.drawPolygon(QPolygonF([child, child + QPointF(-3.5, tip), child + QPointF(3.5, tip)]))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            width = metrics.horizontalAdvance(arc.caption)
            if below:
                middle = QPointF((head.x() + child.x()) / 2, top - rise * 0.25)
                box = QRectF(middle.x() - width / 2 - 2, middle.y(), width + 4, metrics.height())
            else:
                middle = QPointF((head.x() + child.x()) / 2, top + rise * 0.25)
                box = QRectF(middle.x() - width / 2 - 2, middle.y() - metrics.height(), width + 4, metrics.height())
            self.captions[arc.uid] = box
            painter.fillRect(box, QColor(255, 255, 255, 215))
            painter.setPen(color)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, arc.caption)
        painter.restore()
