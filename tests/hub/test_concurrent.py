"""Many clients pushing at once: no push waits for another, and a pull running meanwhile sees
every change exactly once, in an order consistent with the commits."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from helpers import annotate, lead_project, spans_of

from annotator.hub.admin import assign, connect_project, push_corpus
from annotator.hub.sync import Hub, SyncReport, pull, push, sync_project
from annotator.store import hub_local, hub_pull
from annotator.store.project import ProjectStore

WRITERS = 9  # three project files for each of ann1, ann2, ann3 (each its own client)
ROUNDS = 12
SPANS = 3  # new spans per push


def _writer(hub, path: Path, user: str, seed: int, log: list, inside: list, errors: list, go: threading.Barrier) -> None:
    """Rounds of: annotate, push (its hub transaction held open a random while before commit,
    so commits overlap and finish out of the order their transactions started)."""
    rng = random.Random(seed)
    try:
        with ProjectStore.open(path) as store:
            connection = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]
            documents = store.document_ids()
            go.wait()
            for round_ in range(ROUNDS):
                # Distinct offsets each round: the same analyst adding the same span twice is refused.
                starts = [round_ * SPANS + i for i in range(SPANS)]
                uids = [annotate(store, user, rng.choice(documents), start, start + 4, "ORG").uid for start in starts]
                started = time.monotonic()


                def hold() -> None:  # runs in the hub transaction, after its writes
                    entered = time.monotonic()
                    time.sleep(rng.random() * 0.03)
                    inside.append((entered, time.monotonic()))

                push(connection, store, SyncReport(), during=hold)
                log.append((started, time.monotonic(), path.name, round_, uids))
            connection.close()
    except BaseException as error:  # reported by the test, not lost in the thread
        errors.append(error)


def test_concurrent_pushes_are_each_pulled_once_in_commit_order(hub, tmp_path: Path, monkeypatch) -> None:
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    assign(hub.url("lead1"), 1, ["ann1", "ann2", "ann3"])
    writers = []
    for i in range(WRITERS):
        user = f"ann{i % 3 + 1}"
        path = tmp_path / f"{user}-{i}.db"
        with ProjectStore.open(path) as store:
            connect_project(store, hub.url(user))
            sync_project(store)
        writers.append((path, user))
    reviewer = tmp_path / "rev1.db"
    with ProjectStore.open(reviewer) as store:
        connect_project(store, hub.url("rev1"))
        sync_project(store)

    received: list[str] = []  # span uids in the order the reviewer's pulls applied them
    marks: list[int] = []
    original = hub_pull.apply_pull

    def recording(store, rows, mark):
        received.extend(r["uid"] for r in rows if r["kind"] == "span")
        marks.append(mark)
        return original(store, rows, mark)

    monkeypatch.setattr(hub_pull, "apply_pull", recording)
    log: list = []
    inside: list = []
    errors: list = []
    go = threading.Barrier(WRITERS + 1)
    threads = [
        threading.Thread(target=_writer, args=(hub, path, user, i, log, inside, errors, go)) for i, (path, user) in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    pulls = 0
    with ProjectStore.open(reviewer) as store:
        connection = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]
        go.wait()
        while any(t.is_alive() for t in threads):
            pull(connection, store, SyncReport())
            pulls += 1
        for thread in threads:
            thread.join()
        pull(connection, store, SyncReport())  # whatever committed last
        connection.close()
        local = spans_of(store, "ann1") | spans_of(store, "ann2") | spans_of(store, "ann3")
    assert not errors, errors
    assert pulls > 5, "the pulls did not overlap the pushes: the test did not test concurrency"

    pushed = [uid for *_, uids in log for uid in uids]
    assert len(pushed) == WRITERS * ROUNDS * SPANS
    # Exactly once: nothing missed, nothing delivered twice.
    assert sorted(received) == sorted(pushed)
    assert set(local) == set(pushed)
    assert marks == sorted(marks)
    # Commit order: a push that started after another had committed comes after all of it.
    position = {uid: i for i, uid in enumerate(received)}
    ordered = 0
    for a_start, a_end, *_, a_uids in log:
        for b_start, b_end, *_, b_uids in log:
            if a_end < b_start:
                ordered += 1
                assert max(position[u] for u in a_uids) < min(position[u] for u in b_uids)
    assert ordered > 0
    # No global lock: two pushes had written and were both still uncommitted at the same moment.
    together = sum(1 for a in inside for b in inside if a[0] < b[0] < a[1])
    assert together > WRITERS, "no two push transactions were open at once: pushes wait for each other"
    with hub.admin() as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == len(pushed)
