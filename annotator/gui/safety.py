"""What the window does when the project cannot take a write, or is damaged, and its backups.

* A read-only project opens read-only: the title and the status bar say so, and the actions
  that edit are disabled with the reason in their tips (the session refuses any edit too).
* "Busy" (another program holds the write lock): the window's connection waits only briefly
  (:data:`BUSY_TIMEOUT`), and the session hands the action back to be retried on a timer, so
  the window never freezes for the whole busy timeout; if it stays busy, a dialog says the
  change was not saved.
* Backups: one in a background thread when the project opens, and one an hour while it is
  being edited (:mod:`annotator.store.backup`).
* A damaged project file: :func:`offer_backup` offers to restore the latest backup.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from annotator.store.backup import DAMAGED, Backup, list_backups, make_backup, restore_backup
from annotator.store.database import DamagedError, StoreError

if TYPE_CHECKING:
    from annotator.gui.window_api import GuardedWindow
    from annotator.app.session import Session

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 0.2
"""Seconds one attempt waits for the write lock (the UI thread is blocked that long at most)."""
RETRY_INTERVAL_MS = 500
RETRIES = 20
"""Attempts after the first before the user is told the change was not saved (about 14 s)."""
BACKUP_INTERVAL_MS = 3600 * 1000
BACKUP_DELAY_MS = 1500
"""The backup at open starts this long after the window opened."""

EDIT_ACTIONS = (
    "accept", "reject", "delete", "accept_all", "accept_above", "reject_all", "grow_end", "shrink_end", "grow_start",
    "shrink_start", "mark_trigger", "add_argument", "change_event_type", "done_next", "undo", "redo",
    "import_files", "suggest_all", "start_review", "take_none",
)
READ_ONLY_MARK = " [read-only]"


class WindowSafety(QObject):
    """Installed on the window by :meth:`attach`; see the module's docstring."""

    backup_done = Signal(str)
    backup_failed = Signal(str)
    backup_refused = Signal(str)
    """The copy failed SQLite's check: the project is damaged; the older backups were kept."""
    gave_up = Signal(str)

    def __init__(self, window: GuardedWindow):
        super().__init__(window)
        self.window = window
        self.store = window.session.store
        self._retries: list[Callable[[], str | None]] = []
        self._attempts = 0
        self._busy_since: float | None = None
        """When the first change still waiting met the lock (what the dialog says it waited)."""
        self._in_retry = False
        self._timer = QTimer(self, singleShot=True, interval=RETRY_INTERVAL_MS)
        self._timer.timeout.connect(self._retry)
        self._edited = False
        self._backup_thread: threading.Thread | None = None
        self.last_backup: Backup | None = None
        self.box: QMessageBox | None = None
        window.session.wait_when_busy(BUSY_TIMEOUT)
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("read_only")
        self.backup_failed.connect(lambda message: window.say(f"Backup failed: {message}", error=True))
        self.backup_refused.connect(self._show_refused)
        recovered = window.session.recovered()
        if recovered:
            window.say(recovered, error=True)
        if self.store.read_only:
            self.read_only_label.setText(f"<b>Read-only</b>: {self.store.read_only}; edits are disabled")
            self.read_only_label.setContentsMargins(8, 0, 8, 0)
            window.statusBar().addPermanentWidget(self.read_only_label)
            window.windowTitleChanged.connect(self._mark_title)
            self._mark_title(window.windowTitle())
        self.attach(window.session)
        self._hourly = QTimer(self, interval=BACKUP_INTERVAL_MS)
        self._hourly.timeout.connect(self._hourly_backup)
        # The backup at open waits until the window is up: opening stays as fast as it was.
        self._first = QTimer(self, singleShot=True, interval=BACKUP_DELAY_MS)
        self._first.timeout.connect(self.start_backup)
        if self.store.path is not None:
            self._first.start()
            self._hourly.start()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.Close:
            for timer in (self._first, self._hourly, self._timer):
                timer.stop()
        return False

    # -- sessions -----------------------------------------------------------------------------

    def attach(self, session: Session) -> None:
        """Take over the failures of ``session`` (the window's, or review's gold session)."""
        session.on_busy = self._busy
        session.on_problem = lambda message: self.window.say(message, error=True)
        session.subscribe(self._changed)
        self._disable_edits()

    def _changed(self, what: str) -> None:
        if what in ("annotations", "status"):
            self._edited = True
        self._disable_edits()

    # -- read-only ----------------------------------------------------------------------------

    def _mark_title(self, title: str) -> None:
        if not title.endswith(READ_ONLY_MARK):
            self.window.setWindowTitle(title + READ_ONLY_MARK)

    def _disable_edits(self) -> None:
        if not self.store.read_only:
            return
        reason = f"Disabled: the project is open read-only ({self.store.read_only})"
        actions = [self.window.actions_by_id.get(i) for i in EDIT_ACTIONS]
        actions += list(getattr(self.window, "label_action_objects", {}).values())
        for action in actions:
            if action is not None:
                action.setEnabled(False)
                action.setStatusTip(reason)
                action.setToolTip(reason)

    # -- busy -----------------------------------------------------------------------------------

    def _busy(self, retry: Callable[[], str | None], message: str) -> None:
        if self._busy_since is None:
            self._busy_since = time.monotonic()
        if self._in_retry:  # a retry met the lock again: back to the front of the queue
            self._attempts += 1
            self._retries.insert(0, retry)
        else:
            self._retries.append(retry)
        if self._attempts > RETRIES:
            self._give_up(message)
            return
        self.window.say("The project is busy (another program is writing to it); trying again…", error=True)
        if not self._timer.isActive():
            self._timer.start()

    def _retry(self) -> None:
        if not self._retries:
            return
        retry = self._retries.pop(0)
        waiting = len(self._retries)
        self._in_retry = True
        try:
            problem = retry()
        finally:
            self._in_retry = False
        if problem is None:
            self._attempts = 0
            if not self._retries:
                self._busy_since = None
            self.window.say("Saved.")
        elif len(self._retries) == waiting:  # refused for another reason (a conflict): say why
            self.window.say(problem, error=True)
        if self._retries and not self._timer.isActive():
            self._timer.start()

    def _give_up(self, message: str) -> None:
        lost = len(self._retries)
        waited = time.monotonic() - (self._busy_since if self._busy_since is not None else time.monotonic())
        self._retries.clear()
        self._attempts = 0
        self._busy_since = None
        self._timer.stop()
        text = (
            f"{message}\n\nIt stayed busy for {max(1, round(waited))} seconds, so your last "
            f"{'change was' if lost == 1 else f'{lost} changes were'} not saved. Try again when the other "
            "program has finished."
        )
        self.gave_up.emit(text)
        self.box = QMessageBox(QMessageBox.Icon.Warning, "annotator: project busy", text, parent=self.window)
        self.box.open()  # not exec(): the window keeps running

    # -- backups ---------------------------------------------------------------------------------

    def start_backup(self) -> None:
        """Back the project up in a background thread (the online backup API reads while we work)."""
        if self.store.path is None or (self._backup_thread is not None and self._backup_thread.is_alive()):
            return
        path = self.store.path

        def work() -> None:
            _yield_to_the_window()
            try:
                self.last_backup = make_backup(path)
                self.backup_done.emit(str(self.last_backup.path))
            except DamagedError as error:
                log.warning("backup of %s refused: %s", path, error)
                self.backup_failed.emit(str(error))
                self.backup_refused.emit(str(error))
            except (StoreError, OSError) as error:
                log.warning("backup of %s failed: %s", path, error)
                self.backup_failed.emit(str(error))

        self._backup_thread = threading.Thread(target=work, name="annotator-backup", daemon=True)
        self._backup_thread.start()

    def _show_refused(self, message: str) -> None:
        self.box = QMessageBox(QMessageBox.Icon.Critical, "annotator: damaged project", message, parent=self.window)
        self.box.setObjectName("backup_refused")
        self.box.setInformativeText(
            "Close the window and run `annotator check` on the project: it says which backup to restore."
        )
        self.box.open()  # not exec(): the window keeps running

    def wait_for_backup(self, seconds: float = 30) -> None:
        if self._backup_thread is not None:
            self._backup_thread.join(seconds)

    def _hourly_backup(self) -> None:
        if self._edited:
            self._edited = False
            self.start_backup()


