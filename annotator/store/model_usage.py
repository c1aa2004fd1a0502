"""What a trained model saves analysts: their decisions on its suggestions, and their working time.

:func:`model_usage` reads the layers' provenance. When an analyst accepts, rejects or changes a
suggestion, their layer gets a copy with ``origin = 'suggested'``, the suggester's layer name in
``suggester`` (``trained:N`` for a stored model) and the decision: ``accepted`` (taken unedited),
``edited`` (taken and corrected: relabelled, resized, an argument added or removed) or ``rejected``
(see :mod:`annotator.model.editing`). Counting those copies per label and event type gives how
many of the model's suggestions were accepted unedited, corrected and rejected.

Working time per document is measured from the analysts' edit timestamps (``created_at`` and
``updated_at`` of every span, event and relation in an analyst's or the gold layer): the
timestamps of one (layer, document) are sorted and the gaps between neighbours are summed, except
gaps longer than ``idle_seconds`` (default 5 minutes), which count as the analyst being away. A
document with a single timestamp counts 0 s. Timestamps have whole seconds.

Both can be restricted to a set of document ids (``documents``), e.g. to compare documents
ordered by the model's uncertainty with a control set.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Collection, Iterable

from annotator.store.project import ProjectStore

IDLE_SECONDS = 300
"""A pause between two edits longer than this is not working time."""


@dataclass(frozen=True)
class Outcomes:
    """How many suggestions of one label or event type were accepted unedited, corrected, rejected."""

    accepted: int = 0
    corrected: int = 0
    rejected: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.corrected + self.rejected

    @property
    def accepted_share(self) -> float:
        """Accepted unedited among all decided (0.0 when none was decided)."""
        return self.accepted / self.decided if self.decided else 0.0


@dataclass(frozen=True)
class WorkingTime:
    """Working seconds per document (idle gaps left out), over ``documents`` (layer, document) pairs."""

    documents: int = 0
    median_seconds: float = 0.0
    mean_seconds: float = 0.0
    total_seconds: float = 0.0


@dataclass(frozen=True)
class ModelUsage:
    """Decisions on one suggester's suggestions, and analysts' working time since it was made."""

    suggester: str
    since: str
    labels: dict[str, Outcomes] = field(default_factory=dict)
    event_types: dict[str, Outcomes] = field(default_factory=dict)
    time_since: WorkingTime = WorkingTime()
    time_before: WorkingTime = WorkingTime()
    idle_seconds: int = IDLE_SECONDS

    @property
    def total(self) -> Outcomes:
        every = list(self.labels.values()) + list(self.event_types.values())
        return Outcomes(sum(o.accepted for o in every), sum(o.corrected for o in every), sum(o.rejected for o in every))

    def rows(self) -> list[tuple[str, Outcomes]]:
        """Entity labels then event types, each named as the command line and the window show it."""
        return [("entity " + k, v) for k, v in self.labels.items()] + [("event " + k, v) for k, v in self.event_types.items()]


def _document_filter(documents: Collection[int] | None, column: str) -> tuple[str, list[int]]:
    if documents is None:
        return "", []
    ids = sorted({int(d) for d in documents})
    if not ids:
        return " AND 0", []
    return f" AND {column} IN ({','.join('?' * len(ids))})", ids


def suggestion_outcomes(
    store: ProjectStore, suggester: str, documents: Collection[int] | None = None
) -> tuple[dict[str, Outcomes], dict[str, Outcomes]]:
    """Per entity label and per event type, the analysts' decisions on ``suggester``'s suggestions."""
    results: list[dict[str, Outcomes]] = []
    for table, label in (("spans", "label"), ("events", "type")):
        where, ids = _document_filter(documents, "a.document_id")
        rows = store._db.execute(
            f"SELECT a.{label}, a.decision, count(*) FROM {table} a JOIN layers l ON l.id = a.layer_id "
            f"WHERE l.kind != 'suggestions' AND a.origin = 'suggested' AND a.suggester = ? "
            f"AND a.decision IN ('accepted', 'edited', 'rejected'){where} GROUP BY a.{label}, a.decision",
            (suggester, *ids),
        ).fetchall()
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for name, decision, n in rows:
            counts[name][decision] = int(n)
        results.append(
            {name: Outcomes(c.get("accepted", 0), c.get("edited", 0), c.get("rejected", 0)) for name, c in sorted(counts.items())}
        )
    return results[0], results[1]


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def working_seconds(stamps: Iterable[float], idle_seconds: float = IDLE_SECONDS) -> float:
    """The sum of the gaps between sorted ``stamps`` that are at most ``idle_seconds`` long."""
    ordered = sorted(stamps)
    return float(sum(b - a for a, b in zip(ordered, ordered[1:]) if b - a <= idle_seconds))


def working_times(
    store: ProjectStore,
    since: str | None = None,
    until: str | None = None,
    documents: Collection[int] | None = None,
    idle_seconds: float = IDLE_SECONDS,
) -> dict[tuple[int, int], float]:
    """Working seconds per (layer id, document id) of analysts' and gold layers, from the edit
    timestamps in ``[since, until)`` (ISO strings; None: unbounded)."""
    stamps: dict[tuple[int, int], set[float]] = defaultdict(set)
    for table in ("spans", "events", "relations"):
        where, ids = _document_filter(documents, "a.document_id")
        rows = store._db.execute(
            f"SELECT a.layer_id, a.document_id, a.created_at, a.updated_at FROM {table} a "
            f"JOIN layers l ON l.id = a.layer_id WHERE l.kind != 'suggestions'{where}",
            ids,
        )
        for layer_id, document_id, created, updated in rows:
            for stamp in {created, updated}:
                if stamp and (since is None or stamp >= since) and (until is None or stamp < until):
                    stamps[(layer_id, document_id)].add(_seconds(stamp))
    return {key: working_seconds(values, idle_seconds) for key, values in stamps.items()}


def _summary(times: dict[tuple[int, int], float]) -> WorkingTime:
    values = [t for t in times.values() if t > 0]
    if not values:
        return WorkingTime()
    return WorkingTime(len(values), statistics.median(values), statistics.fmean(values), sum(values))


def model_usage(
    store: ProjectStore, suggester: str, since: str, documents: Collection[int] | None = None, idle_seconds: int = IDLE_SECONDS
) -> ModelUsage:
    """Decisions on ``suggester``'s suggestions and working time per document since ``since`` (the
    model's creation time) and before it, over ``documents`` (None: all). Documents whose edits
    add up to no working time (one edit, or only idle gaps) are not counted in the time figures."""
    labels, event_types = suggestion_outcomes(store, suggester, documents)
    return ModelUsage(
        suggester,
        since,
        labels,
        event_types,
        _summary(working_times(store, since=since, documents=documents, idle_seconds=idle_seconds)),
        _summary(working_times(store, until=since, documents=documents, idle_seconds=idle_seconds)),
        idle_seconds,
    )


def usage_before(store: ProjectStore, model_name: str | None) -> tuple[str, dict, ModelUsage] | None:
    """For a training result: the usage of the model stored just before ``model_name`` (the one the
    analysts have been working with), as ``(its name, its stored scores, usage)``; or, without one,
    that of ``model_name`` itself; None when the project stores no model."""
    from annotator.store.models import list_models

    models = list_models(store)
    if not models:
        return None
    index = next((n for n, m in enumerate(models) if m.name == model_name), len(models))
    chosen = models[index - 1] if index > 0 else models[0]
    return chosen.name, chosen.scores, model_usage(store, chosen.name, chosen.created_at)
