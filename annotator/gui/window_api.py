"""What the window's helpers may use of the window: narrow, typed interfaces (``Protocol``).

The helpers (editor, file actions, review mode, relation actions, safety, view menu, training, schema
editor, layer picker) are handed the window but see it only through one of these, so none of them
imports :mod:`annotator.gui.main_window` (no import circles) and each says what it depends on.
:class:`~annotator.gui.main_window.MainWindow` satisfies all of them; only start-up
(:mod:`annotator.gui.app`) builds it. The project is read through ``session`` (``session.store``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QMenu, QStatusBar, QToolBar

    from annotator.app.change import Change
    from annotator.app.session import Session
    from annotator.gui.article.text_view import AnnotatedTextView
    from annotator.gui.background import SuggestionBridge


class Messages(Protocol):
    """Tells the analyst something in the status bar."""

    def say(self, message: str, error: bool = False) -> None: ...


class SessionWindow(Messages, Protocol):
    """A window showing one session's project: the session, and the one refresh."""

    session: Session

    def refresh(self, what: Change) -> None: ...


class EditingWindow(SessionWindow, Protocol):
    """What the editor, the schema editor and the layer picker use: the article view and the chooser slot."""

    view: AnnotatedTextView
    chooser: QDialog | None
    menus: dict[str, QMenu]
    toolbar: QToolBar

    def open_chooser(self, chooser: QDialog) -> None: ...


class RelationWindow(EditingWindow, Protocol):
    """Relation and event actions also talk to the editor, the schema editor and the side panel."""

    editor: Any
    schema_editor: Any
    side: Any


class ViewWindow(Messages, Protocol):
    """The View menu: the article view and the window's actions."""

    view: AnnotatedTextView
    actions_by_id: dict[str, Any]


class NavigatingWindow(SessionWindow, Protocol):
    """Opening documents and switching the session (review works in the gold layer)."""

    view: AnnotatedTextView
    editor: Any

    def open_document(self, document_id: int) -> None: ...

    def show_review_queue(self, shown: bool) -> None: ...

    def use_session(self, session: Session) -> None: ...


class SuggestingWindow(SessionWindow, Protocol):
    """Training and project switching restart the suggester."""

    suggestions: SuggestionBridge

    def start_suggestions(self) -> SuggestionBridge: ...


class ProjectWindow(SuggestingWindow, Protocol):
    """File > New/Open/Import: a new session, the document list reloaded, the review queue closed."""

    session: Session
    list_panel: Any
    review: Any

    def open_document(self, document_id: int) -> None: ...

    def reload_list(self) -> None: ...

    def show_review_queue(self, shown: bool) -> None: ...


class GuardedWindow(Messages, Protocol):
    """Safety (read-only, busy retries, backups): the session, the actions it disables, the title bar."""

    session: Session
    actions_by_id: dict[str, Any]

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's names

    def windowTitle(self) -> str: ...  # noqa: N802

    def setWindowTitle(self, title: str) -> None: ...  # noqa: N802

    def installEventFilter(self, watched: Any) -> None: ...  # noqa: N802
