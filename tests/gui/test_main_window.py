"""The window driven as an analyst drives it: keys and clicks, checked against the project file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.model.annotations import Decision, Origin
from annotator.model.layer import DocStatus
from annotator.store.project import ProjectStore


def saved(path: Path, annotator: str = "alice"):
    """What the project file holds for ``annotator``, read with a fresh connection."""
    with ProjectStore.open(path) as store:
        layer = store.layer(annotator)
        return {
            doc: (store.annotations(layer.id, doc), store.status(layer.id, doc))  # type: ignore[union-attr,arg-type]
            for doc in store.document_ids()
        } if layer else {}


def wait_for_suggestions(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.session.has_suggestions(window.session.current.id), timeout=5000)
    qtbot.waitUntil(lambda: bool(window.session.current.pending), timeout=5000)


def chooser(qtbot, window):
    """The chooser the window just opened, once it has the keyboard."""
    dialog = window.chooser
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.filter.hasFocus(), timeout=2000)
    return dialog


def choose(qtbot, window, keys: str, then_return: bool = False) -> None:
    """Type into the open chooser and wait until the window has the keyboard back."""
    dialog = chooser(qtbot, window)
    qtbot.keyClicks(dialog.filter, keys)
    if then_return:
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible() and window.isActiveWindow(), timeout=2000)


def select_text(window, word: str, occurrence: int = 0) -> tuple[int, int]:
    text = window.session.current.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    window.view.select(start, start + len(word))
    return start, start + len(word)


def test_opens_on_the_first_article_with_its_suggestions(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    assert window.list_panel.model.rowCount() == 2
    assert window.session.current.document.title.startswith("Pentagon spokesman John Kirby")
    assert window.view.toPlainText() == window.session.current.text
    wait_for_suggestions(qtbot, window)
    assert "Suggestions: 2 pending" in window.status.suggestions_label.text()
    assert "alice" in window.status.annotator_label.text() and "Done: 0 / 2" in window.status.progress_label.text()


def test_accept_a_suggestion_with_the_keyboard(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    wait_for_suggestions(qtbot, window)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    selected = window.editor.selected_annotation()
    assert selected is not None and selected.provenance.decision is Decision.PENDING
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    annotations, status = saved(gui_project)[window.session.current.id]
    (accepted,) = annotations.spans
    assert (accepted.span, accepted.provenance.decision, accepted.provenance.source_uid) == (selected.span, Decision.ACCEPTED, selected.uid)
    assert accepted.provenance.author == "alice" and accepted.provenance.suggester == window.session.suggestion_layer.name
    assert status is DocStatus.IN_PROGRESS
    # The next pending suggestion is selected, so Return Return Return walks through them.
    assert window.editor.selected_annotation().provenance.decision is Decision.PENDING


def test_reject_and_accept_all(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    wait_for_suggestions(qtbot, window)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_X)
    window.accept_all()
    annotations, _ = saved(gui_project)[window.session.current.id]
    assert sorted(a.provenance.decision.value for a in annotations.spans) == ["accepted", "rejected"]
    assert not window.session.current.pending
    assert "all decided" in window.status.suggestions_label.text()


def test_create_a_span_with_a_key_snapped_to_words(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    text = window.session.current.text
    start = text.index("Pentagon", 20)
    window.view.select(start + 2, start + 5)  # "nta", inside the word
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_O)
    (span,) = saved(gui_project)[window.session.current.id][0].spans
    assert text[span.start : span.end] == "Pentagon" and span.label == "ORG"
    assert span.provenance.origin is Origin.MANUAL and span.provenance.author == "alice"
    # Shift + key keeps exactly the selected characters.
    window.view.select(start + 2, start + 5)
    qtbot.keyClick(window.view, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    exact = [a for a in saved(gui_project)[window.session.current.id][0].spans if a.end - a.start == 3]
    assert [text[a.start : a.end] for a in exact] == ["nta"]


def test_relabel_resize_delete_and_undo_redo(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    doc = window.session.current.id
    text = window.session.current.text
    select_text(window, "Kirby")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_P)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    (span,) = saved(gui_project)[doc][0].spans
    assert text[span.start : span.end] == "John Kirby"
    qtbot.keyClick(window.view, Qt.Key.Key_G)  # the span is selected: the key relabels it
    assert [a.label for a in saved(gui_project)[doc][0].spans] == ["GPE"]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [a.label for a in saved(gui_project)[doc][0].spans] == ["PERSON"]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [a.label for a in saved(gui_project)[doc][0].spans] == ["GPE"]
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert saved(gui_project)[doc][0].spans == ()
    for _ in range(4):
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert saved(gui_project)[doc][0].spans == ()  # back before the first edit
    assert not window.actions_by_id["undo"].isEnabled() and window.actions_by_id["redo"].isEnabled()


def test_create_an_event_with_two_arguments(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    window.next_document()
    doc = window.session.current.id
    text = window.session.current.text
    select_text(window, "deployed")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_E)
    assert chooser(qtbot, window).windowTitle() == "Event type"
    choose(qtbot, window, "t")  # Movement:Transport's key
    select_text(window, "Kabul", 1)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    roles = chooser(qtbot, window)
    assert [roles.list.item(i).text() for i in range(roles.list.count())][4].endswith("Destination")
    choose(qtbot, window, "5")
    select_text(window, "the troops")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    choose(qtbot, window, "artif", then_return=True)
    (event,) = saved(gui_project)[doc][0].events
    assert event.type == "Movement:Transport" and text[event.trigger.start : event.trigger.end] == "deployed"
    assert [(a.role, text[a.span.start : a.span.end], a.span.label) for a in event.arguments] == [
        ("Destination", "Kabul", "Destination"),
        ("Artifact", "the troops", "Artifact"),
    ]
    assert window.side.events.topLevelItemCount() >= 1
    # The selected event's arguments are drawn with their role names.
    assert sorted(m.caption for m in window.view._overlay) == ["Artifact", "Destination"]


def test_accept_a_suggested_event_with_its_arguments(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    window.next_document()
    wait_for_suggestions(qtbot, window)
    (suggested,) = window.session.current.pending.events
    window.editor.select(suggested.uid)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    (event,) = saved(gui_project)[window.session.current.id][0].events
    assert event.arguments == suggested.arguments and event.provenance.source_uid == suggested.uid


def test_mark_done_moves_on_and_everything_survives_a_restart(qtbot, make_window, gui_project: Path) -> None:
    with ProjectStore.open(gui_project) as store:
        store.set_setting("done.undecided", "leave")  # no question about its suggestions (tests/gui/test_done_prompt.py)
    window = make_window(gui_project)
    first = window.session.current.id
    select_text(window, "Pentagon", 1)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_O)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.current.id != first
    assert saved(gui_project)[first][1] is DocStatus.DONE
    assert "Done: 1 / 2" in window.status.progress_label.text()
    window.close()
    again = make_window(gui_project)
    again.open_document(first)
    assert [a.label for a in again.session.current.own.spans] == ["ORG"]
    assert again.session.current.status is DocStatus.DONE
    assert again.list_panel.model.rows[0].status is DocStatus.DONE


def test_span_after_emoji_is_stored_in_code_points(qtbot, make_window, tmp_path: Path) -> None:
    from annotator.formats.importer import import_paths
    from annotator.app.workspace import create_project

    text = "Talks 🇺🇸🇦🇫 👨‍👩‍👧 in Doha, قطر, with 北京 delegates.\n"
    (tmp_path / "emoji.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "emoji.db"
    with create_project(path) as store:
        import_paths(store, [tmp_path / "emoji.txt"])
    window = make_window(path)
    cursor = window.view.document().find("Doha")  # selected the way Qt counts: UTF-16 positions
    q = cursor.selectionStart()
    window.view.setTextCursor(cursor)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    (span,) = saved(path)[window.session.current.id][0].spans
    assert text[span.start : span.end] == "Doha" and span.start == text.index("Doha") < q
    for word in ("قطر", "北京"):
        start = text.index(word)
        window.view.select(start, start + len(word))
        assert window.view.textCursor().selectedText() == word


def test_click_selects_a_highlight(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    wait_for_suggestions(qtbot, window)
    kabul = next(s for s in window.session.current.pending.spans if s.label == "GPE")
    cursor = window.view.textCursor()
    cursor.setPosition(window.view.offsets.to_qt(kabul.start + 2))
    point = window.view.cursorRect(cursor).center()
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.editor.selected == kabul.uid
    assert "GPE" in window.side.details.text()


def test_find_in_the_article(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.field.hasFocus()
    qtbot.keyClicks(window.find_bar.field, "taliban")
    first = window.view.textCursor().selectionStart()
    assert window.view.textCursor().selectedText() == "Taliban"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.view.textCursor().selectionStart() > first
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_every_action_shows_its_shortcut_and_the_sheet_lists_them(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    for action in list(window.actions_by_id.values()) + list(window.label_action_objects.values()):
        for shortcut in action.shortcuts():
            assert shortcut.toString(shortcut.SequenceFormat.NativeText) in action.toolTip()
    window.show_shortcuts()
    table = window.chooser.table
    listed = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert {"Accept", "Mark trigger…", "Undo", "PERSON", "Find in article…"} <= listed


def test_labels_do_not_fire_while_typing_in_the_search_box(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    select_text(window, "Kirby")
    window.list_panel.search.setFocus()
    qtbot.keyClicks(window.list_panel.search, "po")
    assert window.list_panel.search.text() == "po"
    assert saved(gui_project) == {}  # no span made: not even the analyst's layer exists yet


def test_search_filters_the_list_by_text_and_label(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    window.list_panel.search.setText("evacuate")
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 1, timeout=2000)
    assert window.list_panel.model.rows[0].title.startswith("3,000 troops")
    wait_for_suggestions(qtbot, window)
    window.list_panel.search.setText("gpe")
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 1, timeout=2000)
    window.list_panel.search.setText("")
    window.list_panel.status.setCurrentIndex(window.list_panel.status.findData(DocStatus.DONE))
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 0, timeout=2000)


def test_two_windows_on_one_file(qtbot, make_window, gui_project: Path) -> None:
    one = make_window(gui_project)
    two = make_window(gui_project)
    wait_for_suggestions(qtbot, one)
    wait_for_suggestions(qtbot, two)
    target = one.session.current.pending.spans[0]
    one.editor.select(target.uid)
    one.actions_by_id["accept"].trigger()
    two.editor.select(target.uid)
    two.actions_by_id["accept"].trigger()  # the same suggestion, still shown as pending in the second window
    assert "another window" in two.statusBar().currentMessage()
    annotations, _ = saved(gui_project)[one.session.current.id]
    assert len(annotations.spans) == 1
    # The other window notices the change on its own (it polls the file's version).
    select_text(two, "Pentagon", 1)
    two.view.setFocus()
    qtbot.keyClick(two.view, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: len(one.session.current.own.spans) == 2, timeout=3000)


def test_suggest_all_runs_with_progress(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    with qtbot.waitSignal(window.suggestions.finished, timeout=5000):
        window.actions_by_id["suggest_all"].trigger()
    with ProjectStore.open(gui_project) as store:
        assert store.stats()["layers"][window.session.suggestion_layer.name]["done"] == 2


def test_without_a_suggester_the_window_still_works(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project, worker=None)
    assert "unavailable" in window.status.suggestions_label.text()
    assert not window.actions_by_id["suggest_all"].isEnabled()
    select_text(window, "Kirby")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_P)
    assert len(saved(gui_project)[window.session.current.id][0].spans) == 1


@pytest.fixture(autouse=True)
def _no_leftover_dialogs():
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() in ("chooser", "shortcuts"):
            widget.close()


def test_import_files_from_the_file_menu(qtbot, make_window, gui_project: Path, data: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    window = make_window(gui_project)
    chosen = [str(data / "doccano" / "sequence_labeling.jsonl"), str(data / "brat-news" / "080-event-annotation.txt")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (chosen, ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(text))
    window.actions_by_id["import_files"].trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "Imported 4 new document(s)" in shown[0]
    assert window.list_panel.model.rowCount() == 6
    assert "Done: 0 / 6" in window.status.progress_label.text()


def test_export_from_the_file_menu(qtbot, make_window, gui_project: Path, tmp_path: Path, monkeypatch) -> None:
    import json

    from PySide6.QtWidgets import QMessageBox

    import annotator.gui.file_actions as file_actions

    window = make_window(gui_project)
    select_text(window, "Kirby")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_P)
    out = tmp_path / "alice.jsonl"

    class Chosen(file_actions.ExportDialog):
        def exec(self) -> int:
            self.path.setText(str(out))
            self.layer.setCurrentIndex(self.layer.findData("alice"))
            self.status.setCurrentIndex(self.status.findData("any"))
            return file_actions.ExportDialog.DialogCode.Accepted

    monkeypatch.setattr(file_actions, "ExportDialog", Chosen)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(text))
    window.actions_by_id["export"].trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "Exported 1 document(s), 1 span(s)" in shown[0]
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    (span,) = record["spans"]
    assert record["text"][span["start"] : span["end"]] == "Kirby" and span["label"] == "PERSON"


def test_new_and_open_project(qtbot, make_window, gui_project: Path, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = make_window(gui_project)
    fresh = tmp_path / "fresh.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(fresh), ""))
    window.actions_by_id["new_project"].trigger()
    assert window.store.path == fresh and window.list_panel.model.rowCount() == 0
    assert window.session.current is None and "Done: 0 / 0" in window.status.progress_label.text()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(gui_project), ""))
    window.actions_by_id["open_project"].trigger()
    assert window.store.path == gui_project and window.list_panel.model.rowCount() == 2
    assert window.session.current is not None


def test_lazy_list_loads_pages_as_it_scrolls(qtbot, make_window, tmp_path: Path) -> None:
    from annotator.model.document import Document
    from annotator.model.tokens import encode_tokens
    from annotator.app.workspace import create_project

    path = tmp_path / "many.db"
    with create_project(path) as store, store.transaction():
        for i in range(1500):
            text = f"Article {i} about Kabul."
            store.add_document(Document(text), encode_tokens(text, [(0, 7, True)]))
    window = make_window(path, worker=None)
    model = window.list_panel.model
    assert model.rowCount() == 200 and model.canFetchMore()
    window.list_panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 200, timeout=2000)
    window.open_document(1400)
    assert model.rowCount() >= 1400 and window.list_panel.table.currentIndex().row() == 1399


@pytest.mark.pipeline
def test_the_real_suggester_fills_the_opened_article(qtbot, make_window, gui_project: Path) -> None:
    """The window with the real worker process: suggestions arrive without blocking, and accept."""
    from annotator.gui.app import suggestion_worker

    window = make_window(gui_project, worker=suggestion_worker)
    window.next_document()
    qtbot.waitUntil(lambda: bool(window.session.current.pending.events), timeout=90000)
    pending = window.session.current.pending
    text = window.session.current.text
    deployed = next(e for e in pending.events if text[e.trigger.start : e.trigger.end] == "deployed")
    assert deployed.type == "Movement:Transport"
    assert ("Destination", "Kabul") in [(a.role, text[a.span.start : a.span.end]) for a in deployed.arguments]
    window.editor.select(deployed.uid)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    (event,) = saved(gui_project)[window.session.current.id][0].events
    assert event.provenance.source_uid == deployed.uid


def test_suggestions_for_other_documents_refresh_only_the_status_bar(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    wait_for_suggestions(qtbot, window)
    current = window.session.current.id
    other = next(row.id for row in window.list_panel.model.rows if row.id != current)
    statements: list[str] = []
    window.store._db.conn.set_trace_callback(statements.append)
    layer = window.session.suggestion_layer.name
    for _ in range(50):  # a bulk run reporting many documents within one poll
        window.suggestions.document_done.emit(other, layer)
    window.store._db.conn.set_trace_callback(None)
    assert not [s for s in statements if "FROM documents d" in s or "count(*)" in s.lower()], statements
    assert window._status_update.isActive()
    window.status.suggestions_label.setText("stale")
    qtbot.waitUntil(lambda: window.status.suggestions_label.text() != "stale", timeout=2000)
    assert window.status.suggestions_label.text().startswith("Suggestions: ")
    # the open document's own suggestions still refresh the window at once
    window.status.suggestions_label.setText("stale")
    window.suggestions.document_done.emit(current, layer)
    assert window.status.suggestions_label.text() != "stale" and window.session.current.id == current
