"""The window's side of the team hub: File > Connect to team hub…, a status-bar indicator
(synced / pending N / offline / error), background sync every few seconds, and "My queue".

Sync runs on a worker thread with its own connection to the project file and its own kept
connection to the hub, so the window never waits on the network; it reports back through a
Qt signal (delivered on the UI thread). What a sync pulls reaches the open article the way any
other program's writes do: the window notices the file changed and reloads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox

from annotator.gui.actions import ActionSpec, install_actions
from annotator.hub.sync import PUSH_DELAY, SYNC_INTERVAL  # (imports no driver: psycopg loads on first use)

MY_QUEUE = "my_queue"
"""The document list's status-filter value for: assigned to me and not done."""

SYNC_INTERVAL_MS = int(SYNC_INTERVAL * 1000)
PUSH_DELAY_MS = int(PUSH_DELAY * 1000)

HUB_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("connect_hub", "Connect to team &hub…", "connect_hub", "File", (), "Sync this project with the team's PostgreSQL hub"),
    ActionSpec("sync_now", "S&ync with hub now", "sync_now", "File", ("Ctrl+Shift+Y",), "Send your changes to the hub and fetch the team's"),
    ActionSpec("team_progress", "&Team progress…", "show_team", "Review", (), "Leads and reviewers: each analyst's progress and their agreement"),
)


def hub_user(store: Any) -> str | None:
    """The name a hub-connected project works under (its hub role: the layer that syncs)."""
    from annotator.store import hub_local

    link = hub_local.get_link(store)
    return link.user if link is not None else None


