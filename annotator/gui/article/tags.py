"""Label tags and outlines of the article: the band reserved above each line, what is drawn in it,
and where outlines go so that they never cover letters (used by :mod:`annotator.gui.article.text_view`).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTextCharFormat

BAND_SCALE = 1.5
"""Layout size of the text format; Qt draws subscript at 2/3 of it, i.e. the normal size."""
BAND_BASELINE = 20.0
"""Subscript baseline (percent): moves the letters to the bottom of the taller line."""


def text_format(point_size: float, band: bool) -> QTextCharFormat:
    """The character format of the whole article: with ``band``, room for tags above each line."""
    fmt = QTextCharFormat()
    fmt.setFontPointSize(point_size * BAND_SCALE if band else point_size)
    if band:
        fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSubScript)
        fmt.setSubScriptBaseline(BAND_BASELINE)
    return fmt


def readable_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    luminance = 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()
    return QColor("#111111") if luminance > 0.55 else QColor("white")


def paint_tags(
    painter: QPainter,
    tags: list[tuple[QRectF, str, QColor, bool]],
    band: float,
    font: QFont,
    widths: dict[str, float],
    right_edge: float,
    text_colour: QColor,
) -> None:
    """Tags in the band above their span's first letter: ``(line rectangle, text, colour, pale)``.
    A tag stops where the next one on its line starts (a long event type first shortens to its
    subtype, then elides; the full name is in the Selection panel), so tags never overlap each
    other or cover text. ``widths`` caches text widths across paints."""
    if not tags:
        return
    painter.setFont(font)
    metrics = QFontMetricsF(font)

    def width_of(text: str) -> float:
        width = widths.get(text)
        if width is None:
            width = widths[text] = metrics.horizontalAdvance(text) + 4
        return width

    # Where two tags start at one place the later one is drawn and the earlier gives way: the
    # accepted span's, never a pending suggestion's over it (pale ones sort first).
    tags.sort(key=lambda t: (t[0].top(), t[0].left(), not t[3]))
    for i, (rect, text, color, pale) in enumerate(tags):
        limit = right_edge
        if i + 1 < len(tags) and tags[i + 1][0].top() == rect.top():
            limit = tags[i + 1][0].left() - 1
        room = limit - rect.left()
        if width_of(text) > room and ":" in text:
            text = short_caption(text)
        width = min(width_of(text), room)
        if width < 8:
            continue
        if width < width_of(text):
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 4)
        chip = QRectF(rect.left(), rect.top() + 1, width, band - 1)
        fill = QColor(color)
        fill.setAlpha(110 if pale else 235)
        painter.fillRect(chip, fill)
        painter.setPen(readable_on(fill) if not pale else text_colour)
        baseline = chip.top() + (chip.height() + metrics.capHeight()) / 2
        painter.drawText(QPointF(chip.left() + 2, baseline), text)

def short_caption(text: str) -> str:
    """A tag's caption with event types shortened to their subtype, as brat abbreviates:
    "Movement:Transport" -> "Transport"; a disagreement keeps both sides, "Transport ≠ Attack"."""
    return " ≠ ".join(part.rsplit(":", 1)[-1] for part in text.split(" ≠ "))


def outline_rect(rect: QRectF, pen_width: float) -> QRectF:
    """Where to stroke an outline around ``rect`` (the letters' box) so that the whole stroke lies
    outside it: a thick or dashed box drawn on the letters' edge would hide their first and last
    strokes. It grows sideways into the gap between words, upwards into the tag band."""
    grow = pen_width / 2 + 0.5
    return rect.adjusted(-grow, -grow, grow, grow - 1)
