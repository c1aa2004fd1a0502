"""Trained suggesters stored inside the project file: the ``models`` table.

A model is an opaque archive (the fine-tuned pipeline and the event classifiers, made by
:mod:`annotator.learn`) with what a user needs to choose it: a name (``trained:N``), when it was
trained, from which layer and how many documents, and its held-out scores. The newest one is the
project's suggester unless the ``suggest.trained_model`` setting names another (or ``default``,
the untrained pipeline). Writing a model is one short transaction, so training never holds the
project's write lock while it works.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from annotator.model.annotations import now_iso
from annotator.store.database import StoreError, transaction
from annotator.store.project import ProjectStore

TRAINED_MODEL_SETTING = "suggest.trained_model"
"""The stored model plain ``annotator suggest`` uses: a model name, or ``default`` for the untrained one."""

UNTRAINED = "default"
"""The name that picks the untrained suggester (the stock pipeline, lexicon and rules)."""

NAME_PREFIX = "trained:"


@dataclass(frozen=True)
class StoredModel:
    """A trained suggester's description (without its archive, which can be large)."""

    id: int
    name: str
    created_at: str
    layer: str
    documents: int
    base: str = ""
    scores: dict[str, Any] = field(default_factory=dict)
    size: int = 0


_COLUMNS = "id, name, created_at, layer, documents, base, scores, length(blob)"


def _from_row(row: tuple) -> StoredModel:
    return StoredModel(row[0], row[1], row[2], row[3], row[4], row[5] or "", json.loads(row[6] or "{}"), row[7] or 0)


def save_model(
    store: ProjectStore, layer: str, documents: int, base: str, scores: dict[str, Any], blob: bytes, adopt: bool = True
) -> StoredModel:
    """Store a trained model as ``trained:N``, one transaction; with ``adopt`` also make it the
    project's suggester (without, the current choice stays: ``annotator models --use`` adopts it later)."""
    with transaction(store._db):
        cursor = store._db.conn.execute(
            "INSERT INTO models (name, created_at, layer, documents, base, scores, blob) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("", now_iso(), layer, documents, base, json.dumps(scores, ensure_ascii=False), blob),
        )
        model_id = int(cursor.lastrowid)
        name = f"{NAME_PREFIX}{model_id}"
        store._db.execute("UPDATE models SET name = ? WHERE id = ?", (name, model_id))
        if adopt:
            store._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (TRAINED_MODEL_SETTING, json.dumps(name)),
            )
        elif store.setting(TRAINED_MODEL_SETTING) is None:
            # Without a setting the newest model is the suggester: name what suggested until now.
            previous = store._db.execute("SELECT name FROM models WHERE id < ? ORDER BY id DESC LIMIT 1", (model_id,)).fetchone()
            store._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)", (TRAINED_MODEL_SETTING, json.dumps(previous[0] if previous else UNTRAINED))
            )
    found = find_model(store, name)
    assert found is not None
    return found


def list_models(store: ProjectStore) -> list[StoredModel]:
    """Every stored model, oldest first."""
    return [_from_row(r) for r in store._db.execute(f"SELECT {_COLUMNS} FROM models ORDER BY id")]


def find_model(store: ProjectStore, name: str) -> StoredModel | None:
    """The model called ``name`` (``trained:3`` or just ``3``), or None."""
    name = name.strip()
    if name.isdigit():
        name = f"{NAME_PREFIX}{name}"
    row = store._db.execute(f"SELECT {_COLUMNS} FROM models WHERE name = ?", (name,)).fetchone()
    return _from_row(row) if row else None


def model_blob(store: ProjectStore, model_id: int) -> bytes:
    row = store._db.execute("SELECT blob FROM models WHERE id = ?", (model_id,)).fetchone()
    if row is None:
        raise StoreError(f"the project has no model {model_id}")
    return bytes(row[0])


def current_model(store: ProjectStore) -> StoredModel | None:
    """The stored model plain ``annotator suggest`` uses, or None for the untrained suggester."""
    chosen = store.setting(TRAINED_MODEL_SETTING)
    if chosen == UNTRAINED:
        return None
    if isinstance(chosen, str) and chosen:
        found = find_model(store, chosen)
        if found is not None:
            return found
    row = store._db.execute(f"SELECT {_COLUMNS} FROM models ORDER BY id DESC LIMIT 1").fetchone()
    return _from_row(row) if row else None


def set_current_model(store: ProjectStore, name: str) -> None:
    """Make ``name`` (a stored model, or ``default``) the project's suggester."""
    if name != UNTRAINED and find_model(store, name) is None:
        raise StoreError(f"the project has no model {name!r}; see: annotator models")
    store.set_setting(TRAINED_MODEL_SETTING, name if name == UNTRAINED else find_model(store, name).name)  # type: ignore[union-attr]
