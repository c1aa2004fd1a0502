"""*Accept suggestions above N %* in the window: the dialog, one edit for the article, one undo."""

from __future__ import annotations

from pathlib import Path

from annotator.gui.editing.accept_above import AcceptAboveDialog
from annotator.model.annotations import AnnotationSet, Decision, Origin, Provenance, Span, SpanAnnotation
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.project import ProjectStore

FAKE_LAYER = "spacy:fake-1.0"  # the stand-in suggester's layer (tests/gui/conftest.py)


def test_accept_above_accepts_what_qualifies_and_one_undo_takes_it_back(qtbot, make_window, gui_project: Path) -> None:
    provenance = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester=FAKE_LAYER)
    with ProjectStore.open(gui_project) as store:
        document_id = store.document_ids()[0]
        layer = store.ensure_layer(FAKE_LAYER, LayerKind.SUGGESTIONS)
        spans = (
            SpanAnnotation(Span(0, 4, "GPE"), "s1", provenance, confidence=0.97),
            SpanAnnotation(Span(5, 9, "GPE"), "s2", provenance, confidence=0.75),
            SpanAnnotation(Span(10, 14, "PERSON"), "s3", provenance, confidence=0.99),
            SpanAnnotation(Span(15, 19, "GPE"), "s4", provenance),
        )
        store.replace_annotations(layer.id, document_id, AnnotationSet(spans))
        store.set_status(layer.id, document_id, DocStatus.DONE)
    window = make_window(gui_project)
    window.open_document(document_id)
    qtbot.waitUntil(lambda: len(window.session.current.pending.spans) == 4, timeout=5000)
    window.editor.select("s2")  # an entity suggestion shows its confidence as an event's does
    assert "model confidence: <b>75%</b>" in window.side.details.text()
    window.actions_by_id["accept_above"].trigger()
    dialog = window.chooser
    assert isinstance(dialog, AcceptAboveDialog) and dialog.isVisible()
    dialog.percent.setValue(90)
    dialog.label.setCurrentIndex(dialog.label.findData("GPE"))
    with qtbot.waitSignal(dialog.chosen):
        dialog.accept()
    own = window.session.current.own.spans
    assert [(a.provenance.source_uid, a.provenance.accepted_above) for a in own] == [("s1", 0.9)]
    assert {a.uid for a in window.session.current.pending.spans} == {"s2", "s3", "s4"}
    window.editor.select(own[0].uid)
    assert "accepted above 90%" in window.side.details.text()
    with ProjectStore.open(gui_project) as store:
        stored = store.annotations(store.layer(window.session.layer_name).id, document_id)
        assert [(a.provenance.source_uid, a.provenance.accepted_above) for a in stored.spans] == [("s1", 0.9)]
    # All labels at 70 %: the rest with a confidence, in one step.
    window.editor.accept_above(0.7)
    assert sorted(a.provenance.source_uid for a in window.session.current.own.spans) == ["s1", "s2", "s3"]
    window.actions_by_id["undo"].trigger()  # one undo takes back the whole second run
    assert [a.provenance.source_uid for a in window.session.current.own.spans] == ["s1"]
    with ProjectStore.open(gui_project) as store:
        assert len(store.annotations(store.layer(window.session.layer_name).id, document_id).spans) == 1
