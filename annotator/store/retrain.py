"""Retraining in the background: the project's setting and the count that triggers it.

With ``train.retrain_every`` = N (0, the default, is off) the window trains a new model, as
*Tools > Train…* does, once N documents were marked done since the newest stored model was
trained, counting only marks in the layer training reads (:func:`training_layer`: the one chosen
in the window, else gold, else the analyst's own); a mark elsewhere adds nothing to learn from.
When that layer holds exactly what the last model was trained on, no training is due. Each
mark counts: a document marked done, reopened and marked done again is two rounds of work.
Without a layer (``annotator models``), marks in every person's layer count.
"""

from __future__ import annotations

from annotator.store.project import ProjectStore

RETRAIN_SETTING = "train.retrain_every"


def retrain_every(store: ProjectStore) -> int:
    """N, or 0 when retraining in the background is off (a bad stored value counts as off)."""
    value = store.setting(RETRAIN_SETTING, 0)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def set_retrain_every(store: ProjectStore, every: int) -> None:
    """Retrain after every ``every`` documents marked done (0: never); raises ValueError when negative."""
    if every < 0:
        raise ValueError(f"retrain every N documents needs N >= 0 (0 is off), got {every}")
    store.set_setting(RETRAIN_SETTING, int(every))


BASELINE_SETTING = "train.retrain_baseline"
"""``{"model": name, "marks": n, "layer": name, "state": [...]}``: the done marks (in the layer
trained from) there were when the window started training ``name``, and that layer's state, so
marks made while it trained count towards the next one and unchanged data is not trained again."""

LAYER_SETTING = "train.layer"
"""The layer the window trains from (chosen in *Train…*; background retraining uses it too)."""
STATUS_SETTING = "train.status"

_DONE_MARKS = (
    "SELECT count(*) FROM document_status st JOIN layers l ON l.id = st.layer_id "
    "WHERE st.status = 'done' AND l.kind != 'suggestions'"
)


def training_layer(store: ProjectStore, analyst: str | None = None) -> str | None:
    """The layer to train from: the chosen one (if it still exists), else ``gold``, else the
    analyst's own layer; None when none of them exists."""
    for name in (store.setting(LAYER_SETTING), "gold", analyst):
        if isinstance(name, str) and name and store.layer(name) is not None:
            return name
    return None


def training_choices(store: ProjectStore) -> list[tuple[str, str, int, int]]:
    """``(layer, kind, documents done, documents in all)`` of every layer a person works in."""
    rows = store._db.execute(
        "SELECT l.name, l.kind, "
        "(SELECT count(*) FROM document_status st WHERE st.layer_id = l.id AND st.status = 'done'), "
        "(SELECT count(*) FROM (SELECT document_id FROM document_status WHERE layer_id = l.id "
        " UNION SELECT document_id FROM spans WHERE layer_id = l.id "
        " UNION SELECT document_id FROM events WHERE layer_id = l.id)) "
        "FROM layers l WHERE l.kind != 'suggestions' ORDER BY l.kind = 'gold' DESC, l.name"
    ).fetchall()
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows]


def done_marks(store: ProjectStore, layer: str | None = None) -> int:
    """Done marks in ``layer`` (what training from it reads), or in every person's layer."""
    if layer is None:
        return int(store._db.execute(_DONE_MARKS).fetchone()[0])
    return int(store._db.execute(f"{_DONE_MARKS} AND l.name = ?", (layer,)).fetchone()[0])


def layer_state(store: ProjectStore, layer: str) -> list:
    """What training from ``layer`` reads, in brief: its done documents and its newest change;
    equal states mean a new training would read the same data."""
    row = store._db.execute(
        "SELECT (SELECT group_concat(document_id) FROM (SELECT document_id FROM document_status st "
        "  WHERE st.layer_id = l.id AND st.status = 'done' ORDER BY document_id)), "
        "(SELECT max(updated_at) FROM spans WHERE layer_id = l.id), "
        "(SELECT max(updated_at) FROM events WHERE layer_id = l.id), "
        "(SELECT count(*) FROM spans WHERE layer_id = l.id), (SELECT count(*) FROM events WHERE layer_id = l.id) "
        "FROM layers l WHERE l.name = ?",
        (layer,),
    ).fetchone()
    return list(row) if row else []


def remember_baseline(store: ProjectStore, model: str, marks: int, layer: str | None = None, state: list | None = None) -> None:
    """The window trained ``model`` from ``layer`` as it was with ``marks`` done marks (and ``state``)."""
    store.set_setting(BASELINE_SETTING, {"model": model, "marks": int(marks), "layer": layer, "state": state})


def done_since_last_model(store: ProjectStore, layer: str | None = None) -> int:
    """Documents marked done (in ``layer``, else in any person's layer; each mark) since the
    newest stored model was trained; with no model yet, every document marked done.

    A model the window trained has its baseline count (exact). Otherwise (``annotator train``)
    marks written after the model's date count; the date has one-second resolution, so a mark
    made in the very second the model was stored may be missed."""
    newest = store._db.execute("SELECT name, created_at FROM models ORDER BY id DESC LIMIT 1").fetchone()
    if newest is None:
        return done_marks(store, layer)
    baseline = store.setting(BASELINE_SETTING)
    if (
        isinstance(baseline, dict)
        and baseline.get("model") == newest[0]
        and isinstance(baseline.get("marks"), int)
        and baseline.get("layer") in (None, layer)
    ):
        return max(0, done_marks(store, layer) - baseline["marks"])
    query, params = f"{_DONE_MARKS} AND st.updated_at > ?", [newest[1]]
    if layer is not None:
        query, params = f"{query} AND l.name = ?", [newest[1], layer]
    return int(store._db.execute(query, params).fetchone()[0])


def unchanged_since_last_model(store: ProjectStore, layer: str) -> bool:
    """Whether ``layer`` holds what the newest model (trained by the window) was trained on."""
    newest = store._db.execute("SELECT name FROM models ORDER BY id DESC LIMIT 1").fetchone()
    baseline = store.setting(BASELINE_SETTING)
    if newest is None or not isinstance(baseline, dict) or baseline.get("model") != newest[0]:
        return False
    return baseline.get("layer") == layer and baseline.get("state") == layer_state(store, layer)


def retrain_due(store: ProjectStore, layer: str | None = None, at_least: int = 0) -> bool:
    """Whether the setting is on and enough documents were marked done (in ``layer``, the one
    training reads) since the last model, and that layer changed since (else the same data
    would train the same model again). ``at_least``: a higher count to wait for (after a failure)."""
    every = retrain_every(store)
    if every <= 0 or done_since_last_model(store, layer) < max(every, at_least):
        return False
    return layer is None or not unchanged_since_last_model(store, layer)


def documents_to_resuggest(store: ProjectStore, layer_id: int | None) -> list[int]:
    """The documents a new model re-suggests: every one the analyst (``layer_id``, None before
    their first edit) has not marked done, in document order."""
    from annotator.model.layer import DocStatus

    statuses = store.statuses(layer_id) if layer_id is not None else {}
    done = {d for d, s in statuses.items() if s is DocStatus.DONE}
    return [d for d in store.document_ids() if d not in done]
