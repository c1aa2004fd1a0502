"""The document list's reads, handed out by the session (``session.documents``).

The window lists, counts and steps through documents by asking this object, never the store: it
holds the project's store and forwards to :mod:`annotator.store.listing`, where the SQL lives. The
filter and row types the window builds and shows are named here too, so the window's list needs
nothing from ``store/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.store.listing import LEAST_CONFIDENT, DocumentFilter, DocumentRow, ProgressCounter, list_documents, listed_row, neighbour

if TYPE_CHECKING:
    from annotator.store.project import ProjectStore

__all__ = ["LEAST_CONFIDENT", "DocumentFilter", "DocumentQueries", "DocumentRow"]


class DocumentQueries:
    """Read-only questions about the project's documents, in the order a filter lists them."""

    def __init__(self, store: ProjectStore):
        self._store = store
        self._progress = ProgressCounter(store)

    def page(self, f: DocumentFilter, after_id: int = 0, limit: int = 200) -> list[DocumentRow]:
        """The next ``limit`` rows after ``after_id`` (0: the first page), in the filter's order."""
        return list_documents(self._store, f, after_id, limit)

    def row(self, f: DocumentFilter, document_id: int) -> DocumentRow | None:
        """One document's row as the filter lists it; None when the filter leaves it out."""
        return listed_row(self._store, f, document_id)

    def neighbour(self, f: DocumentFilter, current_id: int, step: int, unfinished: bool = False) -> int | None:
        """The document ``step`` places from ``current_id`` in the filter's order (Next/Previous)."""
        return neighbour(self._store, f, current_id, step, unfinished)

    def progress(self, layer_id: int | None) -> tuple[int, int]:
        """``(done, total)`` for the status bar, kept incrementally (see :class:`ProgressCounter`)."""
        return self._progress(layer_id)
