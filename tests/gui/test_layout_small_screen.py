"""At 1024x700 the article keeps most of the window's width and the toolbar fits (it used to get
about 300 px, between a 360 px list and a 340 px side panel, and the toolbar overflowed)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotator.gui.layout_fit import panel_sizes


def _settle(window, width: int, height: int) -> None:
    window.resize(width, height)
    for _ in range(3):
        QApplication.processEvents()


def test_at_1024x700_the_article_gets_over_half_the_width_and_the_toolbar_fits(make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    _settle(window, 1024, 700)
    assert window.width() == 1024
    share = window.view.width() / window.width()
    assert share >= 0.5, (window.centralWidget().sizes(), share)
    assert window.left.width() >= 180 and window.side.width() >= 200  # both still usable
    # Every toolbar button is on the bar itself, none behind the overflow (») button.
    toolbar = window.toolbar
    hidden = [a.iconText() for a in toolbar.actions() if toolbar.widgetForAction(a) is not None and not toolbar.widgetForAction(a).isVisible()]
    assert hidden == []
    assert window.actions_by_id["done_next"].text() == "Mark &done and open next"  # the menu keeps the full title
    # A narrow list keeps the titles readable: the counts' columns step aside.
    table = window.list_panel.table
    assert table.columnWidth(0) >= 80 and table.isColumnHidden(3) and table.isColumnHidden(4)


def test_wider_windows_give_the_panels_their_full_width(make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    _settle(window, 1400, 860)
    left, article, side = window.centralWidget().sizes()
    assert article >= 700 and left >= 290 and side >= 300
    assert not window.list_panel.table.isColumnHidden(3)


def test_panels_hide_and_a_dragged_splitter_stays(make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    _settle(window, 1024, 700)
    before = window.view.width()
    window.layout_fit.actions["toggle_side"].trigger()
    QApplication.processEvents()
    assert window.side.isHidden() and window.view.width() > before + 150
    window.layout_fit.actions["toggle_side"].trigger()
    QApplication.processEvents()
    assert window.side.isVisible()
    splitter = window.centralWidget()
    splitter.splitterMoved.emit(300, 1)  # the analyst dragged a handle
    splitter.setSizes([300, 424, 300])
    _settle(window, 1100, 700)
    assert splitter.sizes()[0] == 300  # not re-fitted over the analyst's choice


def test_panel_sizes_are_bounded() -> None:
    assert panel_sizes(1000) == [240, 530, 230]
    assert panel_sizes(3000)[0] == 360 and panel_sizes(3000)[2] == 340
    assert panel_sizes(600)[0] == 180 and panel_sizes(600)[2] == 200


def test_the_window_starts_no_larger_than_the_screen(make_window, gui_project: Path) -> None:
    window = make_window(gui_project)
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()
