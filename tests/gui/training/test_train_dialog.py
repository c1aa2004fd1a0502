"""*Tools > Train from gold* in the window: training off the UI thread, the scores chart, re-suggesting."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.gui.training.scores_dialog import ScoresDialog, chart_rows
from annotator.gui.training.train_dialog import TrainActions
from annotator.store.models import list_models
from annotator.store.project import ProjectStore


@pytest.mark.training
def test_train_from_gold_runs_in_the_background_then_charts_and_resuggests(tmp_path: Path, make_window, qtbot, tiny_gold_maker) -> None:
    path = tmp_path / "train.db"
    tiny_gold_maker(path)
    window = make_window(path)
    with ProjectStore.open(path) as store:
        store.set_setting("train.max_minutes", 5.0)
    training: TrainActions = window.training
    def answer_setup() -> None:  # Tools > Train a suggester… first asks the layer: gold, all of it
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "train_setup":
            QTimer.singleShot(20, answer_setup)
            return
        assert dialog.chosen() == ("gold", "any")  # gold and its default status, as annotator train
        dialog.accept()

    QTimer.singleShot(0, answer_setup)
    with qtbot.waitSignal(training.finished, timeout=600_000) as finished:
        window.actions_by_id["train_from_gold"].trigger()
        assert training.thread is not None and training.thread.isRunning()
        assert training.progress is not None and training.progress.isVisible()
    report = finished.args[0]
    assert report is not None, training.error
    assert report.model.name == "trained:1"
    with ProjectStore.open(path) as store:
        assert [m.name for m in list_models(store)] == ["trained:1"]
    dialog = training.scores
    assert isinstance(dialog, ScoresDialog) and dialog.isVisible()
    # The untrained suggester knows no TEAM: the new model measured better, was adopted, and the
    # default button keeps it; the chart says on how many gold examples.
    assert training.outcome.adopted and dialog.default_button is dialog.resuggest_button
    assert "trained:1 measured better" in dialog.verdict_label.text()
    assert dialog.chart.examples[0] == report.trained["spans_exact"]["gold"] > 0
    titles = [row[0] for row in dialog.chart.rows]
    assert titles[:3] == ["entities", "event triggers", "event arguments"]
    assert "  Sport:Score (trigger)" in titles and "  TEAM" in titles
    # Re-suggesting asks for the documents the analyst has not marked done, and only those.
    first = window.store.document_ids()[0]
    assert sorted(training.resuggest()) == window.store.document_ids()  # the analyst has done nothing yet
    window.open_document(first)
    window.done_next()  # the analyst marks the first document done
    asked = training.resuggest()
    assert first not in asked and sorted(asked) == window.store.document_ids()[1:]


def test_chart_rows_put_trained_next_to_untrained() -> None:
    def scores(f1: float, gold: int = 1) -> dict:
        return {"f1": f1, "gold": gold}

    class Report:
        trained = {
            "spans_exact": scores(0.8), "event_triggers": scores(0.6), "event_arguments": scores(0.4),
            "per_label": {"PER": {"spans_exact": scores(0.9)}, "DATE": {"spans_exact": scores(0.0, gold=0)}},
            "per_event_type": {"Attack": {"event_triggers": scores(0.7)}},
        }
        untrained = {
            "spans_exact": scores(0.1), "event_triggers": scores(0.2), "event_arguments": scores(0.05),
            "per_label": {}, "per_event_type": {"Attack": {"event_triggers": scores(0.5)}},
        }

    assert chart_rows(Report()) == [
        ("entities", 0.8, 0.1), ("event triggers", 0.6, 0.2), ("event arguments", 0.4, 0.05),
        ("  PER", 0.9, 0.0), ("  Attack (trigger)", 0.7, 0.5),
    ]
