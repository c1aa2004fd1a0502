"""The main window: document list, article, side panel, status bar; everything refreshes from
:meth:`MainWindow.refresh`, which the session calls whenever what it holds changes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QMainWindow, QSplitter, QTabWidget, QToolBar, QVBoxLayout, QWidget

from annotator.app.change import Change
from annotator.gui.actions import ACTIONS, MENUS, install_actions, label_actions, shortcut_rows
from annotator.gui.background import SuggestionBridge, WorkerLike
from annotator.gui.document_list import DocumentListModel, DocumentListPanel
from annotator.gui.editing.editor import Editor
from annotator.gui.file_actions import FileActions
from annotator.gui.editing.done_prompt import DoneActions
from annotator.gui.training.train_dialog import TrainActions
from annotator.gui.article.find_bar import FindBar
from annotator.gui.article.fillers import FillerLayer, filler_marks
from annotator.gui.layout_fit import LayoutFit
from annotator.gui.hub.hub_panel import HubPanel
from annotator.gui.review.review_mode import ReviewMode
from annotator.gui.safety import WindowSafety
from annotator.gui.editing.relation_actions import RelationActions
from annotator.gui.editing.schema_editor import SchemaEditor
from annotator.gui.side_panel import SidePanel
from annotator.gui.article.mark_sync import ArticleMarks
from annotator.gui.article.text_view import AnnotatedTextView
from annotator.gui.view_menu import ViewOptions
from annotator.model.annotations import Event
from annotator.app.session import Session
from annotator.gui.status_line import WindowStatus

if TYPE_CHECKING:
    from annotator.store.project import ProjectStore  # the type only: the window reads it through the session

WorkerFactory = Callable[[Path], "WorkerLike | None"]


class MainWindow(QMainWindow):
    def __init__(self, store: ProjectStore, annotator: str, worker_factory: WorkerFactory | None = None):
        super().__init__()
        self.setObjectName("main_window")
        self.worker_factory = worker_factory
        self.session = Session(store, annotator)
        self.editor = Editor(self)
        self.chooser: QDialog | None = None
        self.marks = ArticleMarks(self)
        self._shown_events: tuple[Event, ...] | None = None
        """The events the Events panel lists; None: it lists nothing of the open document yet."""
        self._row_update = QTimer(self, singleShot=True, interval=0)
        self._row_update.timeout.connect(lambda: self.status.update_stale_rows())
        self._event_mark = QTimer(self, singleShot=True, interval=60)
        self._event_mark.timeout.connect(self.marks.mark_current_event)
        # Suggestions for other documents change only the status bar: update it at most every 200 ms.
        self._status_update = QTimer(self, singleShot=True, interval=200)
        self._status_update.timeout.connect(lambda: self.status.update_status_bar(progress_too=False))
        self._build()
        self.suggestions = self.start_suggestions()
        self.hub = HubPanel(self, store.path)
        self._external = QTimer(self, interval=1000)
        self._external.timeout.connect(self._check_external)
        self._external.start()
        self.session.subscribe(self.refresh)
        self.safety = WindowSafety(self)  # read-only, busy retries, backups (gui/safety.py)
        self.reload_list()
        first = self.list_panel.model.rows[0].id if self.list_panel.model and self.list_panel.model.rows else None
        if first is not None:
            self.open_document(first)
        else:
            self.refresh(Change.DOCUMENT)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.resize(1400, 860)
        self.list_panel = DocumentListPanel()
        self.view = AnnotatedTextView()
        self.find_bar = FindBar(self.view)
        self.fillers = FillerLayer(self.view)  # argument fillers that are no span (gui/article/fillers.py)
        self.side = SidePanel()
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.view, 1)
        column.addWidget(self.find_bar)
        self.review = ReviewMode(self)
        self.left = QTabWidget()
        self.left.setObjectName("left_tabs")
        self.left.addTab(self.list_panel, "Documents")
        self.left.addTab(self.review.queue, "Review queue")
        self.left.setTabVisible(1, False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left)
        splitter.addWidget(centre)
        splitter.addWidget(self.side)
        splitter.setSizes([360, 700, 340])
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("toolbar")
        self.addToolBar(self.toolbar)
        self.menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        self.files = FileActions(self)
        self.view_options = ViewOptions(self)
        self.training = TrainActions(self)
        self.marking = DoneActions(self)
        self.actions_by_id = install_actions(
            self, ACTIONS, self.view, self.toolbar, self.menus,
            (self, self.editor, self.review, self.files, self.view_options, self.training, self.marking),
        )
        self.view_options.install()
        self._install_labels()
        self.relations = RelationActions(self)
        self.schema_editor = SchemaEditor(self)
        self.layout_fit = LayoutFit(self)  # panel widths and toolbar words that fit 1024x700 (gui/layout_fit.py)
        self.status = WindowStatus(self)  # the status bar's labels, Undo/Redo texts, list rows
        self.list_panel.document_chosen.connect(self.open_document)
        self.list_panel.filter_changed.connect(self.reload_list)
        self.view.clicked.connect(self.editor.clicked)
        self.view.selectionChanged.connect(lambda: self.refresh(Change.TEXT_SELECTION))
        self.side.event_chosen.connect(self._event_chosen)
        self.side.label_chosen.connect(self.apply_label)

    def _event_chosen(self, uid: str, argument: int) -> None:
        if self.review.active:
            self.review.select_item(uid)
        else:
            self.editor.select(uid, argument)
        # The keys (1..9, A, Return) act on the article: give it the keyboard back.
        self.view.setFocus()

    def _install_labels(self) -> None:
        for action in getattr(self, "label_action_objects", {}).values():
            self.menus["Labels"].removeAction(action)
            self.view.removeAction(action)
        self.label_specs = label_actions(self.session.schema)
        self.label_action_objects = install_actions(self, self.label_specs, self.view, self.toolbar, self.menus, (self.editor,))
        self.side.set_schema(self.session.schema)
        self.marks.colors.clear()

    @property
    def store(self) -> ProjectStore:
        """The open project, as the session holds it (read through the session, never around it)."""
        return self.session.store

    def start_suggestions(self) -> SuggestionBridge:
        worker = self.worker_factory(self.store.path) if self.worker_factory and self.store.path else None
        bridge = SuggestionBridge(worker, self)
        bridge.ready.connect(self._suggester_ready)
        bridge.document_done.connect(self._suggestions_arrived)
        bridge.failed.connect(lambda message: self.say(f"Suggestions: {message}", error=True))
        bridge.failed.connect(lambda _: self.refresh(Change.STATUS))
        return bridge

    # -- the one refresh --------------------------------------------------------------------

    def refresh(self, what: Change) -> None:
        """Bring every widget up to date with the session; ``what`` says how much changed
        (a :class:`~annotator.app.change.Change`)."""
        current = self.session.current
        if what == Change.TEXT_SELECTION:
            self.status.update_actions()
            if current is not None and (self.editor.selected is None or self.view.selection() is not None):
                self.marks.show_details()
            return
        if what == Change.PROJECT and self._labels_outdated():
            self._install_labels()
        if what == Change.DOCUMENT:
            self.editor.clear()
            self.marks.shown = {}
            # Whatever the panel lists belongs to the previous document, even if both have no events.
            self._shown_events = None
            self.view.show_text(current.text if current else "")
            self.setWindowTitle(f"{current.document.title} — annotator" if current else "annotator")
            if current is not None:
                self.list_panel.show_document(current.id)
        if current is None:
            self.view.set_marks([], [], None)
            self.side.show_details(None, "")
            self.side.show_events((), "", self.session.schema, None)
        else:
            if what in (Change.DOCUMENT, Change.ANNOTATIONS, Change.PROJECT):
                if self.review.active:
                    self.review.refresh_items()
                self.marks.sync_marks(full=what != Change.ANNOTATIONS or self.review.active)
                if self.review.active:
                    self.side.show_review_events(self.review.event_groups(), self.editor.selected)
                    self._shown_events = None
                    self.fillers.set([])  # review marks every version's fillers itself
                else:
                    events = current.visible_events()
                    shown = self._shown_events
                    if shown is None or len(events) != len(shown) or any(a is not b for a, b in zip(events, shown)):
                        self.side.show_events(events, current.text, self.session.schema, self.editor.event)
                        self._shown_events = events
                        self.fillers.set(filler_marks(events, self.marks.shown, self.view.offsets.to_qt, self.marks.color))
            self.marks.sync_selection()
            if what == Change.ANNOTATIONS:
                self.view.flush()  # on screen before the session writes the edit to disk
            if what in (Change.ANNOTATIONS, Change.STATUS):
                self.hub.edited()  # sent to the team hub shortly after (debounced)
            if what in (Change.ANNOTATIONS, Change.STATUS, Change.PROJECT):
                # After the frame: the list's counts need not hold up the article's repaint.
                self.status.stale_rows.add(current.id)
                self._row_update.start()
        if what != Change.SELECTION:
            self.status.update_status_bar(progress_too=what != Change.ANNOTATIONS)
        if hasattr(self, "relations"):
            self.relations.refresh(what)
        self.status.update_actions()

    def _labels_outdated(self) -> bool:
        shown = tuple(spec.argument for spec in self.label_specs if spec.id.startswith("label:"))
        return shown != tuple(label.name for label in self.session.schema.entities if label.key)

    def say(self, message: str, error: bool = False) -> None:
        self.statusBar().showMessage(message, 8000 if error else 4000)

    # -- documents --------------------------------------------------------------------------

    def reload_list(self) -> None:
        model = DocumentListModel(self.session.documents.page, self.list_panel)
        self.list_panel.set_model(model)
        model.set_filter(self.status.filter())
        if self.session.current is not None:
            self.list_panel.show_document(self.session.current.id)

    def open_document(self, document_id: int) -> None:
        self.session.open(document_id, settle=False)
        # After the first paint (session.open says why); not once the window (and its project) closed.
        QTimer.singleShot(0, self.view, lambda: self.view.isVisible() and self.session.settle())
        if not self.session.has_suggestions(document_id) and self.suggestions.request(document_id):
            self.refresh(Change.STATUS)
        self.view.setFocus()

    def _go(self, step: int, unfinished: bool = False) -> bool:
        return self.status.go(step, unfinished)

    def next_document(self) -> None:
        self._go(1)

    def previous_document(self) -> None:
        self._go(-1)

    def next_unfinished(self) -> None:
        self._go(1, unfinished=True)

    def done_next(self) -> None:
        if self.session.current is None:
            return
        if not self.marking.mark_done():  # asks first when suggestions are undecided
            return
        self.training.document_done()  # retrains in the background when the project's setting says so
        self._go(1, unfinished=True)

    def focus_list(self) -> None:
        self.list_panel.table.setFocus()

    # -- suggestions ------------------------------------------------------------------------

    def _suggester_ready(self, layer: str) -> None:
        if layer:
            self.session.use_suggestion_layer(layer)
        self.refresh(Change.STATUS)

    def _suggestions_arrived(self, document_id: int, layer: str) -> None:
        if layer and (self.session.suggestion_layer is None or self.session.suggestion_layer.name != layer):
            self.session.use_suggestion_layer(layer)
        elif self.session.current is not None and self.session.current.id == document_id:
            self.session.reload()
        else:
            # Another document's suggestions (a bulk run): nothing shown changes but the status
            # bar's state, so no list row, count or selection is refreshed for each of them.
            if not self._status_update.isActive():
                self._status_update.start()
            return
        self.refresh(Change.STATUS)

    def _check_external(self) -> None:
        if self.session.check_external_changes() and self.list_panel.model is not None:
            # Documents imported by another process (the command line) join the list's end.
            self.list_panel.model.fetch_new()

    # -- handlers ACTIONS name here (the rest are the editor's, the review's, the files') ----

    def apply_label(self, label: str) -> None:
        self.editor.apply_label(label, snap=True)

    def apply_label_exact(self, label: str) -> None:
        self.editor.apply_label(label, snap=False)

    def accept_all(self) -> None:
        if self.review.active:
            self.review.accept_agreed()
        else:
            self.editor.decide_all(accepting=True)

    def accept_above(self) -> None:
        from annotator.gui.editing.accept_above import AcceptAboveDialog

        dialog = AcceptAboveDialog(self.session.schema, self)
        dialog.chosen.connect(self.editor.accept_above)
        self.chooser = dialog
        dialog.open()

    def show_agreement(self) -> None:
        self.review.ask_agreement_layers(self._open_agreement)  # which annotators: as Start review asks

    def _open_agreement(self, layers: list[str]) -> None:
        from annotator.gui.review.agreement_view import AgreementDialog

        dialog = AgreementDialog(self.store.path, layers, self)
        dialog.label_chosen.connect(
            lambda label: self.review.show_label(label, list(dialog.report["annotators"]) if dialog.report else [])
        )
        self.chooser = dialog
        dialog.open()

    def use_session(self, session: Session) -> None:
        """Work in another layer (review works in gold) on the same document, if it is there."""
        current = self.session.current.id if self.session.current else None
        self.session = session
        session.subscribe(self.refresh)
        self.safety.attach(session)
        self.refresh(Change.PROJECT)
        self.reload_list()
        if current is not None:
            self.open_document(current)
        else:
            self.refresh(Change.DOCUMENT)

    def show_review_queue(self, shown: bool) -> None:
        self.left.setTabVisible(1, shown)
        self.left.setCurrentIndex(1 if shown else 0)
        self.setWindowTitle(self.windowTitle().replace(" [review]", "") + (" [review]" if shown else ""))

    def undo(self) -> None:
        back = self.session.undo_elsewhere()
        if back is not None:
            self.open_document(back)  # the article whose mark-done decisions this undoes
        problem = self.session.undo()
        if problem:
            self.say(problem, error=True)
        self.editor.select(self.editor.selected if self.session.current and self.session.current.find(self.editor.selected or "") else None, reveal=False)

    def redo(self) -> None:
        problem = self.session.redo()
        if problem:
            self.say(problem, error=True)
        self.editor.select(self.editor.selected if self.session.current and self.session.current.find(self.editor.selected or "") else None, reveal=False)

    def find(self) -> None:
        self.find_bar.start()

    def find_next(self) -> None:
        self.find_bar.next()

    def open_chooser(self, chooser: QDialog) -> None:
        self.chooser = chooser
        chooser.finished.connect(self._chooser_closed)
        chooser.open()

    def _chooser_closed(self) -> None:
        # Give the keyboard back to the article, so the next key goes on with the work.
        self.activateWindow()
        self.view.setFocus()

    def show_shortcuts(self) -> None:
        from annotator.gui.dialogs import ShortcutsDialog

        dialog = ShortcutsDialog(shortcut_rows(ACTIONS + self.label_specs), self)
        self.chooser = dialog
        dialog.open()

    def show_about(self) -> None:
        from annotator.gui.dialogs import show_about

        show_about(self, self.store.path)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._external.stop()
        self.hub.stop()
        self._row_update.stop()
        self._event_mark.stop()
        self.list_panel.stop()  # a search typed just before closing must not query a closed store
        self._status_update.stop()
        self.suggestions.stop()
        for task in (self.files.task, self.review.task, self.training.thread):
            if task is not None and task.isRunning():
                task.cancel()
                task.wait(5000)
        super().closeEvent(event)

