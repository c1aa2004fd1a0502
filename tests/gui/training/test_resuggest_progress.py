"""Re-suggesting (after training) shows its progress in the status bar and says when it is done:
how many documents, how many suggestions."""

from __future__ import annotations

from pathlib import Path

from annotator.store.project import ProjectStore


def test_resuggest_shows_progress_then_documents_and_suggestions(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    qtbot.waitUntil(lambda: window.session.has_suggestions(window.session.current.id), timeout=5000)
    with ProjectStore.open(gui_project) as store:
        ids = store.document_ids()
    asked = window.training.resuggest()
    run = window.training.resuggesting
    assert sorted(asked) == ids and run.total == len(ids)
    assert run.bar.parent() is not None and not run.bar.isHidden()  # in the status bar while it runs
    assert "in the background" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: run.finished, timeout=10_000)
    with ProjectStore.open(gui_project) as store:  # what the stand-in suggester wrote, read back
        layer = store.layer(run.layer)
        expected = sum(len(a.spans) + len(a.events) for a in (store.annotations(layer.id, d) for d in ids))
    assert expected > 0
    assert run.message == f"Re-suggested {len(ids)} document(s) with the new model: {expected} suggestion(s)."
    assert window.statusBar().currentMessage() == run.message
    assert window.statusBar().findChild(type(run.bar), "resuggest_progress") is None or run.bar.isHidden()


def test_suggest_all_says_how_many_documents(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    with qtbot.waitSignal(window.suggestions.finished, timeout=10_000):
        window.actions_by_id["suggest_all"].trigger()
    with ProjectStore.open(gui_project) as store:
        n = len(store.document_ids())
    assert f"Suggested for {n} document(s) that had no suggestions yet." in messages
