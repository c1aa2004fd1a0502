"""Relations in the window: link two spans from the keyboard, see them listed and drawn, reject,
delete and undo, all reaching the project file (issue 10)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from test_main_window import choose, saved

from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.layer import LayerKind
from annotator.model.relation_schema import RelationType
from annotator.store.project import ProjectStore


def _prepare(path: Path) -> tuple[int, Span, Span]:
    """Alice's layer with a PERSON and a GPE span in the first article; a Located type in the schema."""
    with ProjectStore.open(path) as store:
        schema = store.schema()
        store.set_schema(replace(schema, relations=(RelationType("Located", ("PERSON",), ("GPE",), color="#aa3300"),
                                                    RelationType("Founded", ("ORG",), ("ORG",)))))  # type: ignore[arg-type]
        document_id = store.document_ids()[0]
        text = store.document(document_id).text
        person_at = text.index("Kirby")
        person = Span(person_at, person_at + len("Kirby"), "PERSON")
        place_at = text.index("Pentagon")
        place = Span(place_at, place_at + len("Pentagon"), "GPE")
        layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        store.add_annotations(layer.id, document_id, AnnotationSet((SpanAnnotation(person), SpanAnnotation(place))))  # type: ignore[arg-type]
    return document_id, person, place


def test_link_list_draw_reject_delete_and_undo(qtbot, make_window, gui_project: Path) -> None:
    document_id, person, place = _prepare(gui_project)
    window = make_window(gui_project)
    window.open_document(document_id)
    own = {a.span: a.uid for a in window.session.current.own.spans}
    window.editor.select(own[person])
    window.relations.actions["relation_link"].trigger()
    assert window.relations.head is not None and "select the other span" in window.statusBar().currentMessage()
    window.editor.select(own[place])
    window.relations.actions["relation_link"].trigger()
    chooser = window.chooser
    # Only the type the schema allows from PERSON to GPE is offered.
    qtbot.waitUntil(lambda: chooser.isVisible(), timeout=2000)
    # (and, last, the entry that adds a new type to the schema)
    assert [chooser.list.item(i).data(256) for i in range(chooser.list.count())] == ["Located", "\x00new"]
    choose(qtbot, window, "Loc", then_return=True)

    (relation,) = saved(gui_project)[document_id][0].relations
    assert (relation.type, relation.head.span, relation.child.span) == ("Located", person, place)
    assert window.relations.list.count() == 1 and "Located" in window.relations.list.item(0).text()
    (arc,) = window.relations.overlay.arcs
    assert arc.caption == "Located" and window.relations.overlay.anchors(arc) is not None
    window.relations.overlay.repaint()  # the drawing itself runs without error

    window.relations.list.setCurrentRow(0)
    window.relations.actions["relation_reject"].trigger()
    assert saved(gui_project)[document_id][0].relations[0].provenance.is_rejected
    assert window.relations.overlay.arcs == []  # a rejected relation is listed, not drawn
    window.actions_by_id["undo"].trigger()
    assert not saved(gui_project)[document_id][0].relations[0].provenance.is_rejected
    window.relations.list.setCurrentRow(0)
    window.relations.actions["relation_delete"].trigger()
    assert saved(gui_project)[document_id][0].relations == ()
    assert window.relations.list.count() == 0
    window.actions_by_id["undo"].trigger()
    assert len(saved(gui_project)[document_id][0].relations) == 1 and window.relations.list.count() == 1


def test_deleting_a_span_takes_its_relation_and_undo_brings_both(qtbot, make_window, gui_project: Path) -> None:
    document_id, person, place = _prepare(gui_project)
    window = make_window(gui_project)
    window.open_document(document_id)
    own = {a.span: a.uid for a in window.session.current.own.spans}
    window.editor.select(own[person])
    window.relations.actions["relation_link"].trigger()
    window.editor.select(own[place])
    window.relations.actions["relation_link"].trigger()
    choose(qtbot, window, "", then_return=True)
    window.editor.select(own[place])
    window.actions_by_id["delete"].trigger()
    annotations = saved(gui_project)[document_id][0]
    assert annotations.relations == () and [a.span for a in annotations.spans] == [person]
    window.actions_by_id["undo"].trigger()
    annotations = saved(gui_project)[document_id][0]
    assert len(annotations.relations) == 1 and len(annotations.spans) == 2
