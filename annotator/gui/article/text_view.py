"""The article: read-only text with spans, suggestions, triggers and arguments painted on it.

Highlights are painted, not stored in the text: for each block on screen, the marks that touch
it are looked up (sorted by start, so the cost follows what is visible, not the document's size)
and drawn under the text (fills) and over it (outlines, label tags, role names). Overlapping
spans stay visible: the first level is a fill, deeper levels are underlines stacked below it.
Pending suggestions are pale with a dashed outline until accepted.

Label tags (brat-style) sit in a band reserved above every line, so they never cover text and
the first line's tags are not cut off. ``QPlainTextEdit`` ignores line-height and margin formats;
the band comes from one character format on the whole text: subscript at 1.5 times the size,
which Qt draws at the normal size (2/3) but lays out with the larger font's ascent, so each line
gains empty room above its letters. Formats belong to the view, never to offsets.

Paint hook: :attr:`AnnotatedTextView.paint_hooks` are called as ``painter_hook(view, painter, blocks)``
after the built-in layers, with the visible ``(block, geometry)`` pairs (relations draw there).
"""

from __future__ import annotations

from bisect import bisect_left
from operator import attrgetter

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from typing import Any, Callable, Iterable

from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRegion,
    QTextBlock,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotator.gui.article.marks import Mark, MarkList, Style, assign_levels
from annotator.gui.article.offsets import Utf16Offsets
from annotator.gui.article.tags import BAND_BASELINE, BAND_SCALE, outline_rect, paint_tags, text_format


