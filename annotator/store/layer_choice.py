"""The layer a command works on: the one named, or ``gold`` where the project has one; and the
suggestions layer analysts are shown.

Export and training both take a layer this way; each passes the words of its own message (what
the layer is for) and its own exception, so the user sees "name the layer to export" or "name the
layer to train from" from one rule.
"""

from __future__ import annotations

from annotator.model.layer import GOLD, Layer, LayerKind
from annotator.store.project import ProjectStore


SUGGESTION_LAYER_SETTING = "suggest.layer"
"""The setting naming the suggester whose layer analysts see (``annotator suggest --set-default``)."""


def suggestion_layer(store: ProjectStore) -> Layer | None:
    """The suggestions shown to analysts (window, export counts, accept-above): the chosen
    suggester's layer, else the newest suggestions layer; None when there is none."""
    chosen = store.setting(SUGGESTION_LAYER_SETTING)
    layers = [layer for layer in store.layers() if layer.kind is LayerKind.SUGGESTIONS]
    for layer in layers:
        if layer.name == chosen:
            return layer
    return layers[-1] if layers else None


def layer_list(store: ProjectStore) -> str:
    """The project's layers for a message: ``alice (annotator), gold (gold)``, or ``none yet``."""
    return ", ".join(f"{layer.name} ({layer.kind.value})" for layer in store.layers()) or "none yet"


def choose_layer(store: ProjectStore, name: str | None, purpose: str, error: type[Exception]) -> Layer:
    """The layer called ``name``; without a name, ``gold`` where it exists.

    Raises ``error`` with a message for the user naming the project's layers; ``purpose`` says
    what the layer is for ("export", "train from").
    """
    if name is None:
        gold = store.layer(GOLD)
        if gold is None:
            raise error(
                f"the project has no {GOLD!r} layer, so name the layer to {purpose} (--layer NAME); "
                f"its layers: {layer_list(store)}"
            )
        return gold
    layer = store.layer(name)
    if layer is None:
        raise error(f"the project has no layer {name!r}; its layers: {layer_list(store)}")
    return layer
