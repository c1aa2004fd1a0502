"""How many suggestions a suggester's layer holds for some documents (the re-suggest summary)."""

from __future__ import annotations

from annotator.store.project import ProjectStore

_CHUNK = 500
"""Document ids per query: keeps ``IN (...)`` lists under SQLite's variable limit."""


def suggestion_count(store: ProjectStore, layer_id: int, document_ids: list[int]) -> int:
    """Spans plus events the layer holds for ``document_ids`` (relations are not suggested)."""
    total = 0
    for start in range(0, len(document_ids), _CHUNK):
        chunk = document_ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for table in ("spans", "events"):
            row = store._db.execute(
                f"SELECT count(*) FROM {table} WHERE layer_id = ? AND document_id IN ({marks})", [layer_id, *chunk]
            ).fetchone()
            total += int(row[0])
    return total
