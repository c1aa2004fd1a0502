"""A document's confidence: how sure the suggester was of the suggestions still pending in it.

The document list can show the documents the model is least sure of first (active learning:
an analyst's corrections teach the next model most where it guessed). A suggestion's score is
``confidence`` in the ``data`` JSON column of its row (see :mod:`annotator.store.rows`); a
document's confidence is the lowest score of its suggestions the analyst's layer has not decided
yet (no copy by ``source_uid`` and nothing with the same place and label, as
:func:`annotator.model.editing.pending_suggestions` decides). Computed in SQL with
``json_extract``, so sorting never builds a Python object per suggestion.

Each document's confidence is stored (``document_uncertainty``, kept current by triggers: see
:mod:`annotator.store.order_sql`), so the list reads its order from an index; :data:`CONFIDENCE_SQL`
computes it from scratch, the definition the stored value must equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.store.project import ProjectStore

UNSCORED = 2.0
"""The sort key of a document without scored pending suggestions: after every probability (<= 1)."""

CONFIDENCE_SQL = (
    "(SELECT min(c) FROM ("
    "SELECT json_extract(s.data, '$.confidence') AS c FROM spans s "
    "WHERE s.layer_id = :suggestions AND s.document_id = d.id AND s.data IS NOT NULL "
    "AND s.decision = 'pending' AND NOT EXISTS (SELECT 1 FROM spans o WHERE o.layer_id = :layer "
    "AND o.document_id = d.id AND (o.source_uid = s.uid OR (o.start_char = s.start_char "
    "AND o.end_char = s.end_char AND o.label = s.label))) "
    "UNION ALL "
    "SELECT json_extract(e.data, '$.confidence') FROM events e "
    "WHERE e.layer_id = :suggestions AND e.document_id = d.id AND e.data IS NOT NULL "
    "AND e.decision = 'pending' AND NOT EXISTS (SELECT 1 FROM events o WHERE o.layer_id = :layer "
    "AND o.document_id = d.id AND (o.source_uid = e.uid OR (o.trigger_start = e.trigger_start "
    "AND o.trigger_end = e.trigger_end AND o.type = e.type)))))"
)
"""The confidence of the document ``d`` (NULL when none of its pending suggestions has a score);
needs the parameters ``:suggestions`` (the suggestions layer) and ``:layer`` (the analyst's)."""

SORT_KEY_SQL = f"coalesce({CONFIDENCE_SQL}, {UNSCORED})"
"""Least confident first, documents without a score last."""


def document_confidence(store: ProjectStore, suggestion_layer_id: int, layer_id: int | None, document_id: int) -> float | None:
    """The confidence of one document (None: no scored pending suggestion), as stored."""
    found = uncertainty(store, suggestion_layer_id, layer_id, document_id)
    return found.lowest if found is not None else None


def computed_confidence(store: ProjectStore, suggestion_layer_id: int, layer_id: int | None, document_id: int) -> float | None:
    """The same computed from scratch from the suggestions (what the stored value must equal)."""
    row = store._db.execute(
        f"SELECT {CONFIDENCE_SQL} FROM documents d WHERE d.id = :id",
        {"suggestions": suggestion_layer_id, "layer": layer_id if layer_id is not None else -1, "id": document_id},
    ).fetchone()
    return None if row is None or row[0] is None else float(row[0])


@dataclass(frozen=True)
class Uncertainty:
    """A document's stored uncertainty for one suggestions layer and one analyst layer."""

    lowest: float | None
    """The lowest score of its undecided suggestions (None: none of them is scored)."""
    mean: float | None
    scored: int
    """How many undecided suggestions have a score."""
    control: bool
    """In the random control share: its place in the order is drawn, not chosen by the model."""


def order_layer(layer_id: int | None) -> int:
    """The ``layer_id`` of the stored order's rows for an analyst layer (0: none)."""
    return layer_id if layer_id is not None else 0


def uncertainty(store: ProjectStore, suggestion_layer_id: int, layer_id: int | None, document_id: int) -> Uncertainty | None:
    """The stored uncertainty of one document (None: the pair of layers has no stored order)."""
    row = store._db.execute(
        "SELECT lowest, total, scored, control FROM document_uncertainty "
        "WHERE document_id = ? AND suggestion_layer_id = ? AND layer_id = ?",
        (document_id, suggestion_layer_id, order_layer(layer_id)),
    ).fetchone()
    if row is None:
        return None
    lowest, total, scored, control = row
    return Uncertainty(
        None if lowest is None else float(lowest), float(total) / scored if scored else None, int(scored), bool(control)
    )
