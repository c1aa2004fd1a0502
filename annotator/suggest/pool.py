"""Helper processes for ``annotator suggest --processes N``: both cores busy, one writer.

This process reads every batch, hands batches to the helpers and saves every result (SQLite
has one writer, and it is this one). Work is shared by demand, not in fixed turns: each helper
is kept two batches ahead, so it never waits for this process, and this process suggests a
batch itself only while no helper result is ready. Reading and writing therefore take time
from this process's share of the suggesting, not from the helpers' (a fixed split made the
helper idle while this process caught up).

The helpers are forked where that is safe (Linux, and no Qt in this process: the command line),
so they share the pipeline already loaded here, as spaCy's own ``nlp.pipe(n_process=N)`` does,
instead of each spending seconds of CPU loading it again. Elsewhere (a process running Qt,
where a forked copy could deadlock; platforms without ``fork``) they are spawned and each loads
its own pipeline.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from typing import Any, Iterator

from annotator.model.schema import LabelSchema
from annotator.store.project import ProjectStore
from annotator.suggest.batches import Batch, Problems, Suggested, read_batch, suggest_batch
from annotator.suggest.suggester import SuggestError, Suggester

AHEAD = 2
"""Batches queued for each helper: one to work on and one ready when it finishes."""

_worker_suggester: Suggester | None = None
_worker_error: str | None = None


def fork_is_safe() -> bool:
    """Whether helpers may be forked from this process: Linux, and no Qt loaded here."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not any(name.startswith(("PySide6", "shiboken6")) for name in sys.modules)


def start_pool(choice: Any, schema: LabelSchema, suggester: Suggester, helpers: int, fork: bool | None = None) -> Any:
    """``helpers`` helper processes: forked with this process's ``suggester`` where
    :func:`fork_is_safe` (or ``fork`` says so), else spawned to load ``choice`` themselves."""
    global _worker_suggester
    if fork if fork is not None else fork_is_safe():
        # The forked helpers inherit the loaded pipeline through this module's global.
        _worker_suggester = suggester
        try:
            return multiprocessing.get_context("fork").Pool(helpers, initializer=_ignore_interrupts)
        finally:
            _worker_suggester = None  # only the helpers keep it
    return multiprocessing.get_context("spawn").Pool(helpers, initializer=_init_spawned, initargs=(choice, schema))


def stop_pool(pool: Any) -> None:
    pool.terminate()
    pool.join()


def suggested_batches(
    store: ProjectStore, suggester: Suggester, pool: Any, helpers: int, batches: list[list[int]]
) -> Iterator[tuple[list[Suggested], Problems]]:
    """Each batch's results as they are ready (not necessarily in order): without a pool all
    here; with one, the helpers' and those this process suggests while none of theirs is ready."""
    if pool is None:
        for ids in batches:
            yield suggest_batch(suggester, read_batch(store, ids))
        return
    waiting = deque(batches)
    in_flight: deque[Any] = deque()
    while waiting or in_flight:
        # Never more queued for the helpers than is left for this process: with few batches the
        # helpers would otherwise get them all while this process waits.
        while waiting and len(in_flight) < AHEAD * helpers and len(waiting) > len(in_flight):
            in_flight.append(pool.apply_async(_pool_batch, (read_batch(store, waiting.popleft()),)))
        if in_flight and (in_flight[0].ready() or not waiting):
            yield in_flight.popleft().get()
        else:
            yield suggest_batch(suggester, read_batch(store, waiting.popleft()))


# -- in the helpers ---------------------------------------------------------------------------


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle


def _init_spawned(model: Any, schema: LabelSchema) -> None:
    """Runs in each spawned helper: load the pipeline once."""
    global _worker_suggester, _worker_error
    _ignore_interrupts()
    try:
        # A pipeline name, or a SuggesterChoice (which may name a trained model's folder).
        _worker_suggester = Suggester.load(model, schema) if isinstance(model, str) else model.load(schema)
    except SuggestError as error:
        _worker_error = str(error)


def _pool_batch(batch: Batch) -> tuple[list[Suggested], Problems]:
    if _worker_suggester is None:
        raise SuggestError(_worker_error or "the suggester could not be loaded")
    return suggest_batch(_worker_suggester, batch)
