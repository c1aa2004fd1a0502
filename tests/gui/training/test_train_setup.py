"""Training in the window: the analyst picks the layer and status; expected conditions are
messages, never tracebacks; a model measured worse is stored but not adopted by default."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.gui.training.scores_dialog import ScoresDialog
from annotator.gui.training.train_setup import TrainOutcome
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.layer import DocStatus, LayerKind
from annotator.review.model_choice import compare
from annotator.store.models import TRAINED_MODEL_SETTING, current_model, save_model
from annotator.store.project import ProjectStore


def _alice_only(path: Path) -> None:
    """A lone analyst's project: no gold layer, one document of her own marked done."""
    from annotator.app.workspace import create_project

    with create_project(path) as store:
        from annotator.model.document import Document

        ids = [store.add_document(Document(f"Talks in Kabul, day {n}."), None) for n in range(3)]
        alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        store.add_annotations(alice.id, ids[0], AnnotationSet((SpanAnnotation(Span(9, 14, "GPE")),)))  # type: ignore[arg-type]
        store.set_status(alice.id, ids[0], DocStatus.DONE)  # type: ignore[arg-type]


def test_a_lone_analyst_picks_their_layer_and_too_few_documents_is_a_message(tmp_path: Path, make_window, qtbot, monkeypatch, caplog) -> None:
    path = tmp_path / "alone.db"
    _alice_only(path)
    window = make_window(path, worker=None)
    offered = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "train_setup":
            QTimer.singleShot(20, answer)
            return
        offered.append([dialog.layer.itemText(i) for i in range(dialog.layer.count())])
        offered.append(dialog.chosen())
        dialog.accept()

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    QTimer.singleShot(0, answer)
    caplog.set_level(logging.ERROR)
    with qtbot.waitSignal(window.training.finished, timeout=60_000) as finished:
        window.actions_by_id["train_from_gold"].trigger()
    assert offered[0] == ["alice (annotator): 1 done of 1"] and offered[1] == ("alice", "done")
    assert finished.args[0] is None
    assert "needs at least" in warnings[0] and "--layer" not in warnings[0]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback logged
    assert window.store.setting("train.layer") == "alice"  # background retraining reads the same layer


def _report(model, trained: dict, untrained: dict):
    return SimpleNamespace(
        model=model, layer="gold", status="any", documents=4, seconds=3.0,
        trained={**trained, "documents": 4}, untrained={**untrained, "documents": 4},
    )


def _scores(entities: float, fac: float) -> dict:
    return {
        "spans_exact": {"f1": entities, "gold": 12}, "event_triggers": {"f1": 0.0, "gold": 0},
        "event_arguments": {"f1": 0.0, "gold": 0},
        "per_label": {"FAC": {"spans_exact": {"f1": fac, "gold": 2}}}, "per_event_type": {},
    }


def test_a_worse_model_is_kept_out_and_the_default_button_keeps_the_untrained(tmp_path: Path, make_window, qtbot) -> None:
    path = tmp_path / "worse.db"
    _alice_only(path)
    window = make_window(path, worker=None)
    store = window.store
    model = save_model(store, "gold", 4, "base", {}, b"x")  # stored as training does...
    store.set_setting(TRAINED_MODEL_SETTING, "default")  # ...then put back, as train_and_judge does for a worse one
    trained, untrained = _scores(0.92, 0.0), _scores(0.98, 1.0)
    verdict = compare(trained, untrained)
    training = window.training
    training.outcome = TrainOutcome(_report(model, trained, untrained), verdict, False, None)
    dialog = ScoresDialog(training.outcome.report, window, verdict, adopted=False)
    qtbot.addWidget(dialog)
    assert dialog.default_button is dialog.keep_button and dialog.keep_button.isDefault()
    assert "the untrained suggester measured better" in dialog.verdict_label.text() and "FAC" in dialog.verdict_label.text()
    assert dialog.chart.examples == [12, 0, 0, 2]
    assert current_model(store) is None  # not adopted
    # The analyst chooses the new model anyway: it becomes the suggester.
    dialog.resuggest_requested.connect(training.adopt_and_resuggest)
    dialog.resuggest_button.click()
    assert current_model(store).name == model.name and training.outcome.adopted
    # And back: keeping the previous one restores the untrained suggester.
    training.keep_previous()
    assert current_model(store) is None
