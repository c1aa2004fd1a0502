"""Suggesting for a whole project: the ``annotator suggest`` command's library function.

Documents are read, suggested and written a batch at a time; each batch is one transaction that
stores the suggestions and marks the documents ``done`` in the suggestions layer. A run that is
stopped (Ctrl+C, a crash, ``should_stop``) loses at most the batch in flight, and the next run
skips every document already done, so nothing is lost or stored twice. ``force`` redoes all.

With ``processes`` above one, helper processes (spawned, never forked: safe beside Qt) each load
the pipeline and suggest whole batches while this process suggests its share and writes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from annotator.formats.schema_toml import default_schema
from annotator.model.annotations import AnnotationSet
from annotator.model.document import Document
from annotator.model.layer import DocStatus, Layer, LayerKind
from annotator.model.schema import LabelSchema
from annotator.store.project import ProjectStore
from annotator.suggest.pipeline import MODEL_SETTING, choose_model
from annotator.suggest.suggester import SuggestError, Suggester

DEFAULT_PROCESSES = 2
"""Measured with tests/benchmarks/bench_suggest.py (300 articles, 2 cores): two processes took 13.7 s
against 21.0 s for one while the second core was free, and about 6% longer than one while another
program kept it busy; so two, the better bet on a desktop."""

PHASE = "suggesting"

Progress = Callable[[str, int, "int | None"], None]
"""``progress(phase, done, total)``, as the importer reports it."""


@dataclass
class SuggestReport:
    """What a run did, for the summary the user sees."""

    layer: str
    model: str
    documents: int = 0
    """Documents suggested (and marked done) in this run."""
    skipped: int = 0
    """Documents already done in the layer before the run."""
    spans: int = 0
    events: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0


def suggestions_layer(store: ProjectStore, suggester: Suggester) -> Layer:
    """The suggestions layer of ``suggester``'s model, created on first use."""
    return store.ensure_layer(suggester.layer_name, LayerKind.SUGGESTIONS, suggester.layer_info)


def documents_to_suggest(store: ProjectStore, layer: Layer, force: bool = False) -> list[int]:
    """Ids of the documents without suggestions from this layer yet (all of them with ``force``)."""
    ids = store.document_ids()
    if force:
        return ids
    done = {doc for doc, status in store.statuses(layer.id).items() if status is DocStatus.DONE}  # type: ignore[arg-type]
    return [doc for doc in ids if doc not in done]


def save_suggestions(store: ProjectStore, layer: Layer, results: Iterable[tuple[int, AnnotationSet]]) -> None:
    """Store each document's suggestions in place of any it had, and mark it done: one transaction."""
    with store.transaction():
        for document_id, annotations in results:
            store.replace_annotations(layer.id, document_id, annotations)  # type: ignore[arg-type]
            store.set_status(layer.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]


Problems = list[tuple[int, str]]
"""``(document id, message)`` for each document the pipeline failed on."""


def suggest_batch(suggester: Suggester, documents: Sequence[Document]) -> tuple[list[tuple[int, AnnotationSet]], Problems]:
    """Suggestions for ``documents``; one that makes the pipeline fail is reported, not fatal."""
    try:
        sets = list(suggester.suggest_many(((d.text, d.content_hash) for d in documents), batch_size=len(documents)))
        return [(d.id, s) for d, s in zip(documents, sets)], []  # type: ignore[misc]
    except Exception:
        pass  # one of them made the pipeline fail: find which, one at a time
    results: list[tuple[int, AnnotationSet]] = []
    problems: Problems = []
    for document in documents:
        try:
            results.append((document.id, suggester.suggest(document.text, document.content_hash)))
        except Exception as error:  # the pipeline's own failure on one text: name it, go on
            title = f" ({document.title[:60]})" if document.title else ""
            problems.append((document.id, f"document {document.id}{title}: no suggestions ({type(error).__name__}: {error})"))  # type: ignore[arg-type]
    return results, problems


