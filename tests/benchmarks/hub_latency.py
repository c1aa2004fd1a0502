"""Edit-to-colleague latency at the window's real settings (phase 4 of ``bench_hub.py``).

Each analyst process edits one document after another, an edit every ``pace`` seconds on
average, and syncs as the window does (``PUSH_DELAY`` after the last edit, and every
``SYNC_INTERVAL``). An edit's latency runs from its local commit to the end of the colleague's
sync that brought it into the colleague's file (each document has two analysts).
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

from hub_common import _analysts, _edit, _made, load


def latency_worker(args: tuple[str, str, int, float]) -> tuple[dict[str, float], dict[str, float], int]:
    """An analyst's window at its real settings: an edit every ``pace`` seconds; a sync
    PUSH_DELAY after the last edit and every SYNC_INTERVAL. Returns when each own edit was
    committed, when each colleague's edit arrived in this file, and the number of syncs."""
    from annotator.hub.sync import PUSH_DELAY, SYNC_INTERVAL, Hub, sync
    from annotator.store import hub_local
    from annotator.store.project import ProjectStore

    path, user, edits, pace = args
    edited: dict[str, float] = {}
    arrived: dict[str, float] = {}
    wake = threading.Event()
    done = threading.Event()
    last_edit = [0.0]
    syncs = [0]

    def syncing() -> None:  # the window's two timers, on the window's worker thread
        with ProjectStore.open(path) as store:
            hub = Hub(hub_local.get_link(store).url)  # type: ignore[union-attr]
            own = store.layer(user).id  # type: ignore[union-attr]
            seen = int(store._db.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0])
            next_tick = time.time() + SYNC_INTERVAL
            stop_at = None
            while True:
                now = time.time()
                due = min(next_tick, last_edit[0] + PUSH_DELAY if wake.is_set() else next_tick)
                if now < due:
                    time.sleep(min(due - now, 0.05))
                    continue
                if wake.is_set() and now >= last_edit[0] + PUSH_DELAY:
                    wake.clear()
                if now >= next_tick:
                    next_tick = now + SYNC_INTERVAL
                sync(hub, store)
                syncs[0] += 1
                ended = time.time()
                for (uid, _row_id) in store._db.execute(
                    "SELECT uid, id FROM spans WHERE id > ? AND layer_id != ?", (seen, own)
                ).fetchall():
                    arrived.setdefault(uid, ended)
                seen = int(store._db.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0])
                if done.is_set():
                    stop_at = stop_at or ended + 2 * SYNC_INTERVAL + 1  # colleagues' last edits
                    if ended > stop_at:
                        break
            hub.close()

    thread = threading.Thread(target=syncing)
    thread.start()
    with ProjectStore.open(path) as store:
        layer = store.layer(user)
        documents = store.document_ids()
        made = _made(store, layer.id)  # type: ignore[union-attr]
        for i in range(edits):
            time.sleep(pace * (0.5 + random.random()))
            uid = _edit(store, layer.id, documents[i % 50], i, made)  # type: ignore[union-attr]
            edited[uid] = last_edit[0] = time.time()
            wake.set()
    done.set()
    thread.join()
    return edited, arrived, syncs[0]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run_latency(work: Path, analysts: int, edits: int, pace: float, context: Any) -> None:
    """Every analyst edits and syncs at once, as in their windows; print the latency percentiles."""
    from annotator.hub.sync import PUSH_DELAY, SYNC_INTERVAL

    jobs = [(str(work / f"{u}.db"), u, edits, pace) for u in _analysts(analysts)]
    before = load()
    start = time.perf_counter()
    with context.Pool(analysts) as pool:
        results = pool.map(latency_worker, jobs)
    wall = time.perf_counter() - start
    edited = {uid: at for own, _, _ in results for uid, at in own.items()}
    seen = [at - edited[uid] for _, arrived, _ in results for uid, at in arrived.items() if uid in edited]
    syncs = sum(n for *_, n in results)
    print(f"edit-to-colleague latency (window settings: push {PUSH_DELAY:g} s after the last edit, sync every "
          f"{SYNC_INTERVAL:g} s; {analysts} analysts, an edit every {pace:g} s on average each, {len(seen):,} of "
          f"{len(edited):,} edits seen by the colleague sharing the document, {syncs:,} syncs, {wall:.0f} s): "
          f"median {_percentile(seen, 0.5):.0f} ms, p90 {_percentile(seen, 0.9):.0f} ms, "
          f"p99 {_percentile(seen, 0.99):.0f} ms; before: {before}, after: {load()}")
