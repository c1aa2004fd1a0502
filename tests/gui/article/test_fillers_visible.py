"""An event's argument filler that is no span of its own is visible without selecting the event
(a dotted underline in the event's colour); one that is also a span shows as that span."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation
from annotator.model.layer import LayerKind
from annotator.store.project import ProjectStore


def _add_event(path: Path) -> tuple[int, Span, Span]:
    with ProjectStore.open(path) as store:
        document = store.document_ids()[0]
        text = store.document(document).text
        word = text.split()[3]
        at = text.index(word)
        trigger = Span(at, at + len(word), "Movement:Transport")
        later = text.index(text.split()[8], at + len(word))
        filler = Span(later, later + len(text.split()[8]), "GPE")
        layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        event = Event(trigger, (Argument("Destination", filler),))
        store.add_annotations(layer.id, document, AnnotationSet((), (event,)))  # type: ignore[arg-type]
    return document, trigger, filler


def test_a_filler_shows_with_its_event_unselected(qtbot, make_window, gui_project: Path) -> None:
    document, _trigger, filler = _add_event(gui_project)
    window = make_window(gui_project, worker=None)
    window.open_document(document)
    window.editor.select(None)
    QApplication.processEvents()
    view = window.view
    (mark,) = window.fillers.marks
    assert (mark.start, mark.end) == (view.offsets.to_qt(filler.start), view.offsets.to_qt(filler.end))
    # Pixels: under the filler's word, something is drawn that the plain text does not have.
    cursor = view.textCursor()
    cursor.setPosition(mark.start)
    left = view.cursorRect(cursor)
    cursor.setPosition(mark.end)
    right = view.cursorRect(cursor)
    band = left.united(right).adjusted(0, left.height() // 2, 0, 0)
    with_fillers = view.viewport().grab(band).toImage()
    window.fillers.set([])
    QApplication.processEvents()
    without = view.viewport().grab(band).toImage()
    assert with_fillers != without


def test_a_filler_that_is_a_span_gets_no_extra_mark(qtbot, make_window, gui_project: Path) -> None:
    document, _trigger, filler = _add_event(gui_project)
    with ProjectStore.open(gui_project) as store:
        layer = store.layer("alice")
        store.add_annotations(layer.id, document, AnnotationSet((SpanAnnotation(filler),)))  # type: ignore[union-attr]
    window = make_window(gui_project, worker=None)
    window.open_document(document)
    assert window.fillers.marks == []