def suggest_documents(
    store: ProjectStore,
    model: str | None = None,
    *,
    force: bool = False,
    processes: int = DEFAULT_PROCESSES,
    batch_size: int = 32,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SuggestReport:
    """Suggest for every document of ``store`` not yet done by this model's layer (all with ``force``).

    ``model`` is a pipeline name or folder; None means the project's setting, else the default.
    ``processes`` counts this one: with 2, one spawned process helps (never more processes than
    cores or batches). Raises :class:`SuggestError` when the model cannot be loaded.
    """
    started = time.perf_counter()
    schema = store.schema() or default_schema()
    from annotator.suggest.trained import choose_suggester

    choice = choose_suggester(store, model)
    suggester = choice.load(schema)
    layer = suggestions_layer(store, suggester)
    report = SuggestReport(layer.name, choice.layer_name or choice.pipeline)
    ids = documents_to_suggest(store, layer, force)
    report.skipped = store.count_documents() - len(ids)
    if progress:
        progress(PHASE, 0, len(ids))
    batch_size = max(1, batch_size)
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    helpers = min(processes, os.cpu_count() or 1, len(batches)) - 1
    pool = _start_pool(choice, schema, helpers) if helpers > 0 else None
    try:
        for results, problems in _suggested_batches(store, suggester, pool, helpers, batches):
            save_suggestions(store, layer, results)
            report.documents += len(results)
            report.spans += sum(len(s.spans) for _, s in results)
            report.events += sum(len(s.events) for _, s in results)
            report.problems.extend(message for _, message in problems)
            if progress:
                progress(PHASE, report.documents + len(report.problems), len(ids))
            if should_stop is not None and should_stop():
                report.cancelled = report.documents + len(report.problems) < len(ids)
                break
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    report.seconds = time.perf_counter() - started
    return report


def _suggested_batches(
    store: ProjectStore, suggester: Suggester, pool: Any, helpers: int, batches: list[list[int]]
) -> Iterator[tuple[list[tuple[int, AnnotationSet]], Problems]]:
    """Each batch's results, in order: every ``helpers + 1``-th batch here, the others in the pool."""
    if pool is None:
        for ids in batches:
            yield suggest_batch(suggester, list(store.documents(ids)))
        return
    waiting = deque(enumerate(batches))
    in_flight: deque[tuple[list[int] | None, Any]] = deque()

    def fill() -> None:
        # Two batches per process keep every process busy without reading the whole project at once.
        while waiting and len(in_flight) < 2 * (helpers + 1):
            number, ids = waiting.popleft()
            if number % (helpers + 1) == 0:
                in_flight.append((ids, None))
            else:
                in_flight.append((None, pool.apply_async(_pool_batch, (list(store.documents(ids)),))))

    fill()
    while in_flight:
        ids, pending = in_flight.popleft()
        fill()
        yield suggest_batch(suggester, list(store.documents(ids))) if ids is not None else pending.get()


# -- helper processes -------------------------------------------------------------------------

_worker_suggester: Suggester | None = None
_worker_error: str | None = None


def _start_pool(model: Any, schema: LabelSchema, processes: int) -> Any:
    """Helper processes started with ``spawn`` (safe beside Qt); each loads its own pipeline."""
    return multiprocessing.get_context("spawn").Pool(processes, initializer=_init_pool_worker, initargs=(model, schema))


def _init_pool_worker(model: Any, schema: LabelSchema) -> None:
    """Runs in each helper: load the pipeline once; Ctrl+C is the parent's to handle."""
    global _worker_suggester, _worker_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        # A pipeline name, or a SuggesterChoice (which may name a trained model's folder).
        _worker_suggester = Suggester.load(model, schema) if isinstance(model, str) else model.load(schema)
    except SuggestError as error:
        _worker_error = str(error)


def _pool_batch(documents: list[Document]) -> tuple[list[tuple[int, AnnotationSet]], Problems]:
    if _worker_suggester is None:
        raise SuggestError(_worker_error or "the suggester could not be loaded")
    return suggest_batch(_worker_suggester, documents)
