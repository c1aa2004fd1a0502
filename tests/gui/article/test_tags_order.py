"""An accepted span's tag is never covered by a pending suggestion's tag that starts at the same
place (issue 23 item 8): where two tags compete for one spot, the accepted one is drawn."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from annotator.gui.article.tags import paint_tags


def _painted(order: list[bool]) -> QColor:
    image = QImage(200, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    line = QRectF(10, 0, 60, 40)
    colours = {True: QColor("#ff0000"), False: QColor("#0000ff")}  # pale suggestion red, accepted blue
    tags = [(line, "LABEL", colours[pale], pale) for pale in order]
    paint_tags(painter, tags, 12.0, QFont(), {}, 190.0, QColor("black"))
    painter.end()
    return image.pixelColor(11, 3)


def test_the_accepted_tag_wins_whichever_comes_first(qapp) -> None:
    for order in ([True, False], [False, True]):
        colour = _painted(order)
        assert colour.blue() > 200 and colour.red() < 60, (order, colour.name())


def test_a_shortened_event_type_disagreement_keeps_both_sides() -> None:
    from annotator.gui.article.tags import short_caption

    assert short_caption("Movement:Transport") == "Transport"
    assert short_caption("Conflict:Attack ≠ Movement:Transport") == "Attack ≠ Transport"
