"""The window's status bar, its Undo/Redo texts and the document list's rows, kept current.

The status bar says who annotates (and into which layer in review), how many documents are done and
where the suggestions are; list rows are updated after the frame, so that the article repaints first.
The list's filter (what is listed, in which order) is read here too, and Next/Previous follow it.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtWidgets import QLabel, QStatusBar

from annotator.app.session import Session
from annotator.app.document_queries import DocumentFilter


class StatusWindow(Protocol):
    """What the status line reads of the window."""

    session: Session
    list_panel: Any
    review: Any
    suggestions: Any
    actions_by_id: dict[str, Any]
    def statusBar(self) -> QStatusBar: ...

    def say(self, message: str, error: bool = False) -> None: ...

    def open_document(self, document_id: int) -> None: ...


class WindowStatus:
    """The status bar's three labels, the Undo/Redo actions and stale list rows."""

    def __init__(self, window: StatusWindow):
        self.window = window
        self.suggestions_label, self.progress_label, self.annotator_label = QLabel(), QLabel(), QLabel()
        for label in (self.suggestions_label, self.progress_label, self.annotator_label):
            label.setContentsMargins(8, 0, 8, 0)
            window.statusBar().addPermanentWidget(label)
        self.stale_rows: set[int] = set()
        """Documents whose list rows wait for an update (the current one may change before it runs)."""

    def filter(self) -> DocumentFilter:
        suggestion_layer = self.window.session.suggestion_layer
        return self.window.list_panel.current_filter(self.window.session.layer_id, suggestion_layer.id if suggestion_layer else None)

    def update_stale_rows(self) -> None:
        stale, self.stale_rows = self.stale_rows, set()
        for document_id in sorted(stale):
            self.update_list_row(document_id)

    def update_list_row(self, document_id: int) -> None:
        row = self.window.session.documents.row(self.filter(), document_id)
        if row is not None and self.window.list_panel.model is not None:
            self.window.list_panel.model.update_row(row)

    def update_status_bar(self, progress_too: bool = True) -> None:
        role = f"reviewing into <b>gold</b> ({', '.join(self.window.review.layers)})" if self.window.review.active else ""
        self.annotator_label.setText(f"Annotator: <b>{self.window.session.annotator}</b> {role}".strip())
        if progress_too:
            done, total = self.window.session.documents.progress(self.window.session.layer_id)
            self.progress_label.setText(f"Done: {done} / {total}")
        self.suggestions_label.setText(f"Suggestions: {self.suggestion_state()}")

    def suggestion_state(self) -> str:
        current = self.window.session.current
        if current is None:
            return "-"
        if self.window.session.has_suggestions(current.id):
            n = len(current.pending.spans) + len(current.pending.events)
            if n:
                return f"{n} pending"
            # "All decided" only where there was something to decide.
            return "all decided" if current.suggestions.spans or current.suggestions.events else "none for this article"
        if current.id in self.window.suggestions.requested:
            return "running…"
        if self.window.suggestions.error:
            return f"unavailable ({self.window.suggestions.error})"
        return "none yet"

    def update_actions(self) -> None:
        history = self.window.session.history if self.window.session.current else None
        undo, redo = self.window.actions_by_id["undo"], self.window.actions_by_id["redo"]
        elsewhere = self.window.session.undo_title_elsewhere() if history is not None else ""
        undo.setEnabled(bool(history and history.can_undo) or bool(elsewhere))
        redo.setEnabled(bool(history and history.can_redo))
        undo.setText(f"&Undo {history.undo_title}" if history and history.can_undo else "&Undo")
        if elsewhere:  # the mark-done just left behind: Undo goes back to that article (session.undo_elsewhere)
            undo.setText(f"&Undo {elsewhere} (goes back to the article marked done)")
        redo.setText(f"&Redo {history.redo_title}" if history and history.can_redo else "&Redo")
        undo.setIconText("Undo")
        redo.setIconText("Redo")
        self.window.actions_by_id["suggest_all"].setEnabled(self.window.suggestions.available)

    def go(self, step: int, unfinished: bool = False) -> bool:
        current = self.window.session.current
        if current is None:
            return False
        target = self.window.session.documents.neighbour(self.filter(), current.id, step, unfinished)
        if target is None:
            self.window.say("All documents are done." if unfinished else "No more documents in this direction.")
            return False
        self.window.open_document(target)
        return True
