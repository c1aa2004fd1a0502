"""The article's highlights and the Selection panel, kept in step with the session.

Marks are made from the open document's shown annotations (after an edit only what changed is
patched); the selected event's arguments are drawn as an overlay; the side panel's Selection section
shows the review group, the selected annotation or the selected text. The window calls these from
its one ``refresh``.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QColor

from annotator.app.session import Session
from annotator.gui.article.text_view import AnnotatedTextView, Mark, Style
from annotator.model.annotations import Event
from annotator.model.changes import Annotation
from annotator.model.editing import is_suggestion


class MarkedWindow(Protocol):
    """What the marks read of the window: the session, the view, the editor's selection, review mode, the side panel."""

    session: Session
    view: AnnotatedTextView
    editor: Any
    review: Any
    side: Any
    _event_mark: Any


class ArticleMarks:
    """The window's marks: colours per label, the shown annotations the marks were made from."""

    def __init__(self, window: MarkedWindow):
        self.window = window
        self.colors: dict[str, QColor] = {}
        self.shown: dict[str, Annotation] = {}

    def color(self, label: str) -> QColor:
        color = self.colors.get(label)
        if color is None:
            color = self.colors[label] = QColor(self.window.session.schema.color_of(label))
        return color

    def mark(self, annotation: Annotation) -> Mark:
        to_qt = self.window.view.offsets.to_qt
        if isinstance(annotation, Event):
            style = Style.SUGGESTED_TRIGGER if is_suggestion(annotation) else Style.TRIGGER
            trigger = annotation.trigger
            return Mark(to_qt(trigger.start), to_qt(trigger.end), self.color(trigger.label), style, annotation.uid, trigger.label)
        style = Style.SUGGESTION if is_suggestion(annotation) else Style.SPAN
        span = annotation.span
        return Mark(to_qt(span.start), to_qt(span.end), self.color(span.label), style, annotation.uid, span.label)

    def sync_marks(self, full: bool) -> None:
        """Give the article the highlights of what is shown; after an edit, only what changed."""
        shown = self.window.session.current.shown()  # type: ignore[union-attr]
        if self.window.review.active:
            self.window.view.set_marks(self.window.review.marks(self.window.view.offsets.to_qt, self.color), [], self.window.editor.selected)
        elif full:
            # Made as they are painted: a long article has thousands, a screen a few dozen.
            self.window.view.set_marks(self.window.view.lazy_marks(shown.values(), self.mark), [], self.window.editor.selected)
        else:
            current = self.window.session.current
            if current.previous is not None and current.previous.shown() is self.shown:  # type: ignore[union-attr]
                # One edit since the marks were made: the session says which uids it touched.
                gone, changed = current.delta  # type: ignore[union-attr]
                removed = set(gone) | set(changed)
                added = [self.mark(shown[uid]) for uid in changed]
            else:
                removed = {uid for uid, a in self.shown.items() if shown.get(uid) is not a}
                added = [self.mark(a) for uid, a in shown.items() if self.shown.get(uid) is not a]
            self.window.view.patch_marks(removed, added)
        self.shown = shown  # the session's dict, never modified (a new one per edit)

    def sync_selection(self) -> None:
        overlay = []
        event = self.window.editor.current_event()
        if event is not None:
            to_qt = self.window.view.offsets.to_qt
            color = self.color(event.type)
            for i, argument in enumerate(event.arguments):
                if argument.span is not None:
                    marked = i == self.window.editor.argument and self.window.editor.selected == event.uid
                    caption = ("▶ " if marked else "") + argument.role
                    overlay.append(Mark(to_qt(argument.span.start), to_qt(argument.span.end), color, Style.ARGUMENT, f"{event.uid}#{i}", caption))
        self.window.view.set_overlay(overlay, self.window.editor.selected)
        self.show_details()
        # Expanding an item of a list of thousands of events costs more than a frame: done once
        # keys pause (a burst of Returns marks only the last event).
        self.window._event_mark.start()

    def mark_current_event(self) -> None:
        if self.window.review.active:
            self.window.side.select_event(self.window.editor.selected, -1, collapse=False)
        else:
            self.window.side.select_event(self.window.editor.event, self.window.editor.argument if self.window.editor.selected == self.window.editor.event else -1)

    def show_details(self) -> None:
        """The Selection section: the review group, the selected annotation, or the selected text."""
        current = self.window.session.current
        review = self.window.review.details_html() if self.window.review.active else None
        selection = self.window.view.selection()
        if review is not None:
            self.window.side.details.setText(review)
        elif self.window.editor.selected_annotation() is None and selection is not None and current is not None:
            self.window.side.show_text_selection(current.text[selection[0]:selection[1]])
        else:
            self.window.side.show_details(self.window.editor.selected_annotation(), current.text if current else "", self.window.editor.argument)
