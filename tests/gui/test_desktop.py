"""The window's icon and desktop id match the launcher entry that packaging/ installs."""

from __future__ import annotations

from annotator.gui.app import application
from annotator.gui.desktop import APP_ID, app_icon


def test_the_application_carries_the_icon_and_the_desktop_id(qapp) -> None:
    app = application()
    assert not app_icon().isNull()
    assert not app.windowIcon().isNull()
    assert app.windowIcon().availableSizes(), "the icon has no pixmap"
    assert app.desktopFileName() == APP_ID
