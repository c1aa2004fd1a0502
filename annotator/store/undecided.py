"""Documents marked done that still have undecided suggestions: what export must not hide.

The rule is :func:`annotator.model.editing.pending_suggestions`, here as one query over a whole
layer: a suggestion (span or event of the project's suggestions layer) is decided when the layer
holds a copy of it (``source_uid``) or anything at the same place with the same label (events:
the same trigger and type). A document marked done with undecided suggestions is ambiguous as
training data: its missing entities may be wrong suggestions or ones nobody looked at.
"""

from __future__ import annotations

from typing import NamedTuple

from annotator.store.layer_choice import suggestion_layer
from annotator.store.project import ProjectStore


class UndecidedDocument(NamedTuple):
    document_id: int
    title: str
    spans: int
    events: int

    @property
    def suggestions(self) -> int:
        return self.spans + self.events


_PENDING_SPANS = """
SELECT s.document_id, count(*) FROM spans s
JOIN document_status st ON st.layer_id = :own AND st.document_id = s.document_id AND st.status = 'done'
WHERE s.layer_id = :suggested AND NOT EXISTS (
    SELECT 1 FROM spans o WHERE o.layer_id = :own AND o.document_id = s.document_id
    AND (o.source_uid = s.uid OR (o.start_char = s.start_char AND o.end_char = s.end_char AND o.label = s.label)))
GROUP BY s.document_id
"""

_PENDING_EVENTS = """
SELECT e.document_id, count(*) FROM events e
JOIN document_status st ON st.layer_id = :own AND st.document_id = e.document_id AND st.status = 'done'
WHERE e.layer_id = :suggested AND NOT EXISTS (
    SELECT 1 FROM events o WHERE o.layer_id = :own AND o.document_id = e.document_id
    AND (o.source_uid = e.uid OR (o.trigger_start = e.trigger_start AND o.trigger_end = e.trigger_end AND o.type = e.type)))
GROUP BY e.document_id
"""


def done_with_undecided(store: ProjectStore, layer_id: int, suggestions_id: int | None = None) -> list[UndecidedDocument]:
    """Documents ``layer_id`` marked done that hold undecided suggestions, in id order.

    ``suggestions_id`` defaults to :func:`~annotator.store.layer_choice.suggestion_layer`'s; with no suggestions layer the
    answer is empty. Two grouped queries over the layer (no query per document)."""
    if suggestions_id is None:
        shown = suggestion_layer(store)
        suggestions_id = shown.id if shown is not None else None
    if suggestions_id is None or suggestions_id == layer_id:
        return []
    params = {"own": layer_id, "suggested": suggestions_id}
    spans = dict(store._db.execute(_PENDING_SPANS, params).fetchall())
    events = dict(store._db.execute(_PENDING_EVENTS, params).fetchall())
    ids = sorted(set(spans) | set(events))
    titles: dict[int, str] = {}
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        marks = ",".join("?" * len(chunk))
        titles.update(store._db.execute(f"SELECT id, title FROM documents WHERE id IN ({marks})", chunk).fetchall())
    return [UndecidedDocument(d, titles.get(d, "") or f"document {d}", spans.get(d, 0), events.get(d, 0)) for d in ids]
