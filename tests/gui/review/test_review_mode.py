"""Review in the window: compare two annotators, settle disagreements into gold from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.formats.importer import import_paths
from annotator.model.annotations import Decision, Origin
from annotator.review.workflow import review_items
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


@pytest.fixture
def team_project(tmp_path: Path, data: Path) -> Path:
    path = tmp_path / "team.db"
    with create_project(path) as store:
        import_paths(store, [data / "review" / "alice.jsonl"], layer_name="alice")
        import_paths(store, [data / "review" / "bob.jsonl"], layer_name="bob")
    return path


def gold(path: Path, document_id: int):
    with ProjectStore.open(path) as store:
        layer = store.layer("gold")
        return store.annotations(layer.id, document_id) if layer else None  # type: ignore[arg-type]


def start(qtbot, window) -> None:
    window.review.start(["alice", "bob"])
    qtbot.waitUntil(lambda: window.review.queue.rowCount() > 0, timeout=10000)
    first = window.review.queue.documents()[0][0]
    qtbot.waitUntil(lambda: window.session.current.id == first and bool(window.review.items), timeout=5000)


def test_review_takes_versions_into_gold_with_keys_and_undo(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    start(qtbot, window)
    assert window.left.currentIndex() == 1 and "gold" in window.status.annotator_label.text()
    queue = window.review.queue.documents()
    assert queue == sorted(queue, key=lambda row: -row[1]) and queue[0][1] > 0
    assert window.session.current.id == queue[0][0]  # the document with most disagreements first
    document = window.session.current.id
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    _, item = window.review.current_item()
    assert not item.agreed and ("alice:" in item.describe() and "bob:" in item.describe())
    assert "disagreement" in window.side.details.text()
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    held = gold(team_project, document)
    assert held is not None and (held.spans or held.events)
    copies = held.spans + held.events
    assert all(a.provenance.origin is Origin.ADJUDICATED and a.provenance.author == "rita" for a in copies)
    assert {a.attributes.get("adjudicated_from") for a in copies} == {"alice"}
    expected = {(getattr(a, "span", None) or a.trigger) for a in item.versions["alice"]}
    assert {(getattr(a, "span", None) or a.trigger) for a in copies} == expected
    # The next undecided disagreement is selected at once, so the keys keep going.
    next_item = window.review.current_item()
    assert next_item is not None and next_item[1] is not item and not next_item[1].decided
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    held = gold(team_project, document)
    assert not (held.spans or held.events)


def test_take_none_and_accept_all_agreed(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    start(qtbot, window)
    document = window.session.current.id
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    qtbot.keyClick(window.view, Qt.Key.Key_0)
    refused = gold(team_project, document)
    assert refused.spans + refused.events and all(a.provenance.decision is Decision.REJECTED for a in refused.spans + refused.events)
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    with ProjectStore.open(team_project) as store:
        items = review_items(store, document, ["alice", "bob"])
    assert all(item.decided for item in items if item.agreed and any(item.versions.values()))
    assert window.review.open_count() == sum(1 for item in items if not item.agreed and not item.decided)


def test_deciding_the_last_disagreement_moves_to_the_next_document(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    start(qtbot, window)
    first = window.session.current.id
    others = [doc for doc, count in window.review.queue.documents() if count and doc != first]
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    for _ in range(window.review.open_count()):
        assert window.session.current.id == first
        qtbot.keyClick(window.view, Qt.Key.Key_2)  # takes bob's version and moves to the next
    with ProjectStore.open(team_project) as store:
        items = review_items(store, first, ["alice", "bob"])
    assert not [item for item in items if not item.agreed and not item.decided]
    if others:
        assert window.session.current.id == others[0]
        assert window.review.current_item() is not None
    else:
        assert "No disagreements left" in window.statusBar().currentMessage()


def test_stop_review_returns_to_the_annotator_layer(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    start(qtbot, window)
    window.actions_by_id["stop_review"].trigger()
    assert window.session.layer_name == "rita" and not window.left.isTabVisible(1)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert "Start a review first" in window.statusBar().currentMessage()


def test_agreement_panel_shows_the_figures_and_a_chart(qtbot, make_window, team_project: Path) -> None:
    from annotator.review.agreement import project_agreement

    window = make_window(team_project, annotator="rita", worker=None)
    window.actions_by_id["agreement"].trigger()
    picker = window.chooser  # which annotators: both ticked
    qtbot.waitUntil(picker.isVisible, timeout=2000)
    picker.accept()
    dialog = window.chooser
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    with ProjectStore.open(team_project) as store:
        expected = project_agreement(store, ["alice", "bob"])
    assert dialog.report == expected
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == f"{expected['pairs'][0]['span_f1_exact']:.3f}"
    bars = dialog.chart.bars()
    per_label = expected["pairs"][0]["per_label"]
    assert {label for label, _, _, _ in bars} == set(per_label)
    for label, _, value, rect in bars:
        assert value == pytest.approx(per_label[label]["span_f1_exact"])
        assert rect.height() >= 0
    tallest = max(bars, key=lambda bar: bar[2])
    assert tallest[3].height() == pytest.approx(max(rect.height() for *_, rect in bars))
    dialog.grab()  # paints without error
    dialog.close()
