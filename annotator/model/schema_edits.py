"""Adding an entity label or a relation type to a schema, as the window's schema editor does:
the naming rule (:func:`annotator.model.schema.name_problem`) is checked, the new name gets a
colour and a free key, and the result is checked as the store will read it back."""

from __future__ import annotations

from dataclasses import replace

from annotator.model.keys import ENTITY_RESERVED, free_key
from annotator.model.relation_schema import RelationType
from annotator.model.schema import _PALETTE, EntityLabel, LabelSchema, SchemaError, name_problem


def _taken(schema: LabelSchema, name: str) -> str | None:
    if schema.entity(name) or schema.event_type(name) or schema.relation_type(name):
        return f"{name!r} is already in the schema"
    return None


def add_entity_label(schema: LabelSchema, name: str) -> LabelSchema:
    """``schema`` with a new entity label ``name``; raises :class:`SchemaError` saying why not."""
    name = name.strip()
    problem = name_problem(name, "label") or _taken(schema, name)
    if problem:
        raise SchemaError(problem, ("entities", name))
    used = len(schema.entities) + len(schema.events)
    key = free_key([e.key for e in schema.entities], ENTITY_RESERVED)
    extended = replace(schema, entities=schema.entities + (EntityLabel(name, _PALETTE[used % len(_PALETTE)], key),))
    LabelSchema.from_dict(extended.to_dict())
    return extended


def add_relation_type(schema: LabelSchema, name: str, heads: tuple[str, ...] = (), children: tuple[str, ...] = ()) -> LabelSchema:
    """``schema`` with a new relation type (any label at an end whose list is empty)."""
    name = name.strip()
    problem = name_problem(name, "relation type") or _taken(schema, name)
    if problem:
        raise SchemaError(problem, ("relations", name))
    color = _PALETTE[(len(schema.relations) + 4) % len(_PALETTE)]
    kind = RelationType(name, heads, children, color=color, key=free_key(t.key for t in schema.relations))
    extended = replace(schema, relations=schema.relations + (kind,))
    LabelSchema.from_dict(extended.to_dict())
    return extended
