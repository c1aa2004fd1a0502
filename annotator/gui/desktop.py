"""The window's desktop identity: its icon and the id that ties it to the launcher entry.

The id is the reverse-DNS name of ``packaging/linux/io.github.annotator.Annotator.desktop``; Wayland
compositors and docks match a window to its launcher entry (and so to its icon) by it.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QIcon, QPixmap

from annotator.app.bundled import resource

APP_ID = "io.github.annotator.Annotator"
ICON_FILES = ("icons/annotator.png",)


def app_icon() -> QIcon:
    """The application icon, read from the bundled resources (an empty icon if they are missing)."""
    icon = QIcon()
    for name in ICON_FILES:
        pixmap = QPixmap()
        # Read the bytes rather than a path: importlib.resources may hand back a file inside an archive.
        if pixmap.loadFromData(resource(name).read_bytes()):
            icon.addPixmap(pixmap)
    return icon


def apply_identity(app: QGuiApplication) -> None:
    """Give every window the icon and tell the desktop which launcher entry the app belongs to."""
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)
