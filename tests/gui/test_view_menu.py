"""Label tags, role tags and outlines never cover the text; the View menu's zoom, wrap and tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPlainTextEdit

from annotator.formats.importer import import_paths
from annotator.gui.article.text_view import Mark
from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation
from annotator.model.layer import LayerKind
from annotator.app.workspace import create_project

TEXT = "Kirby said\n\nJohn Kirby said the troops were sent to Kabul on Sunday by the Pentagon.\n"


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """One article whose first line has a span, with an event (trigger "sent") and two arguments."""
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "tags.db"
    with create_project(path) as store:
        import_paths(store, [tmp_path / "a.txt"])
        doc = store.document_ids()[0]
        text = store.document(doc).text

        def span(word: str, label: str) -> Span:
            at = text.index(word)
            return Span(at, at + len(word), label)

        spans = (SpanAnnotation(span("John Kirby", "PERSON")), SpanAnnotation(span("Kabul", "GPE")), SpanAnnotation(span("Pentagon", "ORG")))
        event = Event(span("sent", "Movement:Transport"), (Argument("Destination", span("Kabul", "GPE")), Argument("Artifact", span("troops", "PERSON"))))
        layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        store.add_annotations(layer.id, doc, AnnotationSet(spans, (event,)))  # type: ignore[arg-type]
    return path


def grab(window) -> QImage:
    window.view.setCursorWidth(0)  # the blinking caret is not what these tests look at
    window.view.viewport().repaint()
    return window.view.viewport().grab().toImage()


def text_rects(window, start: int, end: int) -> list[QRectF]:
    """Where the letters of code points ``start``..``end`` are painted (below the tag band)."""
    view = window.view
    mark = Mark(view.offsets.to_qt(start), view.offsets.to_qt(end), None, 0, "")  # type: ignore[arg-type]
    block = view.document().findBlock(mark.start)
    geometry = view.blockBoundingGeometry(block).translated(view.contentOffset())
    return [rect.adjusted(0, view.band, 0, 0) for rect in view._segments(mark, block, geometry)]


def changed_pixels(a: QImage, b: QImage) -> list[tuple[int, int]]:
    return [(x, y) for y in range(a.height()) for x in range(a.width()) if a.pixel(x, y) != b.pixel(x, y)]


def letters_box(window) -> list[QRectF]:
    """The letters of every line on screen: each line's rectangle below its tag band."""
    view = window.view
    boxes = []
    block = view.firstVisibleBlock()
    while block.isValid():
        geometry = view.blockBoundingGeometry(block).translated(view.contentOffset())
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            top = geometry.top() + line.y() + view.band
            boxes.append(QRectF(geometry.left() + line.x(), top + 1, line.naturalTextWidth(), line.height() - view.band - 1))
        block = block.next()
    return boxes


