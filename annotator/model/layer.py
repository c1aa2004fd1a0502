"""Layers and document status: whose annotations these are, and how far they got with a document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

GOLD = "gold"
"""The name of the adjudicated layer that export uses by default."""

DEFAULT_IMPORT_LAYER = "imported"

_LAYER_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")


class LayerKind(str, Enum):
    """One annotator's work, one suggester's output, or the adjudicated gold standard."""

    ANNOTATOR = "annotator"
    SUGGESTIONS = "suggestions"
    GOLD = "gold"


class DocStatus(str, Enum):
    """How far a layer got with a document."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def title(self) -> str:
        return self.value.replace("_", " ")


def check_layer_name(name: str) -> str:
    """Return ``name`` stripped, or raise ``ValueError`` saying why it cannot name a layer."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a layer (annotator) name cannot be empty")
    name = name.strip()
    if not _LAYER_NAME.match(name):
        raise ValueError(f"a layer name must be 1-100 printable characters, got {name!r}")
    return name


@dataclass(frozen=True)
class Layer:
    """A named set of annotations over the project's documents."""

    name: str
    kind: LayerKind = LayerKind.ANNOTATOR
    info: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", check_layer_name(self.name))
        object.__setattr__(self, "kind", LayerKind(self.kind))


def kind_for_layer_name(name: str) -> LayerKind:
    """The kind a new layer of this name gets when nothing else says: ``gold`` is gold."""
    return LayerKind.GOLD if name == GOLD else LayerKind.ANNOTATOR


def default_status(layer: Layer) -> str:
    """Which documents export and training take by default: ``done`` for an analyst's layer (only
    finished work is training data); ``any`` for suggestions and gold, which have no unfinished documents."""
    return "done" if layer.kind is LayerKind.ANNOTATOR else "any"
