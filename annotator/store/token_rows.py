"""Documents' stored tokens: which documents have none yet, and filling them in.

Import stores no tokens (tokenising was most of its time); the suggester stores the tokens of
each document it suggests for, in the same transaction as its suggestions, so that export and
agreement find them stored instead of tokenising every document again.
"""

from __future__ import annotations

from typing import Iterable

from annotator.store.database import transaction
from annotator.store.project import ProjectStore

_CHUNK = 500
"""Ids per query: well under SQLite's limit on bound parameters."""


def documents_without_tokens(store: ProjectStore, document_ids: Iterable[int]) -> set[int]:
    """Those of ``document_ids`` that have no stored tokens."""
    ids = list(document_ids)
    missing: set[int] = set()
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        missing.update(
            row[0] for row in store._db.conn.execute(f"SELECT id FROM documents WHERE id IN ({marks}) AND tokens IS NULL", chunk)
        )
    return missing


def fill_tokens(store: ProjectStore, blobs: Iterable[tuple[int, bytes]]) -> None:
    """Store each ``(document id, tokens)`` where the document has no tokens yet (never replaced:
    tokens that came with a document, from a merge or the hub, stay as they are)."""
    with transaction(store._db):
        store._db.conn.executemany("UPDATE documents SET tokens = ? WHERE id = ? AND tokens IS NULL", ((b, d) for d, b in blobs))