def _yield_to_the_window() -> None:
    """Lower the calling thread's priority (on Linux each thread has its own nice value): copying
    a project of a gigabyte takes a second or more of a core, which on a busy machine the window's
    thread should get first."""
    if sys.platform.startswith("linux"):  # elsewhere the id would name a process, not this thread
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass


def damaged_dialog(path: Path, message: str, parent: QWidget | None = None) -> tuple[QMessageBox, Backup | None]:
    """The dialog for a damaged project: it offers the latest backup when there is one."""
    backups = [b for b in list_backups(path) if not b.path.stem.endswith(DAMAGED)]
    latest = backups[0] if backups else None
    box = QMessageBox(QMessageBox.Icon.Critical, "annotator: damaged project", message, parent=parent)
    box.setObjectName("damaged_dialog")
    if latest is not None:
        box.setInformativeText(
            f"The latest backup is from {latest.made:%Y-%m-%d %H:%M} ({latest.size / 1e6:.1f} MB). Restore it? "
            "The damaged file is kept as a backup too, so nothing is lost."
        )
        restore = box.addButton("Restore the latest backup", QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("restore")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(restore)
    else:
        box.setInformativeText(
            "There is no backup of this project. Keep a copy of the file as it is; `sqlite3 FILE .recover` can often "
            "save most of it."
        )
        box.addButton(QMessageBox.StandardButton.Close)
    return box, latest


def offer_backup(path: Path, message: str, parent: QWidget | None = None) -> bool:
    """Show the damaged-file dialog; restore the latest backup if asked. True when restored."""
    box, latest = damaged_dialog(path, message, parent)
    box.exec()
    chosen = box.clickedButton()
    if latest is None or chosen is None or chosen.objectName() != "restore":
        return False
    try:
        restore_backup(path, latest.path)
    except (StoreError, OSError) as error:
        QMessageBox.critical(parent, "annotator", f"The backup could not be restored: {error}")
        return False
    return True
