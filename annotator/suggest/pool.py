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

A long document (at least :data:`SHARED_CHUNKS` chunks) is shared instead: its chunks are cut
into one part per process, by characters, the helpers suggest theirs while this process does
the first, and the parts are joined in order. Every chunk is suggested on its own wherever it
runs, so the result is the one a single process gives (tests/suggest/test_shared.py).
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
from annotator.model.annotations import AnnotationSet
from annotator.model.document import Document
from annotator.suggest.suggester import SuggestError, Suggester, join_parts
from annotator.suggest.tokenizer import token_blob

AHEAD = 2
"""Batches queued for each helper: one to work on and one ready when it finishes."""

SHARED_CHUNKS = 4
"""A document cut into this many chunks or more (30,000-40,000 characters at the default chunk
size) is shared between the processes: alone in its batch it would keep one core busy and the
other idle."""

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
            batch = read_batch(store, waiting.popleft())
            if _holds_long(suggester, batch):
                yield suggest_shared(suggester, pool, helpers, batch)
            else:
                in_flight.append(pool.apply_async(_pool_batch, (batch,)))
        if in_flight and (in_flight[0].ready() or not waiting):
            yield in_flight.popleft().get()
        elif waiting:
            batch = read_batch(store, waiting.popleft())
            yield suggest_shared(suggester, pool, helpers, batch) if _holds_long(suggester, batch) else suggest_batch(suggester, batch)


def work_shares(store: ProjectStore, suggester: Suggester, batches: list[list[int]], processes: int) -> int:
    """How many processes ``batches`` can keep busy, up to ``processes``: a batch each, and a
    long document (:data:`SHARED_CHUNKS`) as many as it has chunks."""
    if len(batches) >= processes:
        return processes
    shares = 0
    for ids in batches:
        pieces = [len(suggester.pieces(document.text)) for document in store.documents(ids)]
        shares += max([1] + [n for n in pieces if n >= SHARED_CHUNKS])
    return min(processes, shares)


def _holds_long(suggester: Suggester, batch: Batch) -> bool:
    return any(_is_long(suggester, document) for document, _ in batch)


def _is_long(suggester: Suggester, document: Document) -> bool:
    return len(document.text) > suggester.chunk_chars and len(suggester.pieces(document.text)) >= SHARED_CHUNKS


def suggest_shared(suggester: Suggester, pool: Any, helpers: int, batch: Batch) -> tuple[list[Suggested], Problems]:
    """``batch`` with each long document shared between this process and the ``helpers`` (the
    others suggested here as a batch); results in the batch's order, failures reported."""
    short = [(document, wanted) for document, wanted in batch if not _is_long(suggester, document)]
    done, problems = suggest_batch(suggester, short) if short else ([], [])
    by_id = {document_id: (annotations, tokens) for document_id, annotations, tokens in done}
    for document, wanted in batch:
        if document.id in by_id or not _is_long(suggester, document):
            continue
        try:
            annotations = _shared_document(suggester, pool, helpers, document)
        except Exception as error:  # the pipeline's own failure on this text: name it, go on
            title = f" ({document.title[:60]})" if document.title else ""
            problems.append((document.id, f"document {document.id}{title}: no suggestions ({type(error).__name__}: {error})"))  # type: ignore[arg-type]
            continue
        by_id[document.id] = (annotations, token_blob(document.text) if wanted else None)  # type: ignore[index]
    results = [(document.id, *by_id[document.id]) for document, _ in batch if document.id in by_id]
    return results, problems  # type: ignore[return-value]


def _shared_document(suggester: Suggester, pool: Any, helpers: int, document: Document) -> AnnotationSet:
    parts = split_parts(suggester.pieces(document.text), helpers + 1)
    theirs = [pool.apply_async(_pool_pieces, (part, document.content_hash)) for part in parts[1:]]
    mine = suggester.suggest_pieces(parts[0], document.content_hash)
    return join_parts([mine] + [result.get() for result in theirs])


def split_parts(pieces: list[tuple[int, str]], count: int) -> list[list[tuple[int, str]]]:
    """``pieces`` cut into at most ``count`` runs in order, of about equal characters, none empty."""
    total = sum(len(piece) for _, piece in pieces)
    parts: list[list[tuple[int, str]]] = [[]]
    chars = 0
    for offset, piece in pieces:
        if parts[-1] and len(parts) < count and chars >= total * len(parts) / count:
            parts.append([])
        parts[-1].append((offset, piece))
        chars += len(piece)
    return parts


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


def _pool_pieces(pieces: list[tuple[int, str]], content_hash: str) -> AnnotationSet:
    if _worker_suggester is None:
        raise SuggestError(_worker_error or "the suggester could not be loaded")
    return _worker_suggester.suggest_pieces(pieces, content_hash)
