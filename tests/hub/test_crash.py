"""Crash and disconnection in the middle of a sync: nothing lost, nothing applied twice."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import hub_spans, lead_project, spans_of

from annotator.hub.admin import assign, connect_project, push_corpus
from annotator.hub.connection import HubError
from annotator.hub.sync import Hub, SyncReport, push, sync, sync_project
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.store import hub_local
from annotator.store.project import ProjectStore

SPANS_PER_DOCUMENT = 200


def _analyst_with_work(hub, tmp_path: Path, per_document: int = SPANS_PER_DOCUMENT) -> Path:
    """ann1's project holding 12 x ``per_document`` spans not yet sent."""
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    assign(hub.url("lead1"), 1, ["ann1"])
    path = tmp_path / "ann1.db"
    with ProjectStore.open(path) as store:
        connect_project(store, hub.url("ann1"))
        sync_project(store)
        layer = store.layer("ann1")
        assert layer is not None and store.count_documents() == 12
        with store.transaction():
            for document in store.document_ids():
                spans = tuple(SpanAnnotation(Span(i % 60, i % 60 + 1 + i // 60, "ORG")) for i in range(per_document))
                store.add_annotations(layer.id, document, AnnotationSet(spans))  # type: ignore[arg-type]
    return path


def _hub_count(hub, layer: str = "ann1") -> int:
    with hub.admin() as conn:
        return int(conn.execute("SELECT count(*) FROM spans WHERE layer = %s", (layer,)).fetchone()[0])


def _assert_same_and_once(hub, path: Path) -> None:
    with ProjectStore.open(path) as store:
        local = spans_of(store, "ann1")
        assert hub_local.pending_count(store) == 0
        again = sync_project(store)
        assert again.pushed == 0
    with hub.admin() as conn:
        assert hub_spans(conn, "ann1") == local
        # Every row was written exactly once: a row written twice would have version 2.
        assert conn.execute("SELECT max(version), count(*) FROM spans WHERE layer = 'ann1'").fetchone() == (1, len(local))
    assert len(local) == 12 * SPANS_PER_DOCUMENT


def _sync_process(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator", "--db", str(path), "sync", "--batch-size", "40"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_sigkill_during_push_loses_and_duplicates_nothing(hub, tmp_path: Path) -> None:
    path = _analyst_with_work(hub, tmp_path)
    total = 12 * SPANS_PER_DOCUMENT
    kills = 0
    for threshold in (1, total // 3, total // 2):
        process = _sync_process(path)
        while _hub_count(hub) < threshold and process.poll() is None:
            time.sleep(0.005)
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        assert _hub_count(hub) < total  # it really died half way
    assert kills >= 2, "the sync finished before it could be killed: the test did not test a crash"
    result = subprocess.run([sys.executable, "-m", "annotator", "--db", str(path), "sync"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    _assert_same_and_once(hub, path)


def test_sigkill_during_pull_loses_and_duplicates_nothing(hub, tmp_path: Path) -> None:
    path = _analyst_with_work(hub, tmp_path, per_document=600)  # pulled in several local transactions
    sync_project_path(path)
    reviewer = tmp_path / "rev1.db"
    with ProjectStore.open(reviewer) as store:
        connect_project(store, hub.url("rev1"))
    process = _sync_process(reviewer)
    seen = 0
    while process.poll() is None and seen == 0:
        time.sleep(0.005)
        try:
            with sqlite3.connect(reviewer) as conn:
                seen = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        except sqlite3.OperationalError:
            pass
    killed = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert killed, "the pull finished before it could be killed: the test did not test a crash"
    with ProjectStore.open(reviewer) as store:
        assert len(spans_of(store, "ann1")) < 12 * 600  # it died half way
        sync_project(store)
        with hub.admin() as conn:
            assert spans_of(store, "ann1") == hub_spans(conn, "ann1")
        assert store.count_documents() == 12


def sync_project_path(path: Path) -> None:
    with ProjectStore.open(path) as store:
        sync_project(store)


def test_connection_dropped_mid_push(hub, tmp_path: Path) -> None:
    path = _analyst_with_work(hub, tmp_path)
    with ProjectStore.open(path) as store:
        connection = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]
        batches = []

        def drop_on_third_batch() -> None:
            batches.append(1)
            if len(batches) == 3:
                with hub.admin() as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (connection.conn.info.backend_pid,))

        report = SyncReport()
        with pytest.raises(Exception):
            push(connection, store, report, batch=300, during=drop_on_third_batch)
        assert 0 < _hub_count(hub) < 12 * SPANS_PER_DOCUMENT
        with pytest.raises(HubError, match="connection to the hub was lost|cannot reach"):
            sync(connection, store)  # the old connection is dead: a clear message, nothing written
        connection.close()
        sync_project(store)
    _assert_same_and_once(hub, path)


def test_crash_after_the_hub_committed_but_before_the_outbox_was_cleared(hub, tmp_path: Path, monkeypatch) -> None:
    path = _analyst_with_work(hub, tmp_path)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies right after the hub's commit

    with ProjectStore.open(path) as store:
        monkeypatch.setattr(hub_local, "acknowledge", crash)
        with pytest.raises(KeyboardInterrupt):
            sync_project(store, batch=500)
        monkeypatch.undo()
        assert _hub_count(hub) == 500  # the first batch arrived ...
        assert hub_local.pending_count(store) == 12 * SPANS_PER_DOCUMENT  # ... and the outbox still lists it
        sync_project(store)
    _assert_same_and_once(hub, path)
