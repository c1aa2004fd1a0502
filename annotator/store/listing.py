"""Queries behind the window's document list: pages of rows, filters, counts, neighbours.

Pages are read by id (keyset pagination), so the list shows the first rows of 100,000 documents
as fast as of 100. The search box matches words of the title and text (full-text index, word
prefixes) or, for a single word, a label or event type used in the document. Least confident first
reads the stored order's index (:mod:`annotator.store.order_sql`) the same way, by its sort key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from annotator.model.layer import DocStatus
from annotator.store.confidence import order_layer
from annotator.store.project import ProjectStore


@dataclass(frozen=True)
class DocumentFilter:
    """What the list shows: for whom (statuses are per layer), matching what, in which state."""

    layer_id: int | None = None
    suggestion_layer_id: int | None = None
    search: str = ""
    status: DocStatus | None = None
    my_queue: bool = False
    """Only documents the team hub assigned to this layer's analyst that the layer has not done."""
    order: str = "id"
    """``"id"`` (import order) or :data:`LEAST_CONFIDENT` (see :mod:`annotator.store.order_sql`)."""


LEAST_CONFIDENT = "least_confident"


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    date: str | None
    status: DocStatus
    spans: int
    events: int
    confidence: float | None = None
    """The document's confidence when the list is sorted by it (None: unscored, or not sorted so)."""
    control: bool = False
    """Sorted least confident first: a control document (placed at random, not by the model)."""


def _fts_query(search: str) -> str | None:
    words = re.findall(r"\w+", search)
    return " ".join(f'"{w}"*' for w in words) if words else None


