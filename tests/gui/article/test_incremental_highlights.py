"""The article's highlights after edits equal a full rebuild: the window makes marks as they are
painted and patches only what an edit changed, and builds a long Events list after the first
paint; what it shows must be what a freshly opened window shows, character by character, with
characters above U+FFFF before the spans (two UTF-16 units each in Qt, one code point here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from annotator.formats.importer import import_paths
from annotator.gui.side_panel import DEFER_EVENTS
from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.editing import is_suggestion
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project

SUGGESTER = "spacy:fake-1.0"
PARAGRAPH = "😀 The US deployed 3,000 troops to Kabul on Sunday, John Kirby said. 🎉 Aid reached Herat ({i})."
PARAGRAPHS = DEFER_EVENTS + 10  # more events than the Events list builds before the first paint


def _word(text: str, word: str, after: int) -> Span:
    at = text.index(word, after)
    return Span(at, at + len(word), "_")


@pytest.fixture
def emoji_article(tmp_path: Path) -> tuple[Path, int]:
    body = "\n\n".join(PARAGRAPH.format(i=i) for i in range(PARAGRAPHS))
    (tmp_path / "long.txt").write_text(f"Emoji news 🌍\n\n{body}\n", encoding="utf-8")
    path = tmp_path / "emoji.db"
    with create_project(path) as store:
        import_paths(store, [tmp_path / "long.txt"])
        (document_id,) = store.document_ids()
        text = store.document(document_id).text
        assert len(text.encode("utf-16-le")) // 2 > len(text)  # the text has characters above U+FFFF
        spans, events, suggested = [], [], []
        at = 0
        for i in range(PARAGRAPHS):
            at = text.index("😀", at) + 1
            kabul, kirby = _word(text, "Kabul", at), _word(text, "John Kirby", at)
            spans.append(SpanAnnotation(kabul.relabeled("GPE")))
            spans.append(SpanAnnotation(kirby.relabeled("PERSON")))
            if i % 3 == 0:  # nested: a shorter span inside a longer one
                spans.append(SpanAnnotation(_word(text, "Kirby", at).relabeled("ORG")))
            trigger = _word(text, "deployed", at).relabeled("Movement:Transport")
            events.append(Event(trigger, (Argument("Destination", kabul.relabeled("GPE")),)))
            pending = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester=SUGGESTER)
            suggested.append(SpanAnnotation(_word(text, "Herat", at).relabeled("GPE"), provenance=pending))
            suggested.append(SpanAnnotation(_word(text, "Sunday", at).relabeled("DATE"), provenance=pending))
        own = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        store.add_annotations(own.id, document_id, AnnotationSet(tuple(spans), tuple(events)))  # type: ignore[arg-type]
        layer = store.ensure_layer(SUGGESTER, LayerKind.SUGGESTIONS)
        with store.transaction():
            store.add_annotations(layer.id, document_id, AnnotationSet(tuple(suggested), ()))  # type: ignore[arg-type]
            store.set_status(layer.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]
    return path, document_id


def highlights(window) -> list[tuple]:
    """Every highlight of the article: Qt range, uid, style, caption, colour."""
    return sorted((m.start, m.end, m.uid, int(m.style), m.caption, m.color.name()) for m in window.view.shown_marks())


def per_character(window) -> list[list[tuple]]:
    """What covers each UTF-16 position of the article, as the view finds it for a click."""
    view = window.view
    return [[(m.uid, int(m.style), m.caption) for m in view.marks_at(p)] for p in range(view.document().characterCount())]


def event_rows(window) -> list[tuple[str, list[str]]]:
    tree = window.side.events
    rows = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        rows.append((top.text(0), [top.child(j).text(0) for j in range(top.childCount())]))
    return rows


def open_article(qtbot, make_window, path: Path, document_id: int):
    window = make_window(path, "alice", worker=None)
    window.open_document(document_id)
    # The long Events list is built after the first paint.
    qtbot.waitUntil(lambda: window.side.events.topLevelItemCount() == len(window.session.current.visible_events()), timeout=5000)
    return window


def check_consistent(window) -> None:
    """The patched highlights equal a full rebuild from the session's state, and each one's Qt
    range selects exactly its annotation's text in the QTextDocument."""
    current = window.session.current
    rebuilt = window.view.lazy_marks(current.shown().values(), window.marks.mark)
    assert highlights(window) == sorted((m.start, m.end, m.uid, int(m.style), m.caption, m.color.name()) for m in rebuilt)
    by_uid = {m.uid: m for m in window.view.shown_marks()}
    assert by_uid.keys() == current.shown().keys()
    cursor = QTextCursor(window.view.document())
    for uid, annotation in current.shown().items():
        place = annotation.trigger if isinstance(annotation, Event) else annotation.span
        mark = by_uid[uid]
        cursor.setPosition(mark.start)
        cursor.setPosition(mark.end, QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == current.text[place.start : place.end]


def test_highlights_after_accept_reject_relabel_undo_redo_equal_a_fresh_window(qtbot, make_window, emoji_article) -> None:
    path, document_id = emoji_article
    window = open_article(qtbot, make_window, path, document_id)
    view = window.view
    check_consistent(window)

    def press(key: Qt.Key) -> None:
        view.setFocus()
        qtbot.keyClick(view, key)
        check_consistent(window)

    pending = [a for a in window.session.current.pending.spans]
    window.editor.select(pending[7].uid)
    press(Qt.Key.Key_Return)  # accept
    window.editor.select(pending[20].uid)
    press(Qt.Key.Key_X)  # reject
    own = [a for a in window.session.current.own.spans if not is_suggestion(a) and a.label == "PERSON"]
    window.editor.select(own[30].uid)
    window.apply_label("ORG")  # relabel, as a label's key does
    check_consistent(window)
    accepted_event = window.session.current.own.events[40]
    window.editor.select(accepted_event.uid)
    press(Qt.Key.Key_Delete)  # an event and its argument go
    window.undo()
    check_consistent(window)
    window.undo()
    check_consistent(window)
    window.redo()
    check_consistent(window)
    assert window.session.history.can_undo

    fresh = open_article(qtbot, make_window, path, document_id)
    assert highlights(window) == highlights(fresh)
    assert per_character(window) == per_character(fresh)
    assert event_rows(window) == event_rows(fresh)


def test_deferred_events_list_equals_the_immediate_one(qtbot, make_window, emoji_article) -> None:
    """A long Events list built after the first paint is the list built at once, and anything
    that reads it (marking the selected event) builds it first."""
    from annotator.gui.side_panel import SidePanel

    path, document_id = emoji_article
    window = make_window(path, "alice", worker=None)
    window.open_document(document_id)
    current = window.session.current
    events = current.visible_events()
    assert len(events) > DEFER_EVENTS
    window.side.select_event(events[5].uid, 0)  # before the timer: builds the list now
    assert window.side.events.currentItem().parent() is not None
    immediate = SidePanel()
    qtbot.addWidget(immediate)
    immediate._build(events, current.text, window.session.schema, None)
    assert event_rows(window) == [
        (immediate.events.topLevelItem(i).text(0), [immediate.events.topLevelItem(i).child(j).text(0) for j in range(immediate.events.topLevelItem(i).childCount())])
        for i in range(immediate.events.topLevelItemCount())
    ]


def test_a_flush_repaints_only_what_was_not_painted_since(qtbot, make_window, emoji_article) -> None:
    """Lines marked for repainting by a selection are forgotten once painted: the flush after the
    next edit paints that edit's lines, not every line selected since the article opened."""
    path, document_id = emoji_article
    window = open_article(qtbot, make_window, path, document_id)
    view = window.view
    for annotation in window.session.current.own.spans[-6:]:  # far down: the view scrolls there
        window.editor.select(annotation.uid)
        view.viewport().repaint()
    assert view._dirty.isEmpty()
    painted: list[object] = []
    view.paint_hooks.append(lambda _view, _painter, blocks: painted.append(blocks))
    pending = window.session.current.pending.spans[0]
    window.editor.select(pending.uid)
    view.viewport().repaint()
    painted.clear()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert painted  # the accept is on screen at once (the flush), before the project is written
    following = window.session.current.find(window.editor.selected)
    near = set()
    for start in (pending.start, following.start):
        number = view.document().findBlock(view.offsets.to_qt(start)).blockNumber()
        near |= {number - 1, number, number + 1}  # a line's repaint rectangle reaches its neighbours
    assert {block.blockNumber() for blocks in painted for block, _ in blocks} <= near
