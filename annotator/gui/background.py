"""Slow work off the UI thread: imports and exports in a thread, suggestions in their own process.

Each task opens its own connection to the project file (a SQLite connection belongs to one
thread) and reports back through Qt signals, which arrive in the UI thread; the window then
refreshes from its one ``refresh`` method.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Protocol

from PySide6.QtCore import QObject, QThread, QTimer, Signal

log = logging.getLogger(__name__)

Progress = Callable[[str, int, "int | None"], None]
StopCheck = Callable[[], bool]


class TaskThread(QThread):
    """Runs ``work(progress, should_stop)`` in a thread; signals progress, result or failure."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[Progress, StopCheck], Any], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._stop = False

    def cancel(self) -> None:
        self._stop = True

    def run(self) -> None:
        def progress(phase: str, done: int, total: int | None) -> None:
            self.progressed.emit(phase, done, total or 0)

        try:
            self.succeeded.emit(self._work(progress, lambda: self._stop))
        except Exception as error:  # reported to the user in a dialog, logged in full
            log.exception("background task failed")
            self.failed.emit(str(error) or type(error).__name__)


class WorkerLike(Protocol):
    """What the window needs of :class:`annotator.suggest.worker.SuggestionWorker`."""

    def start(self) -> None: ...
    def submit(self, document_id: int) -> None: ...
    def submit_all(self, force: bool = False) -> None: ...
    def cancel(self) -> None: ...
    def poll(self) -> list[Any]: ...
    def stop(self) -> None: ...


class SuggestionBridge(QObject):
    """Polls the suggestion worker process and turns its messages into signals."""

    ready = Signal(str)
    document_done = Signal(int, str)
    progressed = Signal(int, int)
    finished = Signal()
    failed = Signal(str)

    def __init__(self, worker: WorkerLike | None, parent: QObject | None = None):
        super().__init__(parent)
        self.worker = worker
        self.error: str | None = None if worker is not None else "the suggester is not available"
        self.requested: set[int] = set()
        self.bulk_running = False
        self._timer = QTimer(self, interval=100)
        self._timer.timeout.connect(self.poll)
        if worker is not None:
            try:
                worker.start()
            except Exception as error:  # a broken installation must not stop the window
                log.exception("could not start the suggestion worker")
                self.worker, self.error = None, f"the suggester could not start: {error}"
            else:
                self._timer.start()

    @property
    def available(self) -> bool:
        return self.worker is not None and self.error is None

    def request(self, document_id: int) -> bool:
        if not self.available or document_id in self.requested:
            return False
        self.requested.add(document_id)
        self.worker.submit(document_id)  # type: ignore[union-attr]
        return True

    def run_all(self, force: bool = False) -> bool:
        if not self.available:
            return False
        self.bulk_running = True
        self.worker.submit_all(force)  # type: ignore[union-attr]
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def poll(self) -> None:
        if self.worker is None:
            return
        for message in self.worker.poll():
            kind = message.kind
            if kind == "ready":
                self.ready.emit(message.layer or "")
            elif kind == "document" and message.document_id is not None:
                self.requested.discard(message.document_id)
                self.document_done.emit(message.document_id, message.layer or "")
            elif kind == "progress":
                self.progressed.emit(message.done, message.total)
            elif kind == "finished":
                self.bulk_running = False
                self.finished.emit()
            elif kind == "error":
                self.bulk_running = False
                if message.document_id is None:
                    self.error = message.message
                self.failed.emit(message.message)

    def stop(self) -> None:
        self._timer.stop()
        if self.worker is not None:
            self.worker.stop()
