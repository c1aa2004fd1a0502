"""The window's layout on small screens (1024x700 and up): the article keeps most of the width.

* The window starts no larger than the screen's available area.
* The splitter gives the document list and the side panel a share of the window's width, within
  bounds, and the article the rest; it follows the window's size until the analyst drags a
  splitter handle (from then on their sizes stay).
* Both side parts can be hidden and shown again (View > Document list / Side panel, also by
  dragging a handle to the edge); the document list's row of filters shrinks with it, and a narrow
  list shows titles, dates and statuses (the Spans and Events counts come back when it is wider).
* Toolbar buttons carry short words (the menus and tooltips keep the full titles), so the whole
  toolbar fits at 1024 px; where it still does not, Qt's overflow button (») holds the rest.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QSplitter

from annotator.gui.actions import ActionSpec, install_actions

TOOLBAR_WORDS = {
    "import_files": "Import",
    "accept_all": "Accept all",
    "mark_trigger": "Trigger",
    "add_argument": "Argument",
    "done_next": "Done, next",
    "next_document": "Next",
    "previous_document": "Previous",
    "start_review": "Review",
    "next_disagreement": "Next disagreement",
}
"""Toolbar words of the actions whose titles are long (the action ids of ``ACTIONS``)."""

LIST_SHARE, LIST_MIN, LIST_MAX = 0.24, 180, 360
NARROW_LIST = 300
"""Below this width the document list drops its Spans and Events columns: the title needs the room."""
COUNT_COLUMNS = (3, 4)
SIDE_SHARE, SIDE_MIN, SIDE_MAX = 0.23, 200, 340

PANEL_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("toggle_list", "&Document list", "toggle_list", "View", ("Ctrl+Shift+D",), "Show or hide the document list (more room for the article)"),
    ActionSpec("toggle_side", "Side &panel", "toggle_side", "View", ("Ctrl+Shift+P",), "Show or hide the selection, events and labels panel"),
)


def panel_sizes(width: int) -> list[int]:
    """Document list, article and side panel widths for a splitter ``width`` pixels wide."""
    left = max(LIST_MIN, min(LIST_MAX, round(width * LIST_SHARE)))
    side = max(SIDE_MIN, min(SIDE_MAX, round(width * SIDE_SHARE)))
    return [left, max(0, width - left - side), side]


class LayoutFit(QObject):
    """Keeps ``window``'s splitter and toolbar fitted to its size (see the module's docstring)."""

    def __init__(self, window: Any):
        super().__init__(window)
        self._window = weakref.ref(window)
        self.splitter: QSplitter = window.centralWidget()
        self.splitter.setChildrenCollapsible(True)
        self.user_sized = False
        self._fitting = False
        self.splitter.splitterMoved.connect(self._moved)
        for combo in (window.list_panel.status, window.list_panel.order):
            # Their longest item ("Least confident first") no longer sets the panel's minimum width.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.setMinimumWidth(80)
        window.list_panel.search.setMinimumWidth(60)
        window.left.setMinimumWidth(0)
        for action_id, words in TOOLBAR_WORDS.items():
            action = window.actions_by_id.get(action_id)
            if action is not None:
                action.setIconText(words)
        self.actions = install_actions(window, PANEL_ACTIONS, window.view, window.toolbar, window.menus, (self,))
        for action, part in zip(self.actions.values(), (window.left, window.side)):
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(part.setVisible)
        # The window's first size (1400x860) is larger than a 1024x700 screen: never start beyond it.
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            window.resize(min(window.width(), room.width()), min(window.height(), room.height()))
        window.installEventFilter(self)
        self.table = window.list_panel.table
        self.table.installEventFilter(self)
        # A new model (every reload of the list) resets the header's hidden columns: hide them again.
        self.table.horizontalHeader().sectionCountChanged.connect(lambda *_: self._fit_columns())

    @property
    def window(self) -> Any:
        return self._window()

    def toggle_list(self) -> None:
        """Handler of View > Document list (the check mark does the work: see ``toggled``)."""

    def toggle_side(self) -> None:
        """Handler of View > Side panel."""

    def fit(self) -> None:
        """Give the panels their share of the splitter's width now."""
        self._fitting = True
        try:
            self.splitter.setSizes(panel_sizes(self.splitter.width()))
        finally:
            self._fitting = False

    def _fit_columns(self) -> None:
        narrow = self.table.width() < NARROW_LIST
        for column in COUNT_COLUMNS:
            if column < self.table.horizontalHeader().count():
                self.table.setColumnHidden(column, narrow)

    def _moved(self, *_: Any) -> None:
        if not self._fitting:
            self.user_sized = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.table:
            if event.type() == QEvent.Type.Resize:
                self._fit_columns()
        elif event.type() in (QEvent.Type.Resize, QEvent.Type.Show) and not self.user_sized:
            self.fit()
        return False
