"""Summaries of a project read in one query each: the fingerprint of a document's annotations, and
what each layer holds (``annotator stats``)."""

from __future__ import annotations

from typing import Any, Iterable

import sqlite_utils

from annotator.model.layer import Layer
from annotator.store import relation_rows


def fingerprint(db: sqlite_utils.Database, layer_ids: Iterable[int], document_id: int) -> tuple:
    """See :meth:`ProjectStore.fingerprint <annotator.store.project.ProjectStore.fingerprint>`."""
    ids = [i for i in layer_ids if i is not None]
    if not ids:
        return ()
    marks = ",".join("?" * len(ids))
    params = (*ids, document_id)
    return tuple(
        db.execute(
            f"SELECT (SELECT count(*) || ':' || coalesce(group_concat(id || uid || label || ':' || start_char || ':' "
            f"        || end_char || decision || updated_at || coalesce(data, ''), ','), '') "
            f"        FROM spans WHERE layer_id IN ({marks}) AND document_id = ?), "
            f"       (SELECT count(*) || ':' || coalesce(group_concat(id || uid || type || ':' || trigger_start || ':' "
            f"        || trigger_end || decision || updated_at || coalesce(data, ''), ','), '') "
            f"        FROM events WHERE layer_id IN ({marks}) AND document_id = ?), "
            f"       (SELECT group_concat(event_id || ':' || position || role || coalesce(label, '') || ':' "
            f"        || coalesce(start_char, '') || ':' || coalesce(end_char, '') || coalesce(event_uid, ''), ',') "
            f"        FROM arguments WHERE event_id IN "
            f"        (SELECT id FROM events WHERE layer_id IN ({marks}) AND document_id = ?)), "
            f"       (SELECT group_concat(status || updated_at) FROM document_status "
            f"        WHERE layer_id IN ({marks}) AND document_id = ?), "
            f"       (SELECT count(*) || ':' || coalesce(group_concat(id || uid || type || ':' || ends || decision "
            f"        || updated_at || coalesce(data, ''), ','), '') "
            f"        FROM relations WHERE layer_id IN ({marks}) AND document_id = ?)",
            params * 5,
        ).fetchone()
    )


def project_stats(db: sqlite_utils.Database, of_layers: Iterable[Layer], documents: int) -> dict[str, Any]:
    """See :meth:`ProjectStore.stats <annotator.store.project.ProjectStore.stats>`."""
    layers: dict[str, Any] = {}
    for layer in of_layers:
        counts = db.execute(
            "SELECT "
            "(SELECT count(*) FROM spans WHERE layer_id = :l), "
            "(SELECT count(*) FROM events WHERE layer_id = :l), "
            "(SELECT count(*) FROM document_status WHERE layer_id = :l AND status = 'done'), "
            "(SELECT count(*) FROM (SELECT document_id FROM spans WHERE layer_id = :l "
            " UNION SELECT document_id FROM events WHERE layer_id = :l "
            " UNION SELECT document_id FROM document_status WHERE layer_id = :l))",
            {"l": layer.id},
        ).fetchone()
        layers[layer.name] = {
            "kind": layer.kind.value,
            "documents": counts[3],
            "spans": counts[0],
            "events": counts[1],
            "done": counts[2],
            "relations": relation_rows.relation_counts(db, layer.id),  # type: ignore[arg-type]
        }
    return {"documents": documents, "layers": layers}