def _where(f: DocumentFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {"layer": f.layer_id if f.layer_id is not None else -1}
    params["suggestions"] = f.suggestion_layer_id if f.suggestion_layer_id is not None else -1
    search = f.search.strip()
    if search:
        alternatives = []
        fts = _fts_query(search)
        if fts:
            params["fts"] = fts
            alternatives.append("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :fts)")
        if " " not in search:
            params["label"] = search
            alternatives.append(
                "EXISTS (SELECT 1 FROM spans s WHERE s.document_id = d.id AND s.layer_id IN (:layer, :suggestions) "
                "AND s.label = :label COLLATE NOCASE AND s.decision != 'rejected')"
            )
            alternatives.append(
                "EXISTS (SELECT 1 FROM events e WHERE e.document_id = d.id AND e.layer_id IN (:layer, :suggestions) "
                "AND e.type = :label COLLATE NOCASE AND e.decision != 'rejected')"
            )
        clauses.append("(" + " OR ".join(alternatives) + ")")
    if f.status is not None:
        params["status"] = f.status.value
        clauses.append("coalesce(st.status, 'new') = :status")
    if f.my_queue:
        clauses.append(
            "coalesce(st.status, 'new') != 'done' AND d.content_hash IN (SELECT a.content_hash FROM hub_assignments a "
            "JOIN layers ql ON ql.name = a.analyst WHERE ql.id = :layer AND a.active = 1)"
        )
    return (" AND ".join(clauses) or "1"), params


_FROM = (
    "FROM documents d LEFT JOIN document_status st ON st.document_id = d.id AND st.layer_id = :layer"
)


_ROW_SQL = (
    "SELECT d.id, d.title, d.date, coalesce(st.status, 'new'), "
    "(SELECT count(*) FROM spans s WHERE s.layer_id = :layer AND s.document_id = d.id AND s.decision != 'rejected'), "
    "(SELECT count(*) FROM events e WHERE e.layer_id = :layer AND e.document_id = d.id AND e.decision != 'rejected')"
)


def _by_confidence(store: ProjectStore, f: DocumentFilter) -> bool:
    """Sorted by the stored order: asked for, and the project keeps one for this pair of layers
    (a list without a suggestions layer has nothing to sort by and stays in import order)."""
    if f.order != LEAST_CONFIDENT or f.suggestion_layer_id is None:
        return False
    return store._db.execute(
        "SELECT 1 FROM document_uncertainty WHERE suggestion_layer_id = ? AND layer_id = ? LIMIT 1",
        (f.suggestion_layer_id, order_layer(f.layer_id)),
    ).fetchone() is not None


# The stored order (see annotator.store.order_sql): its index is walked first (CROSS JOIN keeps it the
# outer loop), so a page costs its own rows however many documents the project holds.
_ORDER_FROM = (
    "FROM document_uncertainty u CROSS JOIN documents d "
    "LEFT JOIN document_status st ON st.document_id = d.id AND st.layer_id = :layer"
)
_ORDER_WHERE = "d.id = u.document_id AND u.suggestion_layer_id = :suggestions AND u.layer_id = :order_layer"
_KEY = "(u.band, u.spread, u.rank, u.document_id)"
_KEY_ASC = "u.band, u.spread, u.rank, u.document_id"
_KEY_DESC = "u.band DESC, u.spread DESC, u.rank DESC, u.document_id DESC"


def _order_params(store: ProjectStore, f: DocumentFilter, params: dict[str, Any], document_id: int) -> dict[str, Any]:
    """``params`` with the pair of layers and the sort key of ``document_id`` (0: before every row)."""
    params["order_layer"] = order_layer(f.layer_id)
    row = None
    if document_id:
        row = store._db.execute(
            "SELECT band, spread, rank FROM document_uncertainty WHERE document_id = ? AND suggestion_layer_id = ? "
            "AND layer_id = ?",
            (document_id, f.suggestion_layer_id, params["order_layer"]),
        ).fetchone()
    params["k_band"], params["k_spread"], params["k_rank"] = row if row else (-1, -1, -1.0)
    params["k_id"] = document_id
    return params


def _ordered_row(r: tuple) -> DocumentRow:
    return DocumentRow(r[0], r[1], r[2], DocStatus(r[3]), r[4], r[5], r[6], bool(r[7]))


def list_documents(store: ProjectStore, f: DocumentFilter, after_id: int = 0, limit: int = 200) -> list[DocumentRow]:
    """The next page of rows after the document ``after_id`` (0: from the start), in list order:
    by id, or least confident first (see :mod:`annotator.store.order_sql` for the exact order)."""
    where, params = _where(f)
    params.update(after=after_id, limit=limit)
    if not _by_confidence(store, f):
        rows = store._db.execute(
            f"{_ROW_SQL} {_FROM} WHERE d.id > :after AND {where} ORDER BY d.id LIMIT :limit", params
        ).fetchall()
        return [DocumentRow(r[0], r[1], r[2], DocStatus(r[3]), r[4], r[5]) for r in rows]
    # Keyset on the stored key: the key of the last row shown is looked up again (a primary-key read).
    _order_params(store, f, params, after_id)
    rows = store._db.execute(
        f"{_ROW_SQL}, u.lowest, u.control {_ORDER_FROM} WHERE {_ORDER_WHERE} "
        f"AND {_KEY} > (:k_band, :k_spread, :k_rank, :k_id) AND {where} ORDER BY {_KEY_ASC} LIMIT :limit",
        params,
    ).fetchall()
    return [_ordered_row(r) for r in rows]


def listed_row(store: ProjectStore, f: DocumentFilter, document_id: int) -> DocumentRow | None:
    """The list's row of one document (None if the filter hides it), to refresh it after an edit."""
    where, params = _where(f)
    params["id"] = document_id
    if _by_confidence(store, f):
        _order_params(store, f, params, 0)
        r = store._db.execute(
            f"{_ROW_SQL}, u.lowest, u.control {_ORDER_FROM} WHERE {_ORDER_WHERE} AND u.document_id = :id AND {where}",
            params,
        ).fetchone()
        return _ordered_row(r) if r is not None else None
    r = store._db.execute(f"{_ROW_SQL} {_FROM} WHERE d.id = :id AND {where}", params).fetchone()
    if r is None:
        return None
    return DocumentRow(r[0], r[1], r[2], DocStatus(r[3]), r[4], r[5])


def count_documents(store: ProjectStore, f: DocumentFilter) -> int:
    where, params = _where(f)
    return int(store._db.execute(f"SELECT count(*) {_FROM} WHERE {where}", params).fetchone()[0])


def progress(store: ProjectStore, layer_id: int | None) -> tuple[int, int]:
    """``(done, total)`` documents for the layer."""
    total = store.count_documents()
    if layer_id is None:
        return 0, total
    done = store._db.execute(
        "SELECT count(*) FROM document_status WHERE layer_id = ? AND status = 'done'", (layer_id,)
    ).fetchone()[0]
    return int(done), total


def neighbour(store: ProjectStore, f: DocumentFilter, current_id: int, step: int, unfinished: bool = False) -> int | None:
    """The next (``step`` = 1) or previous (-1) document in list order; with ``unfinished`` the
    next one not done, wrapping around to the start so none is missed."""
    where, params = _where(f)
    if unfinished:
        where += " AND coalesce(st.status, 'new') != 'done'"
    params["current"] = current_id
    comparison, order = (">", "ASC") if step > 0 else ("<", "DESC")
    if _by_confidence(store, f):
        _order_params(store, f, params, current_id)
        order = _KEY_ASC if step > 0 else _KEY_DESC
        keyed = f"SELECT u.document_id {_ORDER_FROM} WHERE {_ORDER_WHERE} AND {where}"
        row = store._db.execute(
            f"{keyed} AND {_KEY} {comparison} (:k_band, :k_spread, :k_rank, :k_id) ORDER BY {order} LIMIT 1", params
        ).fetchone()
        if row is None and unfinished:
            row = store._db.execute(f"{keyed} AND u.document_id != :current ORDER BY {order} LIMIT 1", params).fetchone()
        return int(row[0]) if row else None
    row = store._db.execute(
        f"SELECT d.id {_FROM} WHERE d.id {comparison} :current AND {where} ORDER BY d.id {order} LIMIT 1", params
    ).fetchone()
    if row is None and unfinished:
        row = store._db.execute(
            f"SELECT d.id {_FROM} WHERE d.id != :current AND {where} ORDER BY d.id {order} LIMIT 1", params
        ).fetchone()
    return int(row[0]) if row else None


def position(store: ProjectStore, f: DocumentFilter, document_id: int) -> int | None:
    """The row number of a document in the filtered list, or None if the filter hides it."""
    where, params = _where(f)
    params["id"] = document_id
    visible = store._db.execute(f"SELECT 1 {_FROM} WHERE d.id = :id AND {where}", params).fetchone()
    if visible is None:
        return None
    if _by_confidence(store, f):
        _order_params(store, f, params, document_id)
        return int(store._db.execute(
            f"SELECT count(*) {_ORDER_FROM} WHERE {_ORDER_WHERE} AND {where} "
            f"AND {_KEY} < (:k_band, :k_spread, :k_rank, :k_id)",
            params,
        ).fetchone()[0])
    return int(store._db.execute(f"SELECT count(*) {_FROM} WHERE d.id < :id AND {where}", params).fetchone()[0])


class ProgressCounter:
    """``(done, total)`` for the status bar without counting every document on each refresh.

    The window refreshes its status bar many times a second while suggestions arrive; a
    ``count(*)`` over 100,000 documents each time stalled it. Documents are only ever added
    (never deleted), with growing ids, so the total is kept incrementally: a look at the largest
    id (an index lookup) and, when it grew, a count of only the new rows. The done count is of
    one layer's status rows, read through that layer's part of the index.
    """

    def __init__(self, store: ProjectStore):
        self.store = store
        self._last_id = 0
        self._total = 0

    def total(self) -> int:
        last = self.store._db.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
        if last < self._last_id:  # another project file, or documents gone: count afresh
            self._last_id = self._total = 0
        if last != self._last_id:
            self._total += int(
                self.store._db.execute("SELECT count(*) FROM documents WHERE id > ?", (self._last_id,)).fetchone()[0]
            )
            self._last_id = last
        return self._total

    def __call__(self, layer_id: int | None) -> tuple[int, int]:
        total = self.total()
        if layer_id is None:
            return 0, total
        done = self.store._db.execute(
            "SELECT count(*) FROM document_status WHERE layer_id = ? AND status = 'done'", (layer_id,)
        ).fetchone()[0]
        return int(done), total
