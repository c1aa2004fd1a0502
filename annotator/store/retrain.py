"""Retraining in the background: the project's setting and the count that triggers it.

With ``train.retrain_every`` = N (0, the default, is off) the window trains a new model, as
*Tools > Train from gold* does, once N documents were marked done since the newest stored model
was trained. "Marked done" is a ``done`` status written after that model's training date in any
layer a person works in (analysts' layers and gold; suggestion layers mark their own progress
with statuses too, and are not counted). Each mark counts: a document one analyst and then the
reviewer of gold marked done is two marks (two rounds of work the next model can learn from).
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
"""``{"model": name, "marks": n}``: the done marks there were when the window started training
``name``, so marks made while it trained count towards the next one."""

_DONE_MARKS = (
    "SELECT count(*) FROM document_status st JOIN layers l ON l.id = st.layer_id "
    "WHERE st.status = 'done' AND l.kind != 'suggestions'"
)


def done_marks(store: ProjectStore) -> int:
    """Every done mark in a person's layer (what :func:`remember_baseline` records)."""
    return int(store.db.execute(_DONE_MARKS).fetchone()[0])


def remember_baseline(store: ProjectStore, model: str, marks: int) -> None:
    """The window trained ``model`` from the project as it was with ``marks`` done marks."""
    store.set_setting(BASELINE_SETTING, {"model": model, "marks": int(marks)})


def done_since_last_model(store: ProjectStore) -> int:
    """Documents marked done (in a person's layer, each mark) since the newest stored model was
    trained; with no model yet, every document marked done.

    A model the window trained has its baseline count (exact). Otherwise (``annotator train``)
    marks written after the model's date count; the date has one-second resolution, so a mark
    made in the very second the model was stored may be missed."""
    newest = store.db.execute("SELECT name, created_at FROM models ORDER BY id DESC LIMIT 1").fetchone()
    if newest is None:
        return done_marks(store)
    baseline = store.setting(BASELINE_SETTING)
    if isinstance(baseline, dict) and baseline.get("model") == newest[0] and isinstance(baseline.get("marks"), int):
        return max(0, done_marks(store) - baseline["marks"])
    row = store.db.execute(f"{_DONE_MARKS} AND st.updated_at > ?", (newest[1],)).fetchone()
    return int(row[0])


def retrain_due(store: ProjectStore) -> bool:
    """Whether the setting is on and enough documents were marked done since the last model."""
    every = retrain_every(store)
    return every > 0 and done_since_last_model(store) >= every
