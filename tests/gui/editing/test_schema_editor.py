"""Relation types and labels added from the window, saved to the project's schema (issue 23 item 6)."""

from __future__ import annotations

from pathlib import Path

from test_main_window import choose, saved

from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.layer import LayerKind
from annotator.store.project import ProjectStore


def _two_spans(path: Path) -> tuple[int, Span, Span]:
    with ProjectStore.open(path) as store:
        assert store.schema().relations == ()  # the default project declares none
        document = store.document_ids()[0]
        text = store.document(document).text
        person = Span(text.index("Kirby"), text.index("Kirby") + 5, "PERSON")
        place = Span(text.index("Pentagon"), text.index("Pentagon") + 8, "ORG")
        layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        store.add_annotations(layer.id, document, AnnotationSet((SpanAnnotation(person), SpanAnnotation(place))))  # type: ignore[arg-type]
    return document, person, place


def test_first_link_says_no_types_and_the_chooser_adds_one(qtbot, make_window, gui_project: Path) -> None:
    document, person, place = _two_spans(gui_project)
    window = make_window(gui_project)
    window.open_document(document)
    own = {a.span: a.uid for a in window.session.current.own.spans}
    window.editor.select(own[person])
    window.relations.actions["relation_link"].trigger()
    assert "no relation types yet" in window.statusBar().currentMessage()  # at once, on the first Ctrl+K
    window.editor.select(own[place])
    window.relations.actions["relation_link"].trigger()
    chooser = window.chooser
    qtbot.waitUntil(chooser.isVisible, timeout=2000)
    assert chooser.list.count() == 1 and "New relation type" in chooser.list.item(0).text()
    choose(qtbot, window, "Works_for", then_return=True)
    with ProjectStore.open(gui_project) as store:
        (kind,) = store.schema().relations
    assert kind.name == "Works_for" and kind.key  # a key to pick it in the chooser next time
    (relation,) = saved(gui_project)[document][0].relations
    assert (relation.type, relation.head.span, relation.child.span) == ("Works_for", person, place)
    # The next link offers the new type, by its key.
    window.editor.select(own[place])
    window.relations.actions["relation_link"].trigger()
    assert "select the other span" in window.statusBar().currentMessage()
    window.editor.select(own[person])
    window.relations.actions["relation_link"].trigger()
    chooser = window.chooser
    qtbot.waitUntil(chooser.isVisible, timeout=2000)
    assert [chooser.list.item(i).data(256) for i in range(chooser.list.count())][0] == "Works_for"


def test_a_bad_type_name_is_refused_with_the_rule(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    assert window.schema_editor.add_relation_type("works for") is None
    assert "cannot be used" in window.statusBar().currentMessage() and "works_for" in window.statusBar().currentMessage()
    with ProjectStore.open(gui_project) as store:
        assert store.schema().relations == ()


def test_new_label_from_the_labels_menu_gets_a_key_that_applies_it(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    window.schema_editor.actions["new_label"].trigger()
    dialog = window.chooser
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.setTextValue("WEAPON")
    dialog.accept()
    with ProjectStore.open(gui_project) as store:
        label = store.schema().entity("WEAPON")
    assert label is not None and label.key and label.key not in "eax0123456789"
    assert "label:WEAPON" in window.label_action_objects  # the key is live at once
    start = window.session.current.text.index("Kirby")
    window.view.select(start, start + 5)
    window.label_action_objects["label_exact:WEAPON"].trigger()
    spans = saved(gui_project)[window.session.current.id][0].spans
    assert [(s.span.start, s.span.label) for s in spans] == [(start, "WEAPON")]
    # A name already in the schema is refused.
    assert window.schema_editor.add_label("PERSON") is None
