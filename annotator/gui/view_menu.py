"""The View menu: zoom the article, wrap lines, show or hide label tags; the light or dark theme.

The theme follows the desktop's colour scheme (``QStyleHints.colorScheme``, Qt 6.5+) when the
window starts and whenever the desktop switches; a dark scheme gets the Fusion style with a
dark palette, so the article, the lists and the painted tags stay readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QPlainTextEdit

if TYPE_CHECKING:
    from annotator.gui.window_api import ViewWindow

ZOOM_STEP = 1
"""Points per Ctrl++ / Ctrl+-."""


class ViewOptions:
    """Handlers of the View menu's actions (declared in :data:`annotator.gui.actions.ACTIONS`)."""

    def __init__(self, window: ViewWindow):
        self.window = window

    @property
    def view(self):  # noqa: ANN201 - the window's article view
        return self.window.view

    def install(self) -> None:
        """Make the toggles checkable and show their state (after the actions exist)."""
        actions = self.window.actions_by_id
        for name, checked in (("toggle_tags", self.view.show_tags), ("toggle_wrap", self._wrapping())):
            action = actions.get(name)
            if action is not None:
                action.setCheckable(True)
                action.setChecked(checked)
        follow_desktop_theme()

    def _wrapping(self) -> bool:
        return self.view.lineWrapMode() != QPlainTextEdit.LineWrapMode.NoWrap

    def zoom_in(self) -> None:
        self.view.set_zoom(self.view.zoom + ZOOM_STEP)
        self.window.say(f"Text size {self.view.font().pointSizeF():g} pt.")

    def zoom_out(self) -> None:
        self.view.set_zoom(self.view.zoom - ZOOM_STEP)
        self.window.say(f"Text size {self.view.font().pointSizeF():g} pt.")

    def zoom_reset(self) -> None:
        self.view.set_zoom(0)
        self.window.say(f"Text size {self.view.font().pointSizeF():g} pt.")

    def toggle_wrap(self) -> None:
        wrap = not self._wrapping()
        mode = QPlainTextEdit.LineWrapMode.WidgetWidth if wrap else QPlainTextEdit.LineWrapMode.NoWrap
        self.view.setLineWrapMode(mode)
        self.window.actions_by_id["toggle_wrap"].setChecked(wrap)
        self.window.say("Long lines wrap at the window's edge." if wrap else "Long lines no longer wrap; scroll sideways.")

    def toggle_tags(self) -> None:
        shown = not self.view.show_tags
        self.view.set_show_tags(shown)
        self.window.actions_by_id["toggle_tags"].setChecked(shown)
        self.window.say("Label tags shown above spans." if shown else "Label tags hidden: spans show their colour only.")


def is_dark() -> bool:
    """Whether the desktop asks for a dark colour scheme (Qt 6.5+; older Qt: the palette's window colour)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        value = scheme()
        if value == Qt.ColorScheme.Dark:
            return True
        if value == Qt.ColorScheme.Light:
            return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#8c8c8c",
        QPalette.ColorRole.Link: "#7aa7ff", QPalette.ColorRole.BrightText: "#ff6b6b",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f7f7f"))
    return palette


def apply_theme(dark: bool) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if dark:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    else:
        app.setPalette(app.style().standardPalette())


_following = False


def follow_desktop_theme() -> None:
    """Apply the desktop's scheme now and whenever it changes (connected once per application)."""
    global _following
    if is_dark():
        apply_theme(True)
    hints = QGuiApplication.styleHints()
    if not _following and hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(lambda scheme: apply_theme(scheme == Qt.ColorScheme.Dark))
        _following = True
