"""Relation types of a label schema: a name and the labels allowed at each end.

brat's ``[relations]`` section maps onto it (``Located  Arg1:Person, Arg2:GPE``; an
equivalence ``Equiv  Arg1:Protein, Arg2:Protein, <REL-TYPE>:symmetric-transitive`` is a
``symmetric`` type). An empty list of labels at an end allows any label; ``"<EVENT>"`` allows an
event there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from annotator.model.keys import free_key

EVENT_END = "<EVENT>"

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class RelationType:
    name: str
    heads: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    symmetric: bool = False
    color: str = "#555555"
    key: str = ""

    def allows(self, head_label: str, child_label: str) -> bool:
        """Whether a relation of this type may join these labels (``<EVENT>`` for an event)."""
        return (not self.heads or head_label in self.heads) and (not self.children or child_label in self.children)

    def to_dict(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"head": list(self.heads), "child": list(self.children), "color": self.color}
        if self.symmetric:
            spec["symmetric"] = True
        if self.key:
            spec["key"] = self.key
        return spec


def relation_type(name: str, spec: Any) -> RelationType:
    """A relation type from its plain form; raises ``ValueError`` saying what is wrong."""
    if not isinstance(name, str) or not name.strip() or any(ch.isspace() for ch in name):
        raise ValueError(f"relation type {name!r} must be a name without spaces")
    if not isinstance(spec, Mapping):
        raise ValueError(f"relation type {name!r} must be a table with head, child and color")
    unknown = set(spec) - {"head", "child", "symmetric", "color", "key"}
    if unknown:
        raise ValueError(f"unknown setting {sorted(unknown)[0]!r} of relation type {name!r}")
    ends = []
    for end in ("head", "child"):
        value = spec.get(end, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{end} of relation type {name!r} must list labels")
        ends.append(tuple(value))
    color = spec.get("color", "#555555")
    if not isinstance(color, str) or not _COLOR.match(color):
        raise ValueError(f"color of relation type {name!r} must look like \"#1f77b4\", got {color!r}")
    key = spec.get("key", "")
    if not isinstance(key, str) or len(key) > 1:
        raise ValueError(f"key of relation type {name!r} must be one character")
    return RelationType(name, ends[0], ends[1], bool(spec.get("symmetric", False)), color.lower(), key)


def extend_relation_types(
    types: Iterable[RelationType], seen: Mapping[str, tuple[Iterable[str], Iterable[str], bool]]
) -> tuple[tuple[RelationType, ...], list[str]]:
    """``types`` with the relation types and end labels found in imported data added.

    ``seen`` maps a type name to the head labels, child labels and symmetry seen with it. A type
    that already lists labels at an end gets the new ones added (as labels are added to roles);
    one that allows any label stays so.
    """
    kept = list(types)
    added: list[str] = []
    for name, (heads, children, symmetric) in sorted(seen.items()):
        index = next((i for i, t in enumerate(kept) if t.name == name), None)
        if index is None:
            key = free_key(t.key for t in kept)  # picks it in the relation chooser
            kept.append(RelationType(name, tuple(sorted(set(heads))), tuple(sorted(set(children))), symmetric, key=key))
            added.append(f"relation type {name}")
            continue
        old = kept[index]
        new_heads = old.heads + tuple(sorted(set(heads) - set(old.heads))) if old.heads else ()
        new_children = old.children + tuple(sorted(set(children) - set(old.children))) if old.children else ()
        if (new_heads, new_children) != (old.heads, old.children):
            kept[index] = RelationType(old.name, new_heads, new_children, old.symmetric, old.color, old.key)
            added.append(f"labels of relation type {name}")
    return tuple(kept), added
