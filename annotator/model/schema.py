"""The label schema a project carries: entity labels, event types with their roles, keys and colours.

A schema is built from a plain dictionary (what the TOML file and the project store hold) by
:meth:`LabelSchema.from_dict`, which checks everything and raises :class:`SchemaError` with the
path of the offending entry, so that the file reader can name its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from annotator.model.keys import ENTITY_RESERVED, free_key
from annotator.model.relation_schema import RelationType, extend_relation_types, relation_type

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_NAME_LENGTH = 64
# The one rule for the names of entity labels, event types, roles and relation types: every
# file format annotator writes (brat, CoNLL's tag column, TOML keys) can hold such a name as it
# is, so a project never holds a name it cannot write out or read back.
# Invisible and bidirectional format characters (zero-width space, right-to-left override…) are
# refused too: two names that look the same must be the same name, and a shown name its own text.
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_NAME = re.compile(r"^[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff%s]{1,%d}$" % (_INVISIBLE, MAX_NAME_LENGTH))

# Colours given to labels that arrive with imported data and are not in the schema yet.
_PALETTE = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c",
    "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000",
    "#ffd8b1", "#000075", "#808080", "#ffe119",
)


def name_problem(name: object, what: str = "label") -> str | None:
    """Why ``name`` cannot name a label, event type, role or relation type, or None if it can.

    This is the only place the rule lives: the schema checks its names with it, and the import
    checks every label, type and role it reads with it before anything reaches the project.
    """
    if not isinstance(name, str):
        return f"{what} {name!r} is not text"
    if _NAME.match(name):
        return None
    if not name:
        return f"{what} is empty"
    if len(name) > MAX_NAME_LENGTH:
        why = f"it is {len(name)} characters long (at most {MAX_NAME_LENGTH})"
    elif re.search(r"[\ud800-\udfff]", name):
        why = "it holds a lone surrogate (not valid Unicode)"
    elif re.search(r"[\x00-\x1f\x7f-\x9f]", name):
        why = "it holds a tab, line break or other control character"
    elif re.search(f"[{_INVISIBLE}]", name):
        found = re.search(f"[{_INVISIBLE}]", name).group()  # type: ignore[union-attr]
        why = f"it holds an invisible or text-direction character (U+{ord(found):04X})"
    else:
        why = "it holds a space"
    suggestion = suggested_name(name)
    hint = f"; rename it, e.g. to {suggestion!r}" if suggestion else ""
    return f"{what} {_shown(name)} cannot be used: {why}. Names are 1-{MAX_NAME_LENGTH} characters without spaces or control characters{hint}"


def suggested_name(name: str) -> str:
    """A usable name close to ``name``: white space runs become ``_``, control characters and
    lone surrogates go, and the result is cut to the length limit ("" when nothing is left)."""
    cleaned = re.sub(f"[\\x00-\\x08\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_INVISIBLE}]", "", name)
    cleaned = re.sub(r"\s+", "_", cleaned.strip())
    return cleaned[:MAX_NAME_LENGTH]


def _shown(name: str) -> str:
    """``name`` quoted for a message, safe to print even with a lone surrogate in it."""
    shown = name if len(name) <= 80 else name[:77] + "..."
    return repr(shown.encode("utf-8", "backslashreplace").decode("utf-8"))


class SchemaError(ValueError):
    """A schema that cannot be used. ``path`` names the entry, e.g. ``("events", "Life:Die", "key")``."""

    def __init__(self, message: str, path: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class EntityLabel:
    name: str
    color: str
    key: str = ""
    description: str = ""


@dataclass(frozen=True)
class Role:
    """An argument role of an event type and the entity labels that may fill it."""

    name: str
    fillers: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventType:
    name: str
    color: str
    roles: tuple[Role, ...] = ()
    key: str = ""
    description: str = ""

    def role(self, name: str) -> Role | None:
        return next((role for role in self.roles if role.name == name), None)

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(role.name for role in self.roles)


@dataclass(frozen=True)
class LabelSchema:
    entities: tuple[EntityLabel, ...] = ()
    events: tuple[EventType, ...] = ()
    label_map: Mapping[str, str] = field(default_factory=dict)
    """Maps a suggester's labels (spaCy's ``ent.label_``) onto this schema's entity labels."""
    relations: tuple[RelationType, ...] = ()
    """Relation types with the labels allowed at each end (:mod:`annotator.model.relation_schema`)."""

    def relation_type(self, name: str) -> RelationType | None:
        return next((t for t in self.relations if t.name == name), None)

    def relation_types_for(self, head_label: str, child_label: str) -> list[RelationType]:
        """The relation types that may join a head with this label to a child with that one."""
        return [t for t in self.relations if t.allows(head_label, child_label)]

    def with_relations(
        self, seen: Mapping[str, tuple[Iterable[str], Iterable[str], bool]]
    ) -> tuple[LabelSchema, list[str]]:
        """This schema with relation types found in imported data added; and what was added."""
        types, added = extend_relation_types(self.relations, seen)
        return (self, []) if not added else (replace(self, relations=types), added)

    def entity(self, name: str) -> EntityLabel | None:
        return next((label for label in self.entities if label.name == name), None)

    def event_type(self, name: str) -> EventType | None:
        return next((event for event in self.events if event.name == name), None)

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.entities)

    @property
    def event_names(self) -> tuple[str, ...]:
        return tuple(event.name for event in self.events)

    def color_of(self, name: str) -> str:
        found = self.entity(name) or self.event_type(name)
        return found.color if found else "#808080"

    def allows(self, event_type: str, role: str, filler_label: str | None = None) -> bool:
        """Whether ``role`` belongs to ``event_type`` and, if given, ``filler_label`` may fill it.

        A filler that is not an entity carries the role's own name as its label and always fits.
        """
        event = self.event_type(event_type)
        found = event.role(role) if event else None
        if found is None:
            return False
        return filler_label is None or filler_label == role or not found.fillers or filler_label in found.fillers

    # -- building and storing -------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], check_names: bool = True) -> LabelSchema:
        """Build and check a schema; raise :class:`SchemaError` naming the first bad entry.

        ``check_names=False`` lets names break the naming rule (everything else is still
        checked): only for opening a project an older version filled with such names, so that
        it opens and can be repaired (:func:`bad_names`).
        """
        if not isinstance(data, Mapping):
            raise SchemaError("a schema must be a table with [entities] and [events]")
        unknown = set(data) - {"entities", "events", "label_map", "version", "relations"}
        if unknown:
            name = sorted(unknown)[0]
            raise SchemaError(f"unknown section {name!r} (expected entities, events, label_map)", (name,))
        entities = tuple(_entity(name, spec, check_names) for name, spec in _table(data, "entities").items())
        if not entities:
            raise SchemaError("the schema has no entity labels: add at least one [entities.NAME]", ("entities",))
        names = {label.name for label in entities}
        events = tuple(_event_type(name, spec, names, check_names) for name, spec in _table(data, "events").items())
        _check_unique_keys("entities", entities)
        _check_unique_keys("events", events)
        clash = names & {event.name for event in events}
        if clash:
            name = sorted(clash)[0]
            raise SchemaError(f"{name!r} is both an entity label and an event type", ("events", name))
        label_map = {}
        for source, target in _table(data, "label_map").items():
            if not isinstance(target, str) or target not in names:
                raise SchemaError(
                    f"label_map maps {source!r} to {target!r}, which is not an entity label of this schema",
                    ("label_map", source),
                )
            label_map[str(source)] = target
        relations = []
        for name, spec in _table(data, "relations").items():
            try:
                relations.append(relation_type(name, spec))
            except ValueError as error:
                raise SchemaError(str(error), ("relations", name)) from None
        return cls(entities, events, label_map, tuple(relations))

    def to_dict(self) -> dict[str, Any]:
        """The plain form :meth:`from_dict` reads back; key order is the schema's order."""
        return {
            "entities": {
                e.name: _drop_empty({"color": e.color, "key": e.key, "description": e.description})
                for e in self.entities
            },
            "events": {
                t.name: _drop_empty(
                    {
                        "color": t.color,
                        "key": t.key,
                        "description": t.description,
                        "roles": {r.name: list(r.fillers) for r in t.roles},
                    }
                )
                for t in self.events
            },
            "label_map": dict(self.label_map),
            **({"relations": {t.name: t.to_dict() for t in self.relations}} if self.relations else {}),
        }

    def with_labels(
        self, entity_labels: Iterable[str] = (), event_roles: Mapping[str, Mapping[str, Iterable[str]]] | None = None
    ) -> tuple[LabelSchema, list[str]]:
        """This schema extended by labels found in imported data; returns it and what was added.

        ``event_roles`` maps an event type to its roles, each with the labels seen filling it.
        """
        entities = list(self.entities)
        added: list[str] = []
        used = len(self.entities) + len(self.events)
        for name in sorted(set(entity_labels)):
            if self.entity(name) is None and self.event_type(name) is None:
                # A key of its own, so an imported label (brat's, CoNLL's) is as quick to apply.
                key = free_key([e.key for e in entities], ENTITY_RESERVED)
                entities.append(EntityLabel(name, _PALETTE[used % len(_PALETTE)], key))
                used += 1
                added.append(f"entity label {name}")
        known = {label.name for label in entities}
        events = list(self.events)
        for type_name, roles in sorted((event_roles or {}).items()):
            existing = next((i for i, e in enumerate(events) if e.name == type_name), None)
            if existing is None:
                if type_name in known:
                    continue
                events.append(EventType(type_name, _PALETTE[used % len(_PALETTE)]))
                used += 1
                existing = len(events) - 1
                added.append(f"event type {type_name}")
            event = events[existing]
            new_roles = list(event.roles)
            for role_name, fillers in sorted(roles.items()):
                # A filler labelled with the role's own name is a noun phrase that is no entity.
                fillers = [f for f in fillers if f in known or f == role_name]
                index = next((i for i, r in enumerate(new_roles) if r.name == role_name), None)
                if index is None:
                    new_roles.append(Role(role_name, tuple(sorted(set(fillers)))))
                    added.append(f"role {role_name} of {type_name}")
                else:
                    role = new_roles[index]
                    extra = sorted(set(fillers) - set(role.fillers))
                    if extra and role.fillers:
                        new_roles[index] = Role(role.name, role.fillers + tuple(extra))
                        # The role's own name always fits (a noun phrase that is no entity): kept
                        # explicit for brat's configuration, but no news worth reporting.
                        reported = [f for f in extra if f != role_name]
                        if reported:
                            added.append(f"fillers {', '.join(reported)} of role {role_name} of {type_name}")
            events[existing] = replace(event, roles=tuple(new_roles))
        extended = LabelSchema(tuple(entities), tuple(events), self.label_map, self.relations)
        return (self, []) if extended == self else (extended, added)


