"""An arc between two spans on the article's first line is drawn whole, inside the article
(there is no room above the first line: it used to rise out of the viewport and be cut off)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.layer import LayerKind
from annotator.model.relation_schema import RelationType
from annotator.model.relations import Relation, RelationEnd
from annotator.app.workspace import create_project

ARC = "#ff00ff"  # no label of the default schema is magenta


def _project(tmp_path: Path) -> tuple[Path, int]:
    text = "John Kirby visited Kabul on Monday.\n\n" + "\n\n".join(f"Paragraph {i} says little." for i in range(30))
    (tmp_path / "first.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "first.db"
    with create_project(path) as store:
        assert import_paths(store, [tmp_path / "first.txt"]).ok
        store.set_schema(replace(store.schema(), relations=(RelationType("Located", ("PERSON",), ("GPE",), color=ARC),)))  # type: ignore[arg-type]
        document = store.document_ids()[0]
        person = Span(text.index("Kirby"), text.index("Kirby") + 5, "PERSON")
        place = Span(text.index("Kabul"), text.index("Kabul") + 5, "GPE")
        layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        relation = Relation("Located", (RelationEnd(person), RelationEnd(place)))
        store.add_annotations(layer.id, document, AnnotationSet((SpanAnnotation(person), SpanAnnotation(place)), (), (relation,)))  # type: ignore[arg-type]
    return path, document


def _magenta_rows(view) -> set[int]:
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    rows = set()
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.red() - colour.green() > 80 and colour.blue() - colour.green() > 80:
                rows.add(y)
    return rows


def test_an_arc_on_the_first_line_is_not_cut_off(qtbot, make_window, tmp_path: Path) -> None:
    path, document = _project(tmp_path)
    window = make_window(path, worker=None)
    window.resize(1024, 700)
    window.open_document(document)
    view = window.view
    assert view.verticalScrollBar().value() == 0
    (arc,) = window.relations.overlay.arcs
    rows = _magenta_rows(view)
    # The curve and its caption ("Located", in the arc's colour) are both on screen: many rows of
    # magenta, and the caption's box lies wholly inside the viewport.
    assert rows and max(rows) - min(rows) >= 12, sorted(rows)
    box = window.relations.overlay.captions[arc.uid]
    assert view.viewport().rect().toRectF().contains(box), box