DISAGREEMENT_COLOR = QColor("#d62728")
FOUND_COLOR = QColor(255, 214, 0, 110)


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
        self.base_point_size = font.pointSizeF()
        self.zoom = 0
        """Points added to the base size by View > Zoom."""
        self.show_tags = True
        """Label tags above every span (View > Label tags); role tags of the selected event always show."""
        self.paint_hooks: list[Callable[[AnnotatedTextView, QPainter, list], None]] = []
        """Extra paint layers (the paint hook): called after the built-in ones, on the viewport."""
        self._found: list[tuple[int, int]] = []
        self._dirty = QRegion()
        self._tag_widths: dict[str, float] = {}
        self.setFont(font)
        self._apply_font()
        self.offsets = Utf16Offsets("")
        self._marks = MarkList.of_marks([])
        self._overlay: list[Mark] = []
        self.selected_uid: str | None = None
        self._press: QPointF | None = None

    # -- content ----------------------------------------------------------------------------

    def _apply_font(self) -> None:
        """Fonts and the tag band for the current zoom; the whole text gets the band format."""
        size = max(6.0, self.base_point_size + self.zoom)
        font = QFont(self.font())
        font.setPointSizeF(size)
        self.setFont(font)
        metrics = QFontMetricsF(font)
        big = QFont(font)
        big.setPointSizeF(size * BAND_SCALE)
        big_metrics = QFontMetricsF(big)
        # Empty room above the capitals of a line: the taller ascent, plus the baseline shift.
        shift = big_metrics.height() * BAND_BASELINE / 100
        self.band = max(0.0, big_metrics.ascent() + shift - metrics.capHeight() - 2)
        self._caption_font = QFont(font)
        # Tags are mostly capitals (PERSON, GPE): their cap height, not the ascent, must fit the band.
        self._caption_font.setPixelSize(max(7, int(self.band * 0.95)))
        self._tag_widths = {}
        fmt = text_format(size, band=True)
        self.setCurrentCharFormat(fmt)
        if self.document().characterCount() > 1:
            cursor = QTextCursor(self.document())
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.setCharFormat(fmt)

    def set_zoom(self, zoom: int) -> None:
        """Zoom the article text by ``zoom`` points (View > Zoom in / out / reset)."""
        self.zoom = max(-6, min(30, zoom))
        self._apply_font()
        self.viewport().update()

    def set_show_tags(self, shown: bool) -> None:
        self.show_tags = shown
        self.viewport().update()

    def set_found(self, ranges: list[tuple[int, int]]) -> None:
        """Highlight every match of the find bar (Qt positions)."""
        self._found = sorted(ranges)
        self.viewport().update()

    def show_text(self, text: str) -> None:
        self.offsets = Utf16Offsets(text)
        self._marks, self._overlay = MarkList.of_marks([]), []
        self._found = []
        # setPlainText gives the whole text the current char format (the band) in the same pass.
        self.setCurrentCharFormat(text_format(max(6.0, self.base_point_size + self.zoom), band=True))
        self.setPlainText(text)
        self.moveCursor(self.textCursor().MoveOperation.Start)

    def set_marks(self, marks: list[Mark] | MarkList, overlay: list[Mark], selected_uid: str | None) -> None:
        """Replace the highlights: ``marks`` for spans and triggers (a list, or a :class:`MarkList`
        that makes them as they are painted), ``overlay`` for arguments."""
        self._marks = marks if isinstance(marks, MarkList) else MarkList.of_marks(marks)
        self._overlay = sorted(overlay, key=attrgetter("start"))
        self.selected_uid = selected_uid
        self._dirty = QRegion()
        self.viewport().update()

    def lazy_marks(self, annotations: Iterable[Any], make: Callable[[Any], Mark]) -> MarkList:
        """Marks of ``annotations`` (spans and events, code points) that ``make`` makes on demand."""
        return MarkList.of_annotations(annotations, make, None if self.offsets.identity else self.offsets.to_qt)

    def patch_marks(self, removed: set[str], added: list[Mark]) -> None:
        """Change a few highlights in place: an edit touches few of a document's thousands, so
        only the lines they are on are painted again (see :meth:`flush`)."""
        for uid in removed:
            for mark in self._marks.remove_uid(uid):
                self._mark_dirty(mark.start, mark.end)
        for mark in added:
            self._marks.add(mark)
            self._mark_dirty(mark.start, mark.end)

    def set_overlay(self, overlay: list[Mark], selected_uid: str | None) -> None:
        """The selected event's arguments and the selected mark; repaints only where they were and are."""
        overlay = sorted(overlay, key=attrgetter("start"))
        for mark in self._overlay + overlay:
            self._mark_dirty(mark.start, mark.end)
        for uid in {self.selected_uid, selected_uid} - {None}:
            for mark in self._marks.with_uid(uid):  # type: ignore[arg-type]
                self._mark_dirty(mark.start, mark.end)
        self._overlay = overlay
        self.selected_uid = selected_uid

    def shown_marks(self) -> list[Mark]:
        """Every highlight of spans and triggers, in order (made now where not made yet)."""
        return list(self._marks)

    def _mark_dirty(self, start: int, end: int) -> None:
        """Schedule a repaint of the on-screen lines of Qt positions ``start``..``end`` (whole
        blocks: a tag's width changes where its neighbours' tags may go)."""
        document = self.document()
        block = document.findBlock(start)
        last = document.findBlock(max(start, end - 1))
        offset = self.contentOffset()
        height = self.viewport().height()
        width = self.viewport().width()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > height:
                break
            if geometry.bottom() >= 0:
                rect = geometry.toAlignedRect().adjusted(-2, -3, 0, 3)
                rect.setLeft(0)
                rect.setRight(width)
                rect = rect.intersected(self.viewport().rect())  # what a paint can cover
                self._dirty += rect
                self.viewport().update(rect)
            if block == last:
                break
            block = block.next()

    def flush(self) -> None:
        """Paint what changed now, not at the next turn of the event loop: after an edit the
        window shows it before the project file is written."""
        if not self._dirty.isEmpty():
            region, self._dirty = self._dirty, QRegion()
            # Rectangle by rectangle: one paint of their bounding box could be the whole screen.
            for rect in region:
                self.viewport().repaint(rect)

    def marks_at(self, position: int) -> list[Mark]:
        """Marks covering a Qt position, shortest first."""
        hi = bisect_left(self._marks.starts, position + 1)
        lo = bisect_left(self._marks.starts, position - self._marks.longest)
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

    def _in_block(self, marks: list[Mark] | MarkList, starts: list[int], longest: int, block: QTextBlock) -> list[Mark]:
        begin, end = block.position(), block.position() + block.length()
        lo = bisect_left(starts, begin - longest)
        hi = bisect_left(starts, end)
        return [m for m in marks[lo:hi] if m.end > begin]

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._dirty.isEmpty():
            # Painted now: a later flush must not paint it again (nor, after a scroll, paint
            # wherever those stale rectangles now fall).
            self._dirty = self._dirty.subtracted(event.region())
        if not self._marks and not self._overlay and not self._found and not self.paint_hooks:
            super().paintEvent(event)
            return
        blocks = self._visible_blocks(QRectF(event.rect()))
        if blocks:
            first, last = blocks[0][0], blocks[-1][0]
            lo = bisect_left(self._marks.starts, first.position() - self._marks.longest)
            hi = bisect_left(self._marks.starts, last.position() + last.length())
            assign_levels([m for m in self._marks[lo:hi] if m.end > first.position()])
        band = self.band
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        found_starts = [a for a, _ in self._found]
        found_longest = max((b - a for a, b in self._found), default=0)
        for block, geometry in blocks:
            for mark in self._in_block(self._marks, self._marks.starts, self._marks.longest, block):
                for rect in self._segments(mark, block, geometry):
                    self._paint_under(painter, mark, rect.adjusted(0, band, 0, 0))
            if self._found:
                begin, end = block.position(), block.position() + block.length()
                lo = bisect_left(found_starts, begin - found_longest)
                hi = bisect_left(found_starts, end)
                for start, stop in self._found[lo:hi]:
                    found = Mark(start, stop, FOUND_COLOR, Style.SPAN, "")
                    for rect in self._segments(found, block, geometry):
                        painter.fillRect(rect.adjusted(0, band, 0, 0), FOUND_COLOR)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        overlay_starts = [m.start for m in self._overlay]
        overlay_longest = max((m.end - m.start for m in self._overlay), default=0)
        for block, geometry in blocks:
            tags: list[tuple[QRectF, str, QColor, bool]] = []
            arguments = self._in_block(self._overlay, overlay_starts, overlay_longest, block)
            with_roles = {(m.start, m.end) for m in arguments}
            for mark in self._in_block(self._marks, self._marks.starts, self._marks.longest, block):
                segments = self._segments(mark, block, geometry)
                if mark.style is not Style.SPAN or mark.uid == self.selected_uid:
                    for rect in segments:
                        self._paint_over(painter, mark, rect.adjusted(0, band, 0, 0))
                if self.show_tags and mark.caption and segments and mark.start >= block.position() and (mark.start, mark.end) not in with_roles:
                    pale = mark.style in (Style.SUGGESTION, Style.SUGGESTED_TRIGGER)
                    tags.append((segments[0], mark.caption, QColor(mark.color), pale))
            for mark in arguments:
                segments = self._segments(mark, block, geometry)
                for rect in segments:
                    self._paint_argument(painter, mark, rect.adjusted(0, band, 0, 0))
                if mark.caption and segments and mark.start >= block.position():
                    tags.append((segments[0], mark.caption, QColor(mark.color).darker(150), False))
            self._paint_tags(painter, tags)
        for hook in self.paint_hooks:
            hook(self, painter, blocks)
        painter.end()

    def _paint_tags(self, painter: QPainter, tags: list[tuple[QRectF, str, QColor, bool]]) -> None:
        paint_tags(painter, tags, self.band, self._caption_font, self._tag_widths, self.viewport().width() - 2, self.palette().text().color())

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
        pen = QPen(self.palette().text().color() if selected else color)
        pen.setWidthF(2.0 if selected else (1.6 if mark.style in (Style.TRIGGER, Style.SUGGESTED_TRIGGER, Style.DISAGREEMENT) else 1.0))
        if mark.style in (Style.SUGGESTION, Style.SUGGESTED_TRIGGER, Style.DISAGREEMENT):
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if mark.level and mark.style is Style.SUGGESTION and not selected:
            return  # a deeper suggestion level is its dashed underline only
        painter.drawRect(outline_rect(rect, pen.widthF()))

    def _paint_argument(self, painter: QPainter, mark: Mark, rect: QRectF) -> None:
        pen = QPen(QColor(mark.color).darker(150))
        pen.setWidthF(1.5)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(outline_rect(rect, pen.widthF()), 3, 3)

