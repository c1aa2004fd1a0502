"""Suggestions for the window, made in a separate process so that the window never waits.

:class:`SuggestionWorker` starts one process with the ``spawn`` method (never ``fork``: a forked
copy of a process running Qt can deadlock). The process opens its own connection to the project,
loads the pipeline, and writes suggestions itself, one transaction per document or per small
bulk batch; the window only reloads a document after a ``document`` message about it. Every
method of the worker returns at once: requests go down a queue and replies come back on another,
read by :meth:`SuggestionWorker.poll`.

Messages (:class:`WorkerMessage`, by ``kind``):

* ``ready``: the model is loaded; ``layer`` names the suggestions layer, ``message`` the model.
* ``document``: ``document_id`` has its suggestions in ``layer`` (just made, or already there).
* ``progress``: the bulk run has done ``done`` of ``total`` documents.
* ``finished``: the bulk run ended; ``message`` is ``"cancelled"`` when it was cancelled.
* ``error``: without ``document_id``, the worker cannot suggest at all (``message`` says why and
  what to install) and ignores further requests; with one, that document got no suggestions.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.app.bundled import default_schema
from annotator.model.layer import DocStatus
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore
from annotator.suggest.pipeline import MODEL_SETTING, choose_model
from annotator.suggest.batches import read_batch, save_suggestions, suggest_batch
from annotator.suggest.runner import documents_to_suggest, suggestions_layer
from annotator.suggest.suggester import SuggestError, Suggester

BULK_BATCH = 8
"""Documents per bulk transaction: small, so that a document the analyst opens waits little."""

_IDLE_WAIT_SECONDS = 0.5


@dataclass(frozen=True)
class WorkerMessage:
    kind: str
    document_id: int | None = None
    layer: str | None = None
    done: int = 0
    total: int = 0
    message: str = ""


class SuggestionWorker:
    """One suggestion process for one project file. Create, :meth:`start`, then submit and poll."""

    def __init__(self, db_path: Path, model: str | None = None):
        self.db_path = Path(db_path)
        self.model = model
        self._process: Any = None
        self._requests: Any = None
        self._messages: Any = None
        self._reported_exit = False
        self._inbox: deque[WorkerMessage] = deque()
        self._reader: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self) -> None:
        """Start the process (the model loads there; ``ready`` or ``error`` follows)."""
        if self._process is not None:
            return
        context = multiprocessing.get_context("spawn")
        self._requests = context.Queue()
        self._messages = context.Queue()
        self._process = context.Process(
            target=_serve,
            args=(str(self.db_path), self.model, self._requests, self._messages),
            name="annotator-suggestions",
            daemon=True,
        )
        self._process.start()
        self._closing.clear()
        self._reader = threading.Thread(target=self._read, name="annotator-suggestion-messages", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Take the process's messages off the pipe as they come, in a thread of its own: reading
        and unpickling them never runs in the window's event loop, which only empties a deque.
        The thread waits in the pipe with the GIL released and holds it only to unpickle."""
        messages = self._messages
        while not self._closing.is_set():
            try:
                self._inbox.append(messages.get(timeout=0.2))
            except queue.Empty:
                continue
            except (OSError, ValueError, EOFError):  # the queue was closed
                return

    def _send(self, request: tuple[str, Any]) -> None:
        if self._process is not None and self._process.is_alive():
            self._requests.put(request)

    def submit(self, document_id: int) -> None:
        """Suggest for one document soon, before any bulk work; nothing is redone if it is done."""
        self._send(("document", int(document_id)))

    def submit_all(self, force: bool = False) -> None:
        """Suggest, in the background, for every document without suggestions (all with ``force``)."""
        self._send(("all", bool(force)))

    def cancel(self) -> None:
        """Stop the bulk run after the batch in progress; single documents are still served."""
        self._send(("cancel", None))

    def poll(self) -> list[WorkerMessage]:
        """The messages that arrived since the last call; never waits."""
        found: list[WorkerMessage] = []
        inbox = self._inbox
        while inbox:
            found.append(inbox.popleft())
        if (
            not found and not self._reported_exit and self._process is not None and not self._process.is_alive()
            and not inbox and self._messages.empty()  # the reader has taken all the process sent
        ):
            self._reported_exit = True
            if self._process.exitcode not in (0, None):
                found.append(WorkerMessage("error", message=f"the suggestion process ended unexpectedly (exit code {self._process.exitcode})"))
        return found

    def stop(self) -> None:
        """End the process; safe to call twice, and when it never started."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.is_alive():
                self._requests.put(("stop", None))
                process.join(timeout=5)
        finally:
            if process.is_alive():
                process.terminate()
                process.join(timeout=2)
            self._closing.set()
            if self._reader is not None:
                self._reader.join(timeout=1)
                self._reader = None
            for channel in (self._requests, self._messages):
                channel.cancel_join_thread()
                channel.close()


# -- the process ------------------------------------------------------------------------------


class _Server:
    def __init__(self, store: ProjectStore, suggester: Suggester, messages: Any):
        self.store = store
        self.suggester = suggester
        self.layer = suggestions_layer(store, suggester)
        self.messages = messages
        self.priority: deque[int] = deque()
        self.bulk: deque[int] | None = None
        self.bulk_total = 0
        self.bulk_done = 0
        self.handled: set[int] = set()

    def send(self, kind: str, document_id: int | None = None, **fields: Any) -> None:
        self.messages.put(WorkerMessage(kind, document_id, self.layer.name, **fields))

    def handle(self, request: tuple[str, Any]) -> bool:
        """Take one request; False when it says to stop."""
        kind, value = request
        if kind == "stop":
            return False
        if kind == "document" and value not in self.priority:
            self.priority.append(value)
        elif kind == "all":
            self.bulk = deque(documents_to_suggest(self.store, self.layer, force=value))
            self.bulk_total, self.bulk_done, self.handled = len(self.bulk), 0, set()
            self.send("progress", done=0, total=self.bulk_total)
            if not self.bulk:
                self.finish("")
        elif kind == "cancel" and self.bulk is not None:
            self.finish("cancelled")
        return True

    def finish(self, message: str) -> None:
        self.bulk = None
        self.send("finished", done=self.bulk_done, total=self.bulk_total, message=message)

    def busy(self) -> bool:
        return bool(self.priority or self.bulk)

    def step(self) -> None:
        """One unit of work: the next requested document, else the next bulk batch."""
        if self.priority:
            document_id = self.priority.popleft()
            if self.store.status(self.layer.id, document_id) is DocStatus.DONE:  # type: ignore[arg-type]
                self.send("document", document_id, message="already suggested")
            else:
                self.suggest([document_id])
            self.handled.add(document_id)
            return
        assert self.bulk is not None
        ids = []
        while self.bulk and len(ids) < BULK_BATCH:
            document_id = self.bulk.popleft()
            self.bulk_done += 1
            if document_id not in self.handled:
                ids.append(document_id)
        if ids:
            self.suggest(ids)
            self.handled.update(ids)
        self.send("progress", done=self.bulk_done, total=self.bulk_total)
        if not self.bulk:
            self.finish("")

    def suggest(self, ids: list[int]) -> None:
        try:
            results, problems = suggest_batch(self.suggester, read_batch(self.store, ids))
            save_suggestions(self.store, self.layer, results)
        except StoreError as error:
            for document_id in ids:
                self.send("error", document_id, message=str(error))
            return
        for document_id, _annotations, _tokens in results:
            self.send("document", document_id, message="suggested")
        failed = dict(problems)
        for document_id in sorted(set(ids) - {d for d, _, _ in results}):
            self.send("error", document_id, message=failed.get(document_id, f"the project has no document {document_id}"))


def _serve(db_path: str, model: str | None, requests: Any, messages: Any) -> None:
    """The worker process: load, say ready (or error), then serve requests until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal is for the window to handle
    store = None
    try:
        if not Path(db_path).is_file():
            raise StoreError(f"there is no project at {db_path}")  # opening would create an empty one
        store = ProjectStore.open(db_path)
        schema = store.schema() or default_schema()
        from annotator.suggest.trained import choose_suggester

        # The project's trained model where it has one (annotator train), else its pipeline.
        choice = choose_suggester(store, model)
        name = choice.layer_name or choice.pipeline
        server = _Server(store, choice.load(schema), messages)
    except (SuggestError, StoreError) as error:
        messages.put(WorkerMessage("error", message=str(error)))
        _wait_for_stop(requests)
        return
    except Exception as error:  # anything else: the window keeps working without suggestions
        messages.put(WorkerMessage("error", message=f"suggestions are unavailable ({type(error).__name__}: {error})"))
        _wait_for_stop(requests)
        return
    try:
        server.send("ready", message=name)
        _serve_requests(server, requests)
    finally:
        store.close()


def _serve_requests(server: Any, requests: Any) -> None:
    """Serve until told to stop or until the window's process is gone, which is checked between
    batches too: a bulk run once went on for 17 minutes after the window had died."""
    while True:
        for request in _take(requests, block=not server.busy()):
            if not server.handle(request):
                return
        if not _parent_alive():
            return
        if server.busy():
            server.step()


def _take(requests: Any, block: bool) -> list[tuple[str, Any]]:
    """Waiting requests; when idle, wait a little for the first one."""
    taken = []
    try:
        taken.append(requests.get(timeout=_IDLE_WAIT_SECONDS) if block else requests.get_nowait())
        while True:
            taken.append(requests.get_nowait())
    except queue.Empty:
        pass
    return taken


def _wait_for_stop(requests: Any) -> None:
    while _parent_alive():
        if any(kind == "stop" for kind, _ in _take(requests, block=True)):
            return


def _parent_alive() -> bool:
    parent = multiprocessing.parent_process()
    return parent is None or parent.is_alive()
