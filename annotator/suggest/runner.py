"""Suggesting for a whole project: the ``annotator suggest`` command's library function.

Documents are read, suggested and written a batch at a time; each batch is one transaction that
stores the suggestions and marks the documents ``done`` in the suggestions layer. A run that is
stopped (Ctrl+C, a crash, ``should_stop``) loses at most the batch in flight, and the next run
skips every document already done, so nothing is lost or stored twice. ``force`` redoes all.

With ``processes`` above one, helper processes suggest whole batches while this process reads,
writes and suggests the batches they leave, and share a long document's chunks with this
process (see :mod:`annotator.suggest.pool`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable

from annotator.app.bundled import default_schema
from annotator.model.layer import DocStatus, Layer, LayerKind
from annotator.store.project import ProjectStore
from annotator.suggest.batches import Problems, Suggested, read_batch, save_suggestions, suggest_batch
from annotator.suggest.pool import start_pool, stop_pool, suggested_batches, work_shares
from annotator.suggest.suggester import Suggester

__all__ = ["Problems", "Suggested", "read_batch", "save_suggestions", "suggest_batch", "suggest_documents"]

DEFAULT_PROCESSES = 2
"""Measured with tests/benchmarks/bench_suggest.py (300 articles, 2 cores shared with other jobs,
load average 2-3): two processes 39.1 s (median of 5) against 38.7 s for one, and 0.94x the wall
time of spaCy's own ``n_process=2`` with about the same CPU time; under heavy load (8) two were
no slower than one. So two, the better bet on a desktop whose second core is often free."""

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
    ``processes`` counts this one: with 2, one helper process helps (never more processes than
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
    helpers = work_shares(store, suggester, batches, min(processes, os.cpu_count() or 1)) - 1
    pool = start_pool(choice, schema, suggester, helpers) if helpers > 0 else None
    try:
        for results, problems in suggested_batches(store, suggester, pool, helpers, batches):
            save_suggestions(store, layer, results)
            report.documents += len(results)
            report.spans += sum(len(s.spans) for _, s, _ in results)
            report.events += sum(len(s.events) for _, s, _ in results)
            report.problems.extend(message for _, message in problems)
            if progress:
                progress(PHASE, report.documents + len(report.problems), len(ids))
            if should_stop is not None and should_stop():
                report.cancelled = report.documents + len(report.problems) < len(ids)
                break
    finally:
        if pool is not None:
            stop_pool(pool)
    report.seconds = time.perf_counter() - started
    return report
