"""Retraining in the background after every N documents marked done (off by default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.gui.training.train_dialog import TrainActions
from annotator.store.models import list_models
from annotator.store.project import ProjectStore
from annotator.store.retrain import done_since_last_model, retrain_every


@pytest.mark.training
def test_marking_the_nth_document_done_retrains_in_the_background(tmp_path: Path, make_window, qtbot, tiny_gold_maker) -> None:
    path = tmp_path / "retrain.db"
    tiny_gold_maker(path)  # 8 gold documents, all done, no model yet
    with ProjectStore.open(path) as store:
        store.set_setting("train.max_minutes", 5.0)
    window = make_window(path)
    training: TrainActions = window.training
    ids = window.store.document_ids()
    # Off by default: marking done trains nothing.
    assert retrain_every(window.store) == 0
    window.open_document(ids[0])
    window.done_next()
    assert training.thread is None
    # On, every 9: the analyst's marks are not in gold, the layer training reads, so they never
    # start a training (gold's 8 marks do, when there is no model yet).
    training.set_retrain_every(9)
    window.open_document(ids[1])
    window.done_next()
    assert training.thread is None
    training.set_retrain_every(8)
    window.open_document(ids[2])
    with qtbot.waitSignal(training.finished, timeout=600_000) as finished:
        window.done_next()
        assert training.thread is not None and training.thread.isRunning()
        assert training.background and training.progress is None  # no modal dialog: the window stays usable
        window.open_document(ids[3])  # the analyst carries on meanwhile
        assert window.session.current.id == ids[3]
        assert not training.document_done()  # never a second training while one runs
    report = finished.args[0]
    assert report is not None, training.error
    assert [m.name for m in list_models(window.store)] == ["trained:1"]
    assert training.scores is None  # no scores dialog in the analyst's way
    assert training.outcome.adopted and "now suggest with it" in window.statusBar().currentMessage()
    # The count starts again from the new model; gold did not change, so nothing is due.
    assert done_since_last_model(window.store, "gold") == 0
    training.set_retrain_every(1)
    window.done_next()
    assert not training.thread.isRunning() and len(list_models(window.store)) == 1


def test_tools_retrain_automatically_sets_the_project_setting(tmp_path: Path, make_window, monkeypatch, tiny_gold_maker) -> None:
    from PySide6.QtWidgets import QInputDialog

    path = tmp_path / "setting.db"
    tiny_gold_maker(path, documents=3)
    window = make_window(path)
    asked = []

    def answer(parent, title, label, value, low, high):  # the user types 7 and presses OK
        asked.append((value, low))
        return 7, True

    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(answer))
    window.actions_by_id["retrain_settings"].trigger()
    assert asked == [(0, 0)]  # offered the current value: off
    assert retrain_every(window.store) == 7
    assert "every 7 documents" in window.statusBar().currentMessage()
