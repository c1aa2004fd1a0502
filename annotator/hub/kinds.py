"""The kinds of annotation the hub carries, each with its table of the common shape.

A kind's name is the one the local store's outbox uses (:data:`annotator.store.hub_local.LOCAL_KINDS`).
``relation`` has its hub table already; it syncs once the local store describes it.
"""

from __future__ import annotations

KINDS: dict[str, str] = {"span": "spans", "event": "events", "relation": "relations"}
