"""Keys for labels and relation types that arrive without one (imported, or added in the window).

An entity label's key is a window shortcut (the key labels the selection, Shift+key exactly), so
it must not be a key the window already gives a meaning: E (trigger), A (argument), X (reject)
and the digits (review versions). A relation type's key only picks it in the relation chooser.
"""

from __future__ import annotations

from typing import Iterable

KEYS = "abcdefghijklmnopqrstuvwxyz0123456789"
ENTITY_RESERVED = frozenset("eax0123456789")


def free_key(taken: Iterable[str], reserved: Iterable[str] = ()) -> str:
    """The first key not in ``taken`` nor ``reserved`` (case-insensitive); "" when none is left."""
    used = {k.lower() for k in taken if k} | {k.lower() for k in reserved}
    return next((k for k in KEYS if k not in used), "")
