"""Review of events: every annotator's events and arguments side by side, taken with the same keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.formats.importer import import_paths
from annotator.gui.side_panel import STATE_ROLE
from annotator.model.annotations import Event
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


@pytest.fixture
def team_project(tmp_path: Path, data: Path) -> Path:
    path = tmp_path / "team.db"
    with create_project(path) as store:
        import_paths(store, [data / "review" / "alice.jsonl"], layer_name="alice")
        import_paths(store, [data / "review" / "bob.jsonl"], layer_name="bob")
    return path


def start(qtbot, window) -> None:
    window.review.start(["alice", "bob"])
    qtbot.waitUntil(lambda: window.review.queue.rowCount() > 0, timeout=10000)
    first = window.review.queue.documents()[0][0]
    qtbot.waitUntil(lambda: window.session.current.id == first and bool(window.review.items), timeout=5000)


def open_event_disagreement(qtbot, window):
    """Open the first document with an event the two annotators disagree on; its index and item."""
    for document_id, _ in window.review.queue.documents():
        window.open_document(document_id)
        for index, item in enumerate(window.review.items):
            with_arguments = all(any(isinstance(e, Event) and e.arguments for e in version) for version in item.versions.values())
            if item.kind == "event" and not item.agreed and with_arguments:
                return index, item
    pytest.fail("the review data has no event disagreement")


def tree_texts(item) -> list[str]:
    out = [item.text(0)]
    for i in range(item.childCount()):
        out += tree_texts(item.child(i))
    return out


def test_review_lists_every_annotators_events_and_arguments(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    start(qtbot, window)
    index, item = open_event_disagreement(qtbot, window)
    tree = window.side.events
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert groups, "the Events panel lists the event groups in review"
    group = next(g for g in groups if g.data(0, Qt.ItemDataRole.UserRole) == f"item:{index}")
    assert group.data(0, STATE_ROLE) == "disagreement" and group.text(0).endswith("— disagreement")
    lines = tree_texts(group)
    text = window.session.current.text
    for number, layer in enumerate(["alice", "bob"], start=1):
        for event in [e for e in item.versions[layer] if isinstance(e, Event)]:
            assert any(line.startswith(f"{number} {layer}: {event.type}") for line in lines)
            for argument in event.arguments:
                if argument.span is not None:
                    assert any(line.startswith(f"{argument.role}: “{text[argument.span.start:argument.span.end]}”") for line in lines)
    # Clicking the group selects it; the details show both versions side by side, roles as rows.
    tree.itemClicked.emit(group, 0)
    assert window.editor.selected == f"item:{index}"
    details = window.side.details.text()
    assert "1&nbsp;alice" in details and "2&nbsp;bob" in details
    roles = {a.role for layer in ("alice", "bob") for e in item.versions[layer] if isinstance(e, Event) for a in e.arguments}
    assert roles and all(f"<i>{role}</i>" in details for role in roles)


def test_keys_take_an_annotators_event_with_its_arguments(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    start(qtbot, window)
    index, item = open_event_disagreement(qtbot, window)
    document = window.session.current.id
    window.review.select_item(f"item:{index}")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    with ProjectStore.open(team_project) as store:
        held = store.annotations(store.layer("gold").id, document)  # type: ignore[union-attr,arg-type]
    taken = [e for e in held.events if e.attributes.get("adjudicated_from") == "bob"]
    wanted = [e for e in item.versions["bob"] if isinstance(e, Event)]
    assert [(e.type, e.trigger) for e in taken] == [(e.type, e.trigger) for e in wanted]
    assert [[(a.role, a.span) for a in e.arguments] for e in taken] == [[(a.role, a.span) for a in e.arguments] for e in wanted]
    # The gold event is listed in the panel as the group's decision.
    lines = [line for i in range(window.side.events.topLevelItemCount()) for line in tree_texts(window.side.events.topLevelItem(i))]
    assert any(line.startswith("gold: " + wanted[0].type) for line in lines)
