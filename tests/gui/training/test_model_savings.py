"""The training result dialog shows what the model the analysts worked with saved them: its
suggestions accepted unedited, corrected and rejected per label and type, and working time."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from PySide6.QtWidgets import QWidget

from annotator.gui.training.model_savings import ModelSavings
from annotator.gui.training.scores_dialog import ScoresDialog
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store.models import save_model
from annotator.store.project import ProjectStore

SCORES = {"trained": {"spans_exact": 0.61, "event_triggers": 0.52, "event_arguments": 0.3}, "untrained": {}}


def _p(decision: Decision, at: str) -> Provenance:
    return Provenance(Origin.SUGGESTED, decision, "ann", "trained:1", None, at, at)


def _report(name: str) -> SimpleNamespace:
    empty = {"precision": 0.0, "recall": 0.0, "f1": 0.5, "gold": 1}
    measures = {"spans_exact": empty, "event_triggers": empty, "event_arguments": empty, "per_label": {}, "per_event_type": {}}
    return SimpleNamespace(model=SimpleNamespace(name=name), layer="gold", status="done", documents=8, seconds=12.0, trained={**measures, "documents": 8}, untrained=measures)


def test_the_training_result_shows_the_previous_models_decisions_and_working_time(tmp_path: Path, qtbot) -> None:
    with ProjectStore.open(tmp_path / "p.db") as store:
        save_model(store, "gold", 8, "base", SCORES, b"")
        ann = store.ensure_layer("ann", LayerKind.ANNOTATOR)
        doc = store.add_document(Document("z" * 100), None)
        store.add_annotations(ann.id, doc, AnnotationSet(
            (
                SpanAnnotation(Span(0, 3, "PERSON"), provenance=_p(Decision.ACCEPTED, "2099-01-01T10:00:00Z")),
                SpanAnnotation(Span(5, 8, "PERSON"), provenance=_p(Decision.EDITED, "2099-01-01T10:02:00Z")),
                SpanAnnotation(Span(9, 12, "GPE"), provenance=_p(Decision.REJECTED, "2099-01-01T11:00:00Z")),
            ),
            (Event(Span(20, 23, "Conflict:Attack"), provenance=_p(Decision.REJECTED, "2099-01-01T11:01:00Z")),),
        ))
        new = save_model(store, "gold", 9, "base", SCORES, b"")
        window = QWidget()
        window.store = store  # what the dialog reads its figures from, as on the main window
        qtbot.addWidget(window)
        dialog = ScoresDialog(_report(new.name), window)
        qtbot.addWidget(dialog)
        panel = dialog.findChild(ModelSavings)
        assert panel is not None
        rows = {
            panel.table.item(r, 0).text(): [panel.table.item(r, c).text() for c in (1, 2, 3)]
            for r in range(panel.table.rowCount())
        }
        assert rows == {"entity GPE": ["0", "0", "1"], "entity PERSON": ["1", "1", "0"], "event Conflict:Attack": ["0", "0", "1"]}
        text = panel.summary.text()
        assert "trained:1" in text and "triggers 0.52" in text
        assert "accepted 1 of its suggestions unedited, corrected 1 and rejected 2" in text
        # 2 min, then a 58-minute pause (left out), then 1 min: 3 minutes of work on the document.
        assert "median 3.0 min over 1 document(s)" in text and "5 minutes" in text


def test_without_a_stored_model_the_panel_says_so(qtbot) -> None:
    panel = ModelSavings(None)
    qtbot.addWidget(panel)
    assert "No stored model" in panel.summary.text() and panel.table.isHidden()
