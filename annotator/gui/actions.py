"""Every user action declared once: id, title, shortcut, handler, menu.

:func:`install_actions` turns the declarations into ``QAction`` objects on the window, puts them
in menus and the toolbar, and writes each shortcut into the tooltip; the keyboard sheet is made
from the same list, so menus, tooltips and help cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from annotator.model.schema import LabelSchema

MENUS = ("File", "Edit", "View", "Annotate", "Labels", "Events", "Navigate", "Review", "Tools", "Help")


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    handler: str
    menu: str
    shortcuts: tuple[str, ...] = ()
    tip: str = ""
    toolbar: bool = False
    view_only: bool = False
    """Shortcut active only while the article has focus (keys that mean something elsewhere)."""
    argument: object = None
    """Passed to the handler; label actions carry their label."""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_project", "&New project…", "new_project", "File", ("Ctrl+N",), "Make a new, empty project file"),
    ActionSpec("open_project", "&Open project…", "open_project", "File", ("Ctrl+O",), "Open another project file"),
    ActionSpec("import_files", "&Import files…", "import_files", "File", ("Ctrl+I",), "Import articles and annotations", True),
    ActionSpec("export", "&Export…", "export", "File", ("Ctrl+E",), "Export annotations as training data", True),
    ActionSpec("quit", "&Quit", "close", "File", ("Ctrl+Q",)),
    ActionSpec("undo", "&Undo", "undo", "Edit", ("Ctrl+Z",), "Undo the last edit of this document", True),
    ActionSpec("redo", "&Redo", "redo", "Edit", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo what was undone", True),
    ActionSpec("find", "&Find in article…", "find", "Edit", ("Ctrl+F",), "Find text in the article"),
    ActionSpec("find_next", "Find &next", "find_next", "Edit", ("F3",)),
    ActionSpec("zoom_in", "Zoom &in", "zoom_in", "View", ("Ctrl++", "Ctrl+="), "Larger article text"),
    ActionSpec("zoom_out", "Zoom &out", "zoom_out", "View", ("Ctrl+-",), "Smaller article text"),
    ActionSpec("zoom_reset", "&Normal size", "zoom_reset", "View", ("Ctrl+0",), "Article text at its normal size"),
    ActionSpec("toggle_wrap", "&Wrap long lines", "toggle_wrap", "View", ("Ctrl+Shift+W",), "Wrap lines at the window's edge, or scroll sideways"),
    ActionSpec("toggle_tags", "Label &tags", "toggle_tags", "View", ("Ctrl+Shift+L",), "Show each span's label above it, or colour only"),
    ActionSpec("accept", "&Accept", "accept_selected", "Annotate", ("Return",), "Accept the selected suggestion", True, True),
    ActionSpec("reject", "Re&ject", "reject_selected", "Annotate", ("X",), "Reject the selected suggestion", True, True),
    ActionSpec("delete", "&Delete", "delete_selected", "Annotate", ("Delete", "Backspace"), "Delete the selected span, event or argument", False, True),
    ActionSpec("accept_all", "Accept a&ll suggestions", "accept_all", "Annotate", ("Ctrl+Shift+A",), "Accept every pending suggestion of this article (in review: everything all annotators agree on)", True),
    ActionSpec("accept_above", "Accept suggestions a&bove…", "accept_above", "Annotate", ("Ctrl+Alt+Shift+A",), "Accept this article's pending suggestions the model is at least N % sure of, for one label or all"),
    ActionSpec("reject_all", "Reject all &remaining", "reject_all", "Annotate", ("Ctrl+Shift+X",), "Reject every pending suggestion of this article"),
    ActionSpec("next_annotation", "Select next annotation", "select_next", "Annotate", ("Tab",), view_only=True),
    ActionSpec("previous_annotation", "Select previous annotation", "select_previous", "Annotate", ("Shift+Tab",), view_only=True),
    ActionSpec("grow_end", "Grow span by a token at the end", "grow_end", "Annotate", ("Alt+Right",)),
    ActionSpec("shrink_end", "Shrink span by a token at the end", "shrink_end", "Annotate", ("Alt+Left",)),
    ActionSpec("grow_start", "Grow span by a token at the start", "grow_start", "Annotate", ("Alt+Shift+Left",)),
    ActionSpec("shrink_start", "Shrink span by a token at the start", "shrink_start", "Annotate", ("Alt+Shift+Right",)),
    ActionSpec("mark_trigger", "Mark &trigger…", "mark_trigger", "Events", ("E",), "Make the selection an event trigger and choose its type", True, True),
    ActionSpec("add_argument", "Add &argument…", "add_argument", "Events", ("A",), "Add the selection (or selected span) as an argument of the selected event; on a selected argument, change its role", True, True),
    ActionSpec("change_event_type", "Change event t&ype…", "change_event_type", "Events", ("Shift+E",), view_only=True),
    ActionSpec("done_next", "Mark &done and open next", "done_next", "Navigate", ("Ctrl+Return",), "Mark this article done and open the next unfinished one", True),
    ActionSpec("next_document", "&Next document", "next_document", "Navigate", ("Ctrl+PgDown",), toolbar=True),
    ActionSpec("previous_document", "&Previous document", "previous_document", "Navigate", ("Ctrl+PgUp",), toolbar=True),
    ActionSpec("next_unfinished", "Next &unfinished document", "next_unfinished", "Navigate", ("Ctrl+Shift+PgDown",)),
    ActionSpec("focus_list", "Go to document &list", "focus_list", "Navigate", ("Ctrl+L",)),
    ActionSpec("start_review", "&Start review…", "start_review", "Review", ("Ctrl+R",), "Compare annotators and decide disagreements into gold", True),
    ActionSpec("stop_review", "Sto&p review", "stop_review", "Review", ("Ctrl+Shift+R",)),
    *(
        ActionSpec(f"take_{k}", f"Take version of annotator {k}", "take_version", "Review", (str(k),), f"Put annotator {k}'s version of the selected group into gold", False, True, k)
        for k in range(1, 10)
    ),
    ActionSpec("take_none", "Take &none of the versions", "take_none", "Review", ("0",), "Gold holds nothing for the selected group", False, True),
    ActionSpec("next_disagreement", "Next &disagreement", "next_disagreement_action", "Review", ("F8",), "Go to the next undecided disagreement (then the next document with some)", True),
    ActionSpec("previous_disagreement", "Previous disagreement", "previous_disagreement", "Review", ("Shift+F8",)),
    ActionSpec("agreement", "&Agreement…", "show_agreement", "Review", ("Ctrl+Shift+G",), "Agreement between annotators, per pair and per label"),
    ActionSpec("suggest_all", "&Suggest for all documents…", "suggest_all", "Tools", ("Ctrl+Shift+S",), "Run the suggester on every document that has no suggestions yet"),
    ActionSpec("train_from_gold", "&Train a suggester…", "train_from_gold", "Tools", (), "Learn suggestions from a layer's entities and events (gold, your own, any with documents done), and show whether they are better"),
    ActionSpec("retrain_settings", "&Retrain automatically…", "retrain_settings", "Tools", (), "Retrain in the background after every N documents marked done in the layer trained from (0: never)"),
    ActionSpec("undecided_settings", "When marking done with &undecided suggestions…", "undecided_settings", "Tools", (), "Ask, accept all, reject all or leave them when an article marked done has undecided suggestions"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "show_shortcuts", "Help", ("F1",)),
    ActionSpec("about", "&About annotator", "show_about", "Help"),
)


def label_actions(schema: LabelSchema) -> tuple[ActionSpec, ...]:
    """One action per entity label with a key: the key snaps to tokens, Shift+key keeps exact characters."""
    specs = []
    for label in schema.entities:
        if not label.key:
            continue
        key = label.key.upper()
        specs.append(ActionSpec(
            f"label:{label.name}", f"{label.name}", "apply_label", "Labels", (key,),
            f"Label the selection {label.name}, or relabel the selected span", False, True, label.name,
        ))
        specs.append(ActionSpec(
            f"label_exact:{label.name}", f"{label.name} (exact characters)", "apply_label_exact", "Labels",
            (f"Shift+{key}",), f"Label exactly the selected characters {label.name}", False, True, label.name,
        ))
    return tuple(specs)


def shortcut_text(spec: ActionSpec) -> str:
    return ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts)


def install_actions(
    window: QMainWindow,
    specs: Iterable[ActionSpec],
    view: QWidget,
    toolbar: QToolBar,
    menus: dict[str, QMenu],
    targets: tuple[object, ...] = (),
) -> dict[str, QAction]:
    """Create a ``QAction`` per spec, wired to the first of ``targets`` (else ``window``) that has
    the spec's handler, and put it in its menu (and the toolbar)."""
    actions: dict[str, QAction] = {}
    for spec in specs:
        action = QAction(spec.title.replace("&", "&&") if spec.argument else spec.title, window)
        action.setObjectName(spec.id)
        if spec.shortcuts:
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        keys = shortcut_text(spec)
        tip = spec.tip or spec.title.replace("&", "").rstrip("…")
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        owner = next((t for t in targets if hasattr(t, spec.handler)), window)
        handler: Callable = getattr(owner, spec.handler)
        if spec.argument is not None:
            action.triggered.connect(lambda checked=False, h=handler, a=spec.argument: h(a))
        else:
            action.triggered.connect(lambda checked=False, h=handler: h())
        if spec.view_only:
            # Plain keys (letters, Return, Tab) act only in the article, so typing elsewhere
            # (the search box, a dialog) never applies a label by accident.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            view.addAction(action)
        else:
            window.addAction(action)
        menus[spec.menu].addAction(action)
        if spec.toolbar:
            toolbar.addAction(action)
        actions[spec.id] = action
    return actions


def shortcut_rows(specs: Iterable[ActionSpec]) -> list[tuple[str, str, str]]:
    """``(menu, action, keys)`` for the keyboard sheet."""
    return [(s.menu, s.title.replace("&", ""), shortcut_text(s)) for s in specs if s.shortcuts]
