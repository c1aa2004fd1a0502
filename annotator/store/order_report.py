"""Does the least-confident order pay on this project? Ordered documents against the random control.

About one document in ten is a control (see :mod:`annotator.store.order_sql`): its place in the
order is drawn at random, not chosen by the model. Comparing what analysts did on the documents
the model put forward with what they did on the controls tells a lead whether ranking by the
model's uncertainty finds the documents worth correcting here (published gains vary by model and
corpus). Per analyst layer and group:

* the accepted-unedited rate: of the suggestions the layer decided (copies with a ``source_uid``),
  the share accepted as suggested. A *lower* rate on ordered documents means the order finds where
  the model is wrong, which is where corrections teach it most;
* the time per document: from the layer's first to its last touch of each document marked done
  (``document_status``), median.

Documents are grouped by their control mark, whichever way the analyst reached them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from annotator.store.project import ProjectStore


@dataclass(frozen=True)
class GroupFigures:
    documents: int
    """Documents of the group the layer decided at least one suggestion in."""
    decided: int
    accepted_unedited: int
    done: int
    seconds_per_document: float | None
    """Median seconds from first to last touch of the group's documents marked done (None: none)."""

    @property
    def accepted_rate(self) -> float | None:
        return self.accepted_unedited / self.decided if self.decided else None


@dataclass(frozen=True)
class OrderEffect:
    layer: str
    ordered: GroupFigures
    control: GroupFigures


_DECIDED = (
    "SELECT t.control, a.document_id, a.decision FROM {table} a JOIN document_traits t ON t.document_id = a.document_id "
    "WHERE a.layer_id = ? AND a.source_uid IS NOT NULL AND a.origin = 'suggested' AND a.decision != 'pending'"
)

_DONE_SECONDS = (
    "SELECT t.control, (julianday(st.updated_at) - julianday(st.created_at)) * 86400.0 FROM document_status st "
    "JOIN document_traits t ON t.document_id = st.document_id WHERE st.layer_id = ? AND st.status = 'done' "
    "AND (EXISTS (SELECT 1 FROM spans s WHERE s.layer_id = st.layer_id AND s.document_id = st.document_id "
    "AND s.source_uid IS NOT NULL) OR EXISTS (SELECT 1 FROM events e WHERE e.layer_id = st.layer_id "
    "AND e.document_id = st.document_id AND e.source_uid IS NOT NULL))"
)


def _group(store: ProjectStore, layer_id: int, control: int) -> GroupFigures:
    documents: set[int] = set()
    decided = accepted = 0
    for table in ("spans", "events"):
        for flag, document_id, decision in store._db.execute(_DECIDED.format(table=table), (layer_id,)):
            if flag != control:
                continue
            documents.add(document_id)
            decided += 1
            accepted += decision == "accepted"
    seconds = [s for flag, s in store._db.execute(_DONE_SECONDS, (layer_id,)) if flag == control and s is not None]
    return GroupFigures(len(documents), decided, accepted, len(seconds), statistics.median(seconds) if seconds else None)


def order_effects(store: ProjectStore) -> list[OrderEffect]:
    """The figures of every analyst (or gold) layer that decided suggestions, by layer name."""
    effects = []
    for layer_id, name in store._db.execute("SELECT id, name FROM layers WHERE kind != 'suggestions' ORDER BY name").fetchall():
        ordered, control = _group(store, layer_id, 0), _group(store, layer_id, 1)
        if ordered.decided or control.decided:
            effects.append(OrderEffect(name, ordered, control))
    return effects


def _figures(g: GroupFigures) -> str:
    rate = f"{g.accepted_rate:.0%}" if g.accepted_rate is not None else "-"
    time = f"{g.seconds_per_document:.0f} s" if g.seconds_per_document is not None else "-"
    return f"{g.documents} documents, {rate} of {g.decided} suggestions accepted unedited, {time} per document done ({g.done})"


def order_effect_lines(store: ProjectStore) -> list[str]:
    """What ``annotator models`` prints about the order: ordered vs control documents per layer."""
    effects = order_effects(store)
    if not effects:
        return ["Least-confident order vs random control: no suggestions decided yet."]
    lines = ["Least-confident order vs random control (1 document in 10; lower acceptance = the order finds the model's mistakes):"]
    for effect in effects:
        lines.append(f"  {effect.layer}: ordered {_figures(effect.ordered)}")
        lines.append(f"  {'':{len(effect.layer)}}  control {_figures(effect.control)}")
        if effect.control.documents < 10:
            lines.append(f"  {'':{len(effect.layer)}}  (fewer than 10 control documents decided: too few to compare yet)")
    return lines
