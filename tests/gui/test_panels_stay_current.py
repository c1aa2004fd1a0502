"""Panels and lists never show a previous document's state; small wording and naming rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from annotator.formats.importer import import_paths
from annotator.gui import dialogs
from annotator.gui.side_panel import TYPE_ROLE
from annotator.model.layer import DocStatus
from annotator.app.session import Session
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project



def wait_for_suggestions(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.session.has_suggestions(window.session.current.id), timeout=5000)
    qtbot.waitUntil(lambda: bool(window.session.current.pending), timeout=5000)


@pytest.fixture
def two_articles(tmp_path: Path) -> Path:
    """One article the stand-in suggester gives an event, one it gives nothing at all."""
    (tmp_path / "a.txt").write_text(
        "Troops deployed\n\nThe US deployed 3,000 troops to Kabul on Sunday, John Kirby said.\n", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("Quiet day\n\nNothing happened at the market today.\n", encoding="utf-8")
    path = tmp_path / "two.db"
    with create_project(path) as store:
        import_paths(store, [tmp_path / "a.txt", tmp_path / "b.txt"])
    return path


def listed_events(window) -> list[str]:
    tree = window.side.events
    return [tree.topLevelItem(i).data(0, TYPE_ROLE) for i in range(tree.topLevelItemCount())]


def test_events_panel_empties_for_an_article_without_events(qtbot, make_window, two_articles: Path) -> None:
    window = make_window(two_articles)
    wait_for_suggestions(qtbot, window)
    assert listed_events(window) == ["Movement:Transport"]
    second = window.list_panel.model.rows[1].id
    window.open_document(second)
    # Before its suggestions arrive, and after: the first article's event is not listed.
    assert listed_events(window) == []
    qtbot.waitUntil(lambda: window.session.has_suggestions(second), timeout=5000)
    assert listed_events(window) == []
    assert "none for this article" in window.status.suggestions_label.text()
    assert "all decided" not in window.status.suggestions_label.text()


def test_list_row_says_done_after_ctrl_return(qtbot, make_window, two_articles: Path) -> None:
    window = make_window(two_articles, worker=None)
    first = window.session.current.id
    window.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.current.id != first
    model = window.list_panel.model
    qtbot.waitUntil(lambda: next(r for r in model.rows if r.id == first).status is DocStatus.DONE, timeout=3000)
    row = next(i for i, r in enumerate(model.rows) if r.id == first)
    assert model.data(model.index(row, 2)) == DocStatus.DONE.title


def test_documents_imported_by_another_process_join_the_list(qtbot, make_window, two_articles: Path, tmp_path: Path) -> None:
    window = make_window(two_articles, worker=None)
    assert window.list_panel.model.rowCount() == 2
    (tmp_path / "c.txt").write_text("Late news\n\nA third article arrived.\n", encoding="utf-8")
    with ProjectStore.open(two_articles) as other:  # as `annotator import` would, from the command line
        import_paths(other, [tmp_path / "c.txt"])
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 3, timeout=5000)
    assert window.list_panel.model.rows[2].title == "Late news"


def test_selected_text_is_described(qtbot, make_window, two_articles: Path) -> None:
    window = make_window(two_articles, worker=None)
    text = window.session.current.text
    start = text.index("Kabul")
    window.view.select(start, start + 5)
    assert "Kabul" in window.side.details.text() and "Nothing selected" not in window.side.details.text()
    window.view.select(start, start)
    assert "Nothing selected" in window.side.details.text()


def test_find_counts_and_highlights_every_match(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project, worker=None)
    text = window.session.current.text
    expected = text.lower().count("taliban")
    assert expected > 1
    window.find()
    qtbot.keyClicks(window.find_bar.field, "taliban")
    assert window.find_bar.result.text() == f"1 of {expected}"
    assert len(window.view._found) == expected
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.find_bar.result.text() == f"2 of {expected}"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert window.view._found == []


def test_accept_all_says_what_happened(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    wait_for_suggestions(qtbot, window)
    n = len(window.session.current.pending.spans) + len(window.session.current.pending.events)
    window.accept_all()
    assert window.statusBar().currentMessage() == f"Accepted {n} suggestions."
    assert "all decided" in window.status.suggestions_label.text()


@pytest.mark.parametrize("name", ["gold", "Gold", "spacy:en_core_web_sm-3.8.0"])
def test_reserved_names_are_refused(name: str, tmp_path: Path) -> None:
    from annotator.app.layers import annotator_name_problem

    assert annotator_name_problem(name) is not None
    with create_project(tmp_path / "p.db") as store, pytest.raises(StoreError):
        Session(store, name)
    assert annotator_name_problem("alice") is None


def test_first_start_prompt_refuses_gold(qtbot, monkeypatch) -> None:
    answers = iter([("gold", True), ("spacy:x", True), ("alice", True)])
    prompts = []

    def get_text(parent, title, prompt, *args, **kwargs):
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    assert dialogs.ask_annotator_name() == "alice"
    assert "gold" in prompts[1] and "reserved" in prompts[1]
    assert "suggester" in prompts[2]


def test_events_list_patched_after_an_edit_equals_a_rebuild(qtbot) -> None:
    from annotator.gui.side_panel import SidePanel
    from annotator.model.annotations import Argument, Event, Span
    from annotator.model.schema import LabelSchema

    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa " * 4
    words = [(i, i + 5) for i in range(0, 200, 11)]
    events = tuple(Event(Span(a, b, "Movement:Transport"), (Argument("Destination", Span(a, b, "GPE")),)) for a, b in words[:12])
    patched, fresh = SidePanel(), SidePanel()
    qtbot.addWidget(patched)
    qtbot.addWidget(fresh)
    schema = LabelSchema()

    def rows(panel) -> list[tuple[str, list[str]]]:
        tree = panel.events
        out = []
        for i in range(tree.topLevelItemCount()):
            top = tree.topLevelItem(i)
            out.append((top.text(0), [top.child(j).text(0) for j in range(top.childCount())]))
        return out

    patched.show_events(events, text, schema, None)
    # One removed, one changed (retyped), one added at the front: as an edit or an accept does.
    changed = Event(Span(events[3].trigger.start, events[3].trigger.end, "Conflict:Attack"), (), uid=events[3].uid)
    added = Event(Span(0, 3, "Contact:Meet"), ())
    after = (added,) + events[:3] + (changed,) + events[5:]
    patched.show_events(after, text, schema, None)
    fresh.show_events(after, text, schema, None)
    assert rows(patched) == rows(fresh)
    assert set(patched._items) == {e.uid for e in after}