def bad_names(schema: LabelSchema) -> dict[str, str]:
    """The schema's names that break the naming rule, each with the name to rename it to
    (unique, and distinct from every name the schema keeps)."""
    every = [*schema.entity_names, *schema.event_names, *(r for e in schema.events for r in e.role_names)]
    taken = {name for name in every if name_problem(name) is None}
    renames: dict[str, str] = {}
    for name in every:
        if name in renames or name_problem(name) is None:
            continue
        base = suggested_name(name) or "label"
        candidate, n = base, 2
        while candidate in taken:
            suffix = f"_{n}"
            candidate, n = base[: MAX_NAME_LENGTH - len(suffix)] + suffix, n + 1
        taken.add(candidate)
        renames[name] = candidate
    return renames


def _drop_empty(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if v not in ("", None)}


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise SchemaError(f"[{name}] must be a table", (name,))
    return value


def _check_name(name: str, what: str, path: tuple[str, ...]) -> None:
    problem = name_problem(name, what)
    if problem is not None:
        raise SchemaError(problem, path)


def _common(spec: Any, path: tuple[str, ...], allowed: set[str]) -> tuple[str, str, str]:
    if not isinstance(spec, Mapping):
        raise SchemaError(f"{path[-1]!r} must be a table with color and key", path)
    unknown = set(spec) - allowed
    if unknown:
        raise SchemaError(f"unknown setting {sorted(unknown)[0]!r} (expected {', '.join(sorted(allowed))})", path)
    color = spec.get("color", "")
    if not isinstance(color, str) or not _COLOR.match(color):
        raise SchemaError(f"color of {path[-1]!r} must look like \"#1f77b4\", got {color!r}", path + ("color",))
    key = spec.get("key", "")
    if not isinstance(key, str) or len(key) > 1 or (key and not key.isprintable()) or key.isspace():
        raise SchemaError(f"key of {path[-1]!r} must be one printable character, got {key!r}", path + ("key",))
    description = spec.get("description", "")
    if not isinstance(description, str):
        raise SchemaError(f"description of {path[-1]!r} must be text", path + ("description",))
    return color.lower(), key, description