def test_label_tags_sit_above_the_letters_and_are_not_cut_off(qtbot, make_window, tagged: Path) -> None:
    window = make_window(tagged, worker=None)
    window.editor.select(None)
    with_tags = grab(window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not window.view.show_tags and not window.actions_by_id["toggle_tags"].isChecked()
    without = grab(window)
    changed = changed_pixels(with_tags, without)
    assert changed, "the tags are painted"
    boxes = letters_box(window)
    assert not [p for p in changed if any(box.contains(p[0] + 0.5, p[1] + 0.5) for box in boxes)], "a tag covers letters"
    # The first line's tag (PERSON over "John Kirby") is inside the viewport, above its letters.
    text = window.session.current.text
    (first,) = text_rects(window, text.index("John Kirby"), text.index("John Kirby") + 10)
    assert first.top() - window.view.band >= 0
    assert any(first.left() <= x <= first.right() and first.top() - window.view.band <= y < first.top() for x, y in changed)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.view.show_tags


def test_role_tags_and_outlines_leave_the_letters_alone(qtbot, make_window, tagged: Path) -> None:
    window = make_window(tagged, worker=None)
    window.view.set_show_tags(False)  # so the selected event's role tags are all that is added
    window.editor.select(None)
    before = grab(window)
    event = window.session.current.visible_events()[0]
    window.editor.select(event.uid)
    after = grab(window)
    changed = changed_pixels(before, after)
    for argument in event.arguments:
        for rect in text_rects(window, argument.span.start, argument.span.end):
            inside = rect.adjusted(1, 1, -1, -1)
            assert not [p for p in changed if inside.contains(p[0] + 0.5, p[1] + 0.5)], f"the {argument.role} outline covers its word"
            # Its role tag is drawn in the band above the word.
            assert any(rect.left() <= x <= rect.right() and rect.top() - window.view.band <= y < rect.top() for x, y in changed)
    boxes = letters_box(window)
    argument_boxes = [r for a in event.arguments for r in text_rects(window, a.span.start, a.span.end)]
    trigger_boxes = text_rects(window, event.trigger.start, event.trigger.end)
    stray = [p for p in changed if any(b.contains(p[0] + 0.5, p[1] + 0.5) for b in boxes)
             and not any(r.adjusted(-4, -4, 4, 4).contains(p[0] + 0.5, p[1] + 0.5) for r in argument_boxes + trigger_boxes)]
    assert not stray, "a role tag covers another word"


def test_selected_suggestion_outline_does_not_hide_the_word(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    qtbot.waitUntil(lambda: bool(window.session.current.pending.spans), timeout=5000)
    window.view.set_show_tags(False)
    suggestion = window.session.current.pending.spans[0]
    window.editor.select(None)
    before = grab(window)
    window.editor.select(suggestion.uid, reveal=False)
    after = grab(window)
    changed = changed_pixels(before, after)
    assert changed, "the selection is visible"
    for rect in text_rects(window, suggestion.start, suggestion.end):
        inside = rect.adjusted(1, 1, -1, -1)
        assert not [p for p in changed if inside.contains(p[0] + 0.5, p[1] + 0.5)]


def test_zoom_and_wrap_from_the_view_menu(qtbot, make_window, tagged: Path) -> None:
    window = make_window(tagged, worker=None)
    assert "View" in window.menus
    size = window.view.font().pointSizeF()
    block = window.view.document().lastBlock().previous()
    height = window.view.blockBoundingRect(block).height()
    window.actions_by_id["zoom_in"].trigger()
    window.actions_by_id["zoom_in"].trigger()
    assert window.view.font().pointSizeF() == size + 2
    assert window.view.blockBoundingRect(block).height() > height
    window.actions_by_id["zoom_reset"].trigger()
    assert window.view.font().pointSizeF() == size
    window.actions_by_id["zoom_out"].trigger()
    assert window.view.font().pointSizeF() == size - 1
    assert window.view.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    window.actions_by_id["toggle_wrap"].trigger()
    assert window.view.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    assert not window.actions_by_id["toggle_wrap"].isChecked()


def test_keyboard_sheet_shows_every_key_whole(qtbot, make_window, tagged: Path) -> None:
    window = make_window(tagged, worker=None)
    window.show_shortcuts()
    dialog = window.chooser
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    table = dialog.table
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        for column in (0, 1, 2):
            text = table.item(row, column).text()
            assert metrics.horizontalAdvance(text) <= table.columnWidth(column), f"{text!r} is cut"
    dialog.close()


def test_dark_desktop_gives_a_dark_window(qtbot, make_window, tagged: Path, monkeypatch) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from annotator.gui import view_menu

    app = QApplication.instance()
    style, palette = app.style().name(), app.palette()
    monkeypatch.setattr(view_menu, "is_dark", lambda: True)  # the desktop says dark (offscreen has no desktop)
    try:
        window = make_window(tagged, worker=None)
        base = window.view.palette().color(QPalette.ColorRole.Base)
        text = window.view.palette().color(QPalette.ColorRole.Text)
        assert base.lightness() < 60 and text.lightness() > 180
        image = window.view.viewport().grab().toImage()
        assert image.pixelColor(image.width() - 5, image.height() - 5).lightness() < 60
    finally:
        app.setStyle(style)
        app.setPalette(palette)
