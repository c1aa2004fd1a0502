"""Repairing a project whose schema breaks the naming rule (made by an older version's import).

Such a project opens (the schema is read leniently) with :func:`schema_warning` saying what to
run; :func:`rename_bad_names` then renames every offending label, event type and role, in the
schema and in every layer's annotations, in one transaction.

The renames are set-based: one ``UPDATE`` per name and table, and the stored uncertainty of the
least-confident order (:mod:`annotator.store.order_sql`) recomputed once per document touched,
not by its per-row trigger once per renamed annotation (which recomputed a document's value as
many times as it had annotations of the label).
"""

from __future__ import annotations

from annotator.model.schema import LabelSchema, bad_names
from annotator.store.order_sql import recompute_sql
from annotator.store.project import SCHEMA_SETTING, ProjectStore

_PER_ROW_TRIGGERS = ("spans_uncertainty_changed", "events_uncertainty_changed")
"""The triggers that follow an annotation's label or type in place, one row at a time."""


def schema_renames(store: ProjectStore) -> dict[str, str]:
    """The schema's names that break the rule, each with the name it would be renamed to."""
    schema = store.schema()
    return bad_names(schema) if schema is not None else {}


def schema_warning(store: ProjectStore, command: str = "annotator repair-names") -> str | None:
    """A message for a project whose schema holds unusable names, saying how to fix it, or None."""
    renames = schema_renames(store)
    if not renames:
        return None
    shown = ", ".join(f"{old!r} → {new!r}" for old, new in list(renames.items())[:5])
    more = f" and {len(renames) - 5} more" if len(renames) > 5 else ""
    return (
        f"This project's schema holds {len(renames)} name(s) that labels may not have (spaces, control or invisible characters "
        f"or over 64 characters), from an import by an older version: {shown}{more}. Exports may not read "
        f"back correctly until they are renamed: run `{command}` (it renames them everywhere in the project)."
    )


def rename_bad_names(store: ProjectStore) -> dict[str, str]:
    """Rename every unusable name in the schema and in all annotations; returns what was renamed."""
    schema = store.schema()
    renames = bad_names(schema) if schema is not None else {}
    if not renames or schema is None:
        return {}
    data = schema.to_dict()

    def fix(name: str) -> str:
        return renames.get(name, name)

    fixed = {
        "entities": {fix(name): spec for name, spec in data["entities"].items()},
        "events": {
            fix(name): {
                **spec,
                **({"roles": {fix(r): [fix(f) for f in fl] for r, fl in spec["roles"].items()}} if "roles" in spec else {}),
            }
            for name, spec in data["events"].items()
        },
        "label_map": {k: fix(v) for k, v in data["label_map"].items()},
    }
    repaired = LabelSchema.from_dict(fixed)  # checked before anything is written
    with store.transaction():
        _rename_in_annotations(store, renames)
        store.set_setting(SCHEMA_SETTING, repaired.to_dict())
    return renames


def _rename_in_annotations(store: ProjectStore, renames: dict[str, str]) -> None:
    """Every label, event type and role of ``renames`` renamed in all layers (inside the caller's
    transaction); the per-row triggers are set aside meanwhile and each document's stored
    uncertainty recomputed once."""
    db = store._db
    db.execute("CREATE TEMP TABLE IF NOT EXISTS repair_renames (old TEXT PRIMARY KEY, new TEXT NOT NULL)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS repair_documents (document_id INTEGER PRIMARY KEY)")
    try:
        db.conn.executemany("INSERT INTO repair_renames (old, new) VALUES (?, ?)", list(renames.items()))
        db.execute(
            "INSERT OR IGNORE INTO repair_documents SELECT document_id FROM spans WHERE label IN (SELECT old FROM repair_renames) "
            "UNION SELECT document_id FROM events WHERE type IN (SELECT old FROM repair_renames)"
        )
        saved = db.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' * len(_PER_ROW_TRIGGERS))})",
            _PER_ROW_TRIGGERS,
        ).fetchall()
        for name in _PER_ROW_TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {name}")
        rename = "(SELECT new FROM repair_renames WHERE old = {0})"
        for table, column in (("spans", "label"), ("events", "type"), ("arguments", "label"), ("arguments", "role")):
            db.execute(f"UPDATE {table} SET {column} = {rename.format(column)} WHERE {column} IN (SELECT old FROM repair_renames)")
        for (sql,) in saved:
            db.execute(sql)  # the same triggers again, before anything else writes
        if saved:
            db.execute(
                f"UPDATE document_uncertainty SET {recompute_sql('document_uncertainty.document_id')} "
                "WHERE document_id IN (SELECT document_id FROM repair_documents)"
            )
    finally:
        db.execute("DROP TABLE IF EXISTS temp.repair_renames")
        db.execute("DROP TABLE IF EXISTS temp.repair_documents")