def _entity(name: str, spec: Any, check_names: bool = True) -> EntityLabel:
    path = ("entities", name)
    if check_names:
        _check_name(name, "entity label", path)
    color, key, description = _common(spec, path, {"color", "key", "description"})
    return EntityLabel(name, color, key, description)


def _event_type(name: str, spec: Any, entity_names: set[str], check_names: bool = True) -> EventType:
    path = ("events", name)
    if check_names:
        _check_name(name, "event type", path)
    color, key, description = _common(spec, path, {"color", "key", "description", "roles"})
    roles_spec = spec.get("roles", {})
    if not isinstance(roles_spec, Mapping):
        raise SchemaError(f"roles of {name!r} must be a table of role = [labels]", path + ("roles",))
    roles = []
    for role_name, fillers in roles_spec.items():
        role_path = path + ("roles", role_name)
        if check_names:
            _check_name(role_name, "role", role_path)
        if not isinstance(fillers, list) or not all(isinstance(f, str) for f in fillers):
            raise SchemaError(f"role {role_name!r} of {name!r} must list entity labels, e.g. [\"PERSON\", \"ORG\"]", role_path)
        for filler in fillers:
            if filler not in entity_names and filler != role_name:
                raise SchemaError(
                    f"role {role_name!r} of {name!r} allows {filler!r}, which is not an entity label of this schema",
                    role_path,
                )
        roles.append(Role(role_name, tuple(fillers)))
    return EventType(name, color, tuple(roles), key, description)


def _check_unique_keys(section: str, labels: Iterable[EntityLabel | EventType]) -> None:
    seen: dict[str, str] = {}
    for label in labels:
        if label.key and label.key in seen:
            raise SchemaError(
                f"key {label.key!r} of {label.name!r} is already the key of {seen[label.key]!r}",
                (section, label.name, "key"),
            )
        if label.key:
            seen[label.key] = label.name