class HubPanel(QObject):
    """Owns the hub actions, the indicator and the sync thread of one window."""

    finished = Signal(str, str)  # state ("synced", "pending", "offline", "error"), message

    def __init__(self, window: QMainWindow, path: Path | None):
        super().__init__(window)
        self.window = window
        self._path = path
        self.indicator = QLabel()
        self.indicator.setObjectName("hub_status")
        self.indicator.setContentsMargins(8, 0, 8, 0)
        window.statusBar().addPermanentWidget(self.indicator)
        self.actions = install_actions(window, HUB_ACTIONS, window.view, window.toolbar, window.menus, (self,))  # type: ignore[attr-defined]
        self.state = ""
        self._thread: threading.Thread | None = None
        self._hub: Any = None
        self._drop_connection_later = False
        self._stopped = False
        self.team: Any = None  # the Team progress dialog, once opened
        self.timer = QTimer(self, interval=SYNC_INTERVAL_MS)
        self.timer.timeout.connect(self.sync_now)
        # An edit is sent shortly after the last one of a burst, not on the next tick of the timer.
        self.push_soon = QTimer(self, singleShot=True, interval=PUSH_DELAY_MS)
        self.push_soon.timeout.connect(self._push_if_pending)
        self._again = False  # an edit came while a sync was running: sync again when it ends
        self.finished.connect(self._finished)
        if self._link() is not None:
            self._add_queue_filter()
            self.indicator.setText("Hub: connecting…")
            self.timer.start()
            QTimer.singleShot(0, self.sync_now)

    # -- local state ------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        """The open project's file (the window may have switched projects since)."""
        path = getattr(self.window.session.store, "path", None)  # type: ignore[attr-defined]
        if path != self._path:
            self._path = path
            self._drop_connection_later = True
        return path

    def _open(self) -> Any:
        from annotator.app.workspace import connect

        return connect(self.path)  # type: ignore[arg-type]

    def _link(self) -> Any:
        if self.path is None:
            return None
        from annotator.store import hub_local

        return hub_local.get_link(self.window.session.store)  # type: ignore[attr-defined]

    def _add_queue_filter(self) -> None:
        combo = self.window.list_panel.status  # type: ignore[attr-defined]
        if combo.findData(MY_QUEUE) < 0:
            combo.insertItem(1, "My queue", MY_QUEUE)

    # -- actions ----------------------------------------------------------------------------

    def connect_hub(self) -> None:
        from annotator.hub.connection import HubError, check_url, driver

        if self.path is None:
            QMessageBox.information(self.window, "Team hub", "Save the project to a file first.")
            return
        try:
            driver()
        except HubError:
            from annotator.gui.hub.hub_messages import driver_missing

            QMessageBox.warning(self.window, "Team hub", driver_missing())  # no pip advice in the bundle
            return
        link = self._link()
        url, ok = QInputDialog.getText(
            self.window, "Connect to team hub",
            "Hub URL, e.g. postgresql://you@server/teamhub\n(the password comes from PGPASSWORD or ~/.pgpass)",
            QLineEdit.EchoMode.Normal, link.url if link else "",
        )
        if not ok or not url.strip():
            return
        try:
            check_url(url)
        except HubError as error:
            QMessageBox.warning(self.window, "Team hub", str(error))
            return
        self._start(url.strip())

    def show_team(self) -> None:
        from annotator.gui.hub.team_view import TeamDialog

        link = self._link()
        if link is None or link.role not in ("lead", "reviewer"):
            QMessageBox.information(
                self.window, "Team progress", "Team progress is for a project connected to a hub as a lead or reviewer."
            )
            return
        team = self.team
        if team is not None and team.url == link.url and team.store_path == self.path:
            team.refresh()  # one dialog per window, read again each time it is opened
        else:
            if team is not None:
                team.stop()
            self.team = TeamDialog(link.url, self.path, self.window)  # type: ignore[arg-type]
        self.team.open()

    def edited(self) -> None:
        """The window changed the project (an edit, a status): push it after a short pause."""
        if not self._stopped and self._link() is not None:
            self.push_soon.start()  # restarts: debounced to PUSH_DELAY after the last edit

    def _push_if_pending(self) -> None:
        from annotator.store import hub_local

        # Only own changes start it: a pull's writes reach the window as a "status" too.
        if self._link() is not None and hub_local.has_outgoing(self.window.session.store):  # type: ignore[attr-defined]
            self.sync_now()

    def sync_now(self) -> None:
        if self._stopped:
            return  # the first sync is queued at start and may come after the window closed its project
        if self._link() is not None:
            self._start(None)
        elif self.sender() is self.timer:
            self.timer.stop()  # the link went (another program disconnected the project)
        else:  # the analyst asked (File > Sync with hub now): say why nothing happens
            from annotator.gui.hub.hub_messages import NOT_CONNECTED

            self.window.say(NOT_CONNECTED, error=True)  # type: ignore[attr-defined]

    def _start(self, connect_url: str | None) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._again = True
            return
        self._thread = threading.Thread(target=self._work, args=(connect_url,), name="hub-sync", daemon=True)
        self._thread.start()

    # -- the worker thread ------------------------------------------------------------------

    def _work(self, connect_url: str | None) -> None:
        from annotator.hub.connection import HubError, driver
        from annotator.store import hub_local
        from annotator.store.database import StoreError

        try:
            psycopg = driver()
            with self._open() as store:
                if self._drop_connection_later:
                    self._drop_connection_later = False
                    self._drop_connection()
                if connect_url is not None:
                    from annotator.hub.admin import connect_project

                    connect_project(store, connect_url)
                    self._drop_connection()
                if self._hub is None:
                    from annotator.hub.sync import Hub

                    self._hub = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]
                from annotator.hub.sync import sync

                report = sync(self._hub, store)
                pending = hub_local.pending_count(store)
            message = "\n".join(report.conflicts)
            state = "pending" if pending else "synced"
            self.finished.emit(state if not report.conflicts else "conflict", f"{pending}\n{message}" if message else str(pending))
        except (HubError, StoreError) as error:
            self._drop_connection()
            offline = "cannot reach" in str(error) or "connection" in str(error)
            self.finished.emit("offline" if offline else "error", str(error))
        except psycopg.Error as error:  # type: ignore[misc]
            self._drop_connection()
            self.finished.emit("offline" if isinstance(error, psycopg.OperationalError) else "error", str(error).strip())
        except Exception as error:  # keep the window alive whatever a sync meets; say what it was
            self._drop_connection()
            self.finished.emit("error", f"{type(error).__name__}: {error}")

    def _drop_connection(self) -> None:
        hub, self._hub = self._hub, None
        if hub is not None:
            try:
                hub.close()
            except Exception:  # a dead connection may refuse even to close
                pass

    # -- back on the UI thread --------------------------------------------------------------

    def _finished(self, state: str, message: str) -> None:
        if self._stopped:
            return  # delivered after the window closed its project
        if self._again:
            self._again = False
            self.push_soon.start()  # what was edited during that sync
        first_line, _, rest = message.partition("\n")
        if state in ("synced", "pending", "conflict"):
            if not self.timer.isActive():
                self.timer.start()
            self._add_queue_filter()
            user = hub_user(self.window.session.store)  # type: ignore[attr-defined]
            if user and user != self.window.session.annotator:  # type: ignore[attr-defined]
                self.window.say(  # type: ignore[attr-defined]
                    f"This project syncs as {user}: reopen it (or start with --annotator {user}) so that your "
                    f"edits go to {user}'s layer; edits under {self.window.session.annotator} are not sent.",  # type: ignore[attr-defined]
                    error=True,
                )
            pending = int(first_line or 0)
            self.indicator.setText(f"Hub: pending {pending}" if pending else "Hub: synced")
            if rest:
                self.window.say(rest, error=True)  # type: ignore[attr-defined]
        elif state == "offline":
            self.indicator.setText("Hub: offline")
            self.indicator.setToolTip(message)
        else:
            self.indicator.setText("Hub: error")
            self.indicator.setToolTip(message)
            self.window.say(f"Team hub: {message}", error=True)  # type: ignore[attr-defined]
        self.state = state

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()
        self.push_soon.stop()
        if self.team is not None:
            self.team.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._drop_connection()
