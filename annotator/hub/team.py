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
    FIGURE_COLUMNS,
    begin_lead_read,
    page_statements,
    read_document_page,
    summary_of,
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


# The analysts' table and the corpus's figures in one statement, so the join of every active
# assignment to its status (the work of both) is done once: grouped by analyst and by document
# in one pass (GROUPING SETS), the analysts' rows are returned, the documents' rows only counted.
# Measured at 100,000 documents x 2 analysts: 0.71 s against 1.02 s for the two reads apart
# (load average 47). The figures' row comes first (its analyst is NULL).
_TEAM = """
WITH g AS MATERIALIZED (
    SELECT a.analyst, a.document, grouping(a.document) AS per_analyst, count(*) AS assigned,
           count(*) FILTER (WHERE s.status = 'done') AS done,
           count(*) FILTER (WHERE s.status = 'in_progress') AS in_progress
    FROM assignments a
    LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document
    WHERE a.active
    GROUP BY GROUPING SETS ((a.analyst), (a.document))),
per AS (SELECT assigned, done, done + in_progress AS started FROM g WHERE per_analyst = 0)
SELECT g.analyst, g.assigned, g.done, g.in_progress, g.assigned - g.done - g.in_progress,
       (SELECT max(c.seen_at) FROM clients c WHERE c.role = g.analyst),
       (SELECT max(m) FROM (
            SELECT max(changed_at) AS m FROM statuses WHERE layer = g.analyst
            UNION ALL SELECT max(changed_at) FROM spans WHERE layer = g.analyst
            UNION ALL SELECT max(changed_at) FROM events WHERE layer = g.analyst
            UNION ALL SELECT max(changed_at) FROM relations WHERE layer = g.analyst) x)
FROM g WHERE per_analyst = 1
UNION ALL
SELECT NULL, {figures}, NULL, NULL FROM per
ORDER BY 1 NULLS FIRST
""".format(figures=FIGURE_COLUMNS)

# For ``bench_hub.py``'s EXPLAIN: the analysts with the figures, and the first page of documents.
_ANALYSTS = _TEAM
_DOCUMENTS = page_statements(DocumentFilter.ALL, DocumentSort.UPLOAD)[-1] % {"limit": PAGE_SIZE, "offset": 0}


def team_progress(url: str, which: DocumentFilter = DocumentFilter.ALL, sort: DocumentSort = DocumentSort.UPLOAD,
                  offset: int = 0, limit: int = PAGE_SIZE) -> TeamProgress:
    """Read the team's progress from the hub at ``url`` (any member may read it): the analysts,
    the corpus's figures and one page of documents (:func:`annotator.hub.team_documents.document_page`
    reads further pages)."""
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        with conn.transaction():
            begin_lead_read(conn)
            figures, *rows = conn.execute(_TEAM).fetchall()
            analysts = [AnalystRow(*row) for row in rows]
            page = read_document_page(conn, which, sort, offset, limit, summary_of(*figures[1:5]))
    return TeamProgress(analysts, page)
