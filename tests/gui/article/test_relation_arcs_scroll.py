"""Relation arcs stay on their spans at every scroll position, in annotating and in review
(issue 23 item 2): the article is rendered offscreen, its viewport grabbed, and the arc's pixels
(a colour nothing else uses) must lie just above its two spans.

The arcs used to be a child widget of the viewport, which Qt moves with the pixels on every
scroll: a screenful too high once the view had scrolled to a relation further down."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.layer import LayerKind
from annotator.model.relation_schema import RelationType
from annotator.model.relations import Relation, RelationEnd
from annotator.app.workspace import create_project

ARC = "#ff00ff"  # no label of the default schema is magenta


def _text() -> str:
    before = "\n\n".join(f"Paragraph {i} is filler text that says nothing much at all." for i in range(60))
    after = "\n\n".join(f"Tail {i} filler." for i in range(40))
    return f"{before}\n\nJohn Kirby visited Kabul on Monday.\n\n{after}"


def _project(tmp_path: Path, layers: dict[str, str]) -> tuple[Path, int, Span, Span]:
    """One long article; in each named layer a PERSON and a GPE span and, where the layer's value
    says "relation", a Located relation between them; "DATE"/"TIME" label "Monday"."""
    (tmp_path / "long.txt").write_text(_text(), encoding="utf-8")
    path = tmp_path / "arcs.db"
    with create_project(path) as store:
        assert import_paths(store, [tmp_path / "long.txt"]).ok
        store.set_schema(replace(store.schema(), relations=(RelationType("Located", ("PERSON",), ("GPE",), color=ARC),)))  # type: ignore[arg-type]
        document = store.document_ids()[0]
        text = store.document(document).text
        person = Span(text.index("Kirby"), text.index("Kirby") + 5, "PERSON")
        place = Span(text.index("Kabul"), text.index("Kabul") + 5, "GPE")
        monday = text.index("Monday")
        for name, what in layers.items():
            kind = LayerKind.GOLD if name == "gold" else LayerKind.ANNOTATOR
            layer = store.ensure_layer(name, kind)
            spans = [SpanAnnotation(person), SpanAnnotation(place)]
            if what in ("DATE", "TIME"):
                spans.append(SpanAnnotation(Span(monday, monday + 6, what)))
            relations = (Relation("Located", (RelationEnd(person), RelationEnd(place))),) if what == "relation" else ()
            store.add_annotations(layer.id, document, AnnotationSet(tuple(spans), (), relations))  # type: ignore[arg-type]
    return path, document, person, place


def _arc_pixels(view) -> list[tuple[int, int]]:
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    found = []
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            # Magenta, also where antialiasing blends the thin line with the white behind it.
            if colour.red() - colour.green() > 80 and colour.blue() - colour.green() > 80:
                found.append((x, y))
    return found


def _span_rect(view, span: Span) -> QRect:
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_qt(span.start))
    first = view.cursorRect(cursor)
    cursor.setPosition(view.offsets.to_qt(span.end))
    last = view.cursorRect(cursor)
    return first.united(last)


def _assert_arc_on(view, head: Span, child: Span) -> None:
    pixels = _arc_pixels(view)
    assert pixels, "no arc on screen"
    ends = _span_rect(view, head).united(_span_rect(view, child))
    assert view.viewport().rect().contains(ends), "the spans are not on screen"
    xs, ys = [x for x, _ in pixels], [y for _, y in pixels]
    # Between its spans, rising at most ~60 px above their line and ending on it.
    assert ends.left() - 6 <= min(xs) and max(xs) <= ends.right() + 6, (min(xs), max(xs), ends)
    assert ends.top() - 60 <= min(ys) and max(ys) <= ends.top() + 3, (min(ys), max(ys), ends)
    assert max(ys) >= ends.top() - 4, "the arc does not reach its spans"


def _scroll(view, lines: int) -> None:
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + lines)


def test_arc_follows_its_spans_when_the_article_scrolls(qtbot, make_window, tmp_path: Path) -> None:
    path, document, person, place = _project(tmp_path, {"alice": "relation"})
    window = make_window(path, worker=None)
    window.resize(1100, 700)
    window.open_document(document)
    (arc,) = window.relations.overlay.arcs
    view = window.view
    view.reveal(place.start)  # the relation is a few screens down
    assert view.verticalScrollBar().value() > 0
    _assert_arc_on(view, person, place)
    for lines in (3, -1, -2, 2):  # wheel notches (3 lines) and single lines, both ways
        _scroll(view, lines)
        _assert_arc_on(view, person, place)
    _scroll(view, -10_000)  # back at the top, the spans (and the arc) are off screen
    assert _arc_pixels(view) == []


def test_gold_arc_follows_its_spans_after_f8_scrolls_in_review(qtbot, make_window, tmp_path: Path) -> None:
    path, document, person, place = _project(tmp_path, {"gold": "relation", "alice": "DATE", "bob": "TIME"})
    window = make_window(path, annotator="rita", worker=None)
    window.resize(1100, 700)
    window.review.start(["alice", "bob"])
    # The queue opens the document with the most disagreements once it is ranked (in a thread).
    qtbot.waitUntil(lambda: window.review.queue.rowCount() > 0 and bool(window.review.items), timeout=10000)
    assert [arc.caption for arc in window.relations.overlay.arcs] == ["Located"]  # gold's relation
    window.review.next_disagreement(1)  # "Monday": DATE or TIME, beside the gold relation
    view = window.view
    assert view.verticalScrollBar().value() > 0
    _assert_arc_on(view, person, place)
    _scroll(view, 3)
    _assert_arc_on(view, person, place)
