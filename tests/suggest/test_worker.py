"""The window's suggestion worker, without Qt: a spawned process that writes suggestions itself."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from annotator.app.bundled import default_schema
from annotator.model.layer import DocStatus
from annotator.suggest.suggester import Suggester
from annotator.suggest.worker import SuggestionWorker, WorkerMessage, _Server

TEXTS = ["Biden flew to Kabul.", "Nothing here.", "Qatar on Thursday.", "Kabul, Kabul."]


_backlog: dict[int, list[WorkerMessage]] = {}


def wait_for(worker: SuggestionWorker, kind: str, timeout: float = 60.0, **match: object) -> tuple[WorkerMessage, list[WorkerMessage]]:
    """Poll until a message of ``kind`` (with the given fields) arrives; return it and all seen up to it.

    Messages that came in the same poll after it are kept for the next call.
    """
    backlog = _backlog.setdefault(id(worker), [])
    seen: list[WorkerMessage] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        backlog.extend(worker.poll())
        while backlog:
            message = backlog.pop(0)
            seen.append(message)
            if message.kind == kind and all(getattr(message, k) == v for k, v in match.items()):
                return message, seen
        time.sleep(0.02)
    raise AssertionError(f"no {kind} message within {timeout} s; got {seen}")


def test_single_documents_then_everything(file_store, add_texts, tiny_model: str) -> None:
    ids = add_texts(file_store, TEXTS)
    worker = SuggestionWorker(Path(file_store.path), tiny_model)
    assert worker.poll() == []  # before start: nothing, at once
    worker.start()
    try:
        started = time.monotonic()
        worker.submit(ids[0])
        assert time.monotonic() - started < 0.5  # the caller never waits for the model
        ready, _ = wait_for(worker, "ready")
        assert ready.layer == "spacy:tiny-1.0.0" and ready.message == tiny_model
        done, _ = wait_for(worker, "document", document_id=ids[0])
        assert done.message == "suggested"
        layer = file_store.layer("spacy:tiny-1.0.0")
        assert [s.label for s in file_store.annotations(layer.id, ids[0]).spans] == ["PERSON", "GPE"]
        assert file_store.status(layer.id, ids[0]) is DocStatus.DONE

        worker.submit(ids[0])
        again, _ = wait_for(worker, "document", document_id=ids[0])
        assert again.message == "already suggested"

        worker.submit_all()
        finished, seen = wait_for(worker, "finished")
        assert (finished.done, finished.total, finished.message) == (3, 3, "")
        assert {m.document_id for m in seen if m.kind == "document"} == set(ids[1:])
        assert file_store.statuses(layer.id) == {i: DocStatus.DONE for i in ids}
        assert file_store.stats()["layers"]["spacy:tiny-1.0.0"]["spans"] == 6
    finally:
        worker.stop()
        worker.stop()  # twice is fine


def test_a_missing_model_gives_one_error_and_the_worker_stays_quiet(file_store, add_texts) -> None:
    ids = add_texts(file_store, TEXTS[:1])
    worker = SuggestionWorker(Path(file_store.path), "no_such_pipeline_xyz")
    worker.start()
    try:
        error, seen = wait_for(worker, "error")
        assert error.document_id is None and "is not installed. Install it with: pip install" in error.message
        worker.submit(ids[0])
        worker.submit_all()
        time.sleep(0.5)
        assert [m for m in seen + worker.poll() if m.kind != "error"] == []
    finally:
        worker.stop()
    assert file_store.layers() == []


class _Messages(list):
    def put(self, message: WorkerMessage) -> None:
        self.append(message)


@pytest.fixture
def server(file_store, add_texts, tiny_model: str):
    """The worker's loop run in this process, one step at a time."""
    add_texts(file_store, TEXTS * 1 + [f"Kabul number {n}." for n in range(20)])
    return _Server(file_store, Suggester.load(tiny_model, default_schema()), _Messages())


def test_an_opened_document_jumps_ahead_of_the_bulk_run(server) -> None:
    ids = server.store.document_ids()
    server.handle(("all", False))
    server.step()  # the first bulk batch
    assert [m.document_id for m in server.messages if m.kind == "document"] == ids[:8]
    server.handle(("document", ids[-1]))
    server.step()
    assert server.messages[-1] == WorkerMessage("document", ids[-1], "spacy:tiny-1.0.0", message="suggested")
    while server.busy():
        server.step()
    documents = [m.document_id for m in server.messages if m.kind == "document"]
    assert sorted(documents) == ids and len(documents) == len(ids)  # nothing done twice
    assert server.messages[-1].kind == "finished"


def test_cancel_stops_the_bulk_run_after_the_batch(server) -> None:
    server.handle(("all", False))
    server.step()
    server.handle(("cancel", None))
    assert not server.busy()
    finished = server.messages[-1]
    assert (finished.kind, finished.done, finished.total, finished.message) == ("finished", 8, 24, "cancelled")
    assert len(server.store.statuses(server.layer.id)) == 8
    server.handle(("all", False))  # a new bulk run picks up the rest
    assert server.bulk_total == 16


def test_stop_request_ends_the_loop(server) -> None:
    assert server.handle(("document", 1)) is True
    assert server.handle(("stop", None)) is False


def test_a_missing_project_file_is_an_error_not_a_new_project(tmp_path: Path) -> None:
    worker = SuggestionWorker(tmp_path / "absent.db")
    worker.start()
    try:
        error, _ = wait_for(worker, "error")
        assert error.message == f"there is no project at {tmp_path / 'absent.db'}"
    finally:
        worker.stop()
    assert not (tmp_path / "absent.db").exists()


def test_messages_are_read_off_the_pipe_by_the_workers_own_thread(file_store, add_texts, tiny_model: str) -> None:
    """The window's event loop only empties a deque: reading and unpickling happen in a thread."""
    ids = add_texts(file_store, TEXTS[:1])
    worker = SuggestionWorker(Path(file_store.path), tiny_model)
    worker.start()
    try:
        worker.submit(ids[0])
        deadline = time.monotonic() + 60
        while len(worker._inbox) < 2 and time.monotonic() < deadline:  # no poll() meanwhile
            time.sleep(0.02)
        worker._messages.get_nowait = None  # poll() must not read the queue itself
        kinds = [m.kind for m in worker.poll()]
        assert kinds[:2] == ["ready", "document"] and worker.poll() == []
    finally:
        worker.stop()
    assert worker._reader is None
