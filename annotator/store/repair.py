"""Repairing a project whose schema breaks the naming rule (made by an older version's import).

Such a project opens (the schema is read leniently) with :func:`schema_warning` saying what to
run; :func:`rename_bad_names` then renames every offending label, event type and role, in the
schema and in every layer's annotations, in one transaction.
"""

from __future__ import annotations

from annotator.model.schema import LabelSchema, bad_names
from annotator.store.project import SCHEMA_SETTING, ProjectStore


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
        for old, new in renames.items():
            store._db.execute("UPDATE spans SET label = ? WHERE label = ?", (new, old))
            store._db.execute("UPDATE events SET type = ? WHERE type = ?", (new, old))
            store._db.execute("UPDATE arguments SET label = ? WHERE label = ?", (new, old))
            store._db.execute("UPDATE arguments SET role = ? WHERE role = ?", (new, old))
        store.set_setting(SCHEMA_SETTING, repaired.to_dict())
    return renames
