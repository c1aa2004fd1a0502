"""Relations and imported records in the project file: rows to values and back, and the queries.

Kept apart from :mod:`annotator.store.project` so that the relation table has one home; the
project store calls these inside its own transactions.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

import sqlite_utils

from annotator.model.relations import Relation, RelationEnd
from annotator.model.annotations import Provenance, Span
from annotator.store import rows

RELATION_COLUMNS = (
    "uid, type, symmetric, ends, origin, decision, author, suggester, source_uid, created_at, updated_at, data"
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def ends_json(ends: Iterable[RelationEnd]) -> str:
    return _dumps([[e.span.start, e.span.end, e.span.label] if e.span is not None else e.event_uid for e in ends])


def ends_from_json(text: str) -> tuple[RelationEnd, ...]:
    return tuple(RelationEnd(Span(*item)) if isinstance(item, list) else RelationEnd(event_uid=item) for item in json.loads(text))


def relation_row(layer_id: int, document_id: int, r: Relation) -> dict[str, Any]:
    p = r.provenance
    data: dict[str, Any] = {}
    if r.attributes:
        data["attributes"] = dict(r.attributes)
    if r.note:
        data["note"] = r.note
    return {
        "uid": r.uid,
        "layer_id": layer_id,
        "document_id": document_id,
        "type": r.type,
        "symmetric": int(r.symmetric),
        "ends": ends_json(r.ends),
        **rows.provenance_columns(p),
        "data": _dumps(data) if data else None,
    }


def relation_from_row(row: tuple) -> Relation:
    uid, type_, symmetric, ends = row[:4]
    data = json.loads(row[11]) if row[11] else {}
    return Relation(
        type_,
        ends_from_json(ends),
        bool(symmetric),
        uid,
        Provenance(*row[4:11]),
        data.get("attributes", {}),
        data.get("note", ""),
    )


def read_relations(db: sqlite_utils.Database, where: str, params: tuple | dict) -> list[Relation]:
    return [relation_from_row(r) for r in db.execute(f"SELECT {RELATION_COLUMNS} FROM relations WHERE {where}", params)]


def insert_relation(db: sqlite_utils.Database, layer_id: int, document_id: int, relation: Relation) -> None:
    row = relation_row(layer_id, document_id, relation)
    db.conn.execute(f"INSERT INTO relations ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row)


def relation_counts(db: sqlite_utils.Database, layer_id: int) -> int:
    return int(db.execute("SELECT count(*) FROM relations WHERE layer_id = ?", (layer_id,)).fetchone()[0])


# -- records a document came in ----------------------------------------------------------------


def set_records(db: sqlite_utils.Database, layer_id: int, document_id: int, records: Iterable[Mapping[str, Any]]) -> None:
    """Keep the records (minus their text) a layer's document was imported from, in file order."""
    db.execute("DELETE FROM layer_records WHERE layer_id = ? AND document_id = ?", (layer_id, document_id))
    db.conn.executemany(
        "INSERT INTO layer_records (layer_id, document_id, position, data) VALUES (?, ?, ?, ?)",
        [(layer_id, document_id, i, _dumps(dict(r))) for i, r in enumerate(records)],
    )


def records(db: sqlite_utils.Database, layer_id: int, document_id: int) -> list[dict[str, Any]]:
    return [
        json.loads(row[0])
        for row in db.execute(
            "SELECT data FROM layer_records WHERE layer_id = ? AND document_id = ? ORDER BY position", (layer_id, document_id)
        )
    ]
