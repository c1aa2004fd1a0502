"""The team's progress as the hub knows it, for the lead's Team window (and anyone who may read it).

Per analyst: documents assigned now, how many of those they marked done, are working on (in
progress) or have not started (no status yet, or "new"); when they last sent changes (the
``clients`` row their project updates on every push: a pull writes nothing on the hub, so a
project that only pulls is not seen) and their last change on the hub (their layer's newest
status or annotation). Per document: how many analysts hold it now and how many of them are done,
one page at a time with the whole corpus's figures (:mod:`annotator.hub.team_documents`): a
lead's view never reads every document's row, so it opens in well under a second at 100,000.

Every figure comes from one read-only transaction, so the tables and the figures agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from annotator.hub.connection import connect
from annotator.hub.schema import check_version
from annotator.hub.team_documents import (
    PAGE_SIZE,
    CorpusSummary,
    DocumentFilter,
    DocumentPage,
    DocumentRow,
    DocumentSort,
    begin_lead_read,
    page_statements,
    read_document_page,
)

__all__ = ["AnalystRow", "CorpusSummary", "DocumentFilter", "DocumentPage", "DocumentRow", "DocumentSort",
           "TeamProgress", "team_progress"]


@dataclass(frozen=True)
class AnalystRow:
    analyst: str
    assigned: int
    done: int
    in_progress: int
    not_started: int
    last_sent: datetime | None
    """When a project of this analyst last pushed to the hub (None: never)."""
    last_change: datetime | None
    """The newest change in their layer on the hub (status or annotation; None: none yet)."""


@dataclass(frozen=True)
class TeamProgress:
    analysts: list[AnalystRow]
    page: DocumentPage
    """The first page of documents asked for, and the whole corpus's figures."""

    @property
    def summary(self) -> CorpusSummary:
        return self.page.summary

    @property
    def documents(self) -> list[DocumentRow]:
        """This page's documents (not the whole corpus: see ``summary`` for that)."""
        return self.page.rows

    @property
    def fully_done(self) -> int:
        """Documents every analyst holding them has finished (and that someone holds), in the whole corpus."""
        return self.summary.fully_done


_ANALYSTS = """
SELECT a.analyst,
       count(*),
       count(*) FILTER (WHERE s.status = 'done'),
       count(*) FILTER (WHERE s.status = 'in_progress'),
       count(*) FILTER (WHERE s.status IS NULL OR s.status = 'new'),
       (SELECT max(c.seen_at) FROM clients c WHERE c.role = a.analyst),
       (SELECT max(m) FROM (
            SELECT max(changed_at) AS m FROM statuses WHERE layer = a.analyst
            UNION ALL SELECT max(changed_at) FROM spans WHERE layer = a.analyst
            UNION ALL SELECT max(changed_at) FROM events WHERE layer = a.analyst
            UNION ALL SELECT max(changed_at) FROM relations WHERE layer = a.analyst) x)
FROM assignments a
LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document
WHERE a.active
GROUP BY a.analyst
ORDER BY a.analyst
"""

# The per-document work of opening the Team window (its figures), for ``bench_hub.py``'s EXPLAIN.
_DOCUMENTS = page_statements(DocumentFilter.ALL, DocumentSort.UPLOAD)[0]


def team_progress(url: str, which: DocumentFilter = DocumentFilter.ALL, sort: DocumentSort = DocumentSort.UPLOAD,
                  offset: int = 0, limit: int = PAGE_SIZE) -> TeamProgress:
    """Read the team's progress from the hub at ``url`` (any member may read it): the analysts,
    the corpus's figures and one page of documents (:func:`annotator.hub.team_documents.document_page`
    reads further pages)."""
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        with conn.transaction():
            begin_lead_read(conn)
            analysts = [AnalystRow(*row) for row in conn.execute(_ANALYSTS)]
            page = read_document_page(conn, which, sort, offset, limit)
    return TeamProgress(analysts, page)
