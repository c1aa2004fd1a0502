"""The names an analyst's own layer may take (the suggestions analysts see: ``store/layer_choice.py``).

Shared by the window (the start-up name prompt) and the command line (``accept-above``), so both
refuse the same names with the same words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.model.layer import GOLD, LayerKind, check_layer_name

if TYPE_CHECKING:
    from annotator.store.project import ProjectStore


SUGGESTER_PREFIXES = ("spacy:",)
"""How suggesters name their layers (``spacy:en_core_web_sm-3.8.0``)."""


def annotator_name_problem(name: str, store: ProjectStore | None = None) -> str | None:
    """Why ``name`` cannot be an analyst's own layer, or None: ``gold`` is the reviewers' adjudicated
    layer (edits under that name would change gold unreviewed), and suggesters' names are taken."""
    try:
        name = check_layer_name(name)
    except ValueError as error:
        return str(error)
    if name.casefold() == GOLD:
        return f"{name!r} is reserved for the reviewed (gold) layer; choose your own name"
    if name.casefold().startswith(SUGGESTER_PREFIXES):
        return f"{name!r} looks like a suggester's layer name; choose your own name"
    if store is not None:
        existing = store.layer(name)
        if existing is not None and existing.kind is not LayerKind.ANNOTATOR:
            return f"{name!r} is the name of a {existing.kind.value} layer in this project; choose your own name"
    return None
