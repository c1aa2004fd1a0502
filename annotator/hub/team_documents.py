"""The lead's per-document view, one page at a time: the hub never ships the whole corpus to the window.

Each document is in exactly one state, from the analysts who hold it now (active assignments)
and their statuses:

- *nobody holds it*: no active assignment;
- *not started*: held, and no holder has a status other than "new";
- *in progress*: held, someone has started (in progress or done), not every holder is done;
- *fully done*: held, and every holder marked it done.

:func:`read_document_page` returns the whole-corpus figures (how many documents are in each
state, counted by one aggregate in SQL) and one page of documents in one state or all, sorted by
upload order, title or done ratio, all in one snapshot. The figures need every document's counts
(a hash aggregate over the active assignments joined to their statuses, about 0.3 s at 100,000
documents x 2 analysts; the Team window's open reads them with the analysts' table, in one
statement of :mod:`annotator.hub.team`); a page of all documents in upload order (the window's
first) is read from the upload-order index and counts only its own documents; any other filter or order shares
the aggregate with the figures in one statement, so the page's "of N" is the figure shown for
that state. A maintained table of per-document counts would make the figures cheaper but puts a
trigger on every status an analyst pushes, against the hub's push throughput: not worth it at
these figures (``tests/benchmarks/bench_hub_team.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from annotator.hub.connection import connect
from annotator.hub.schema import check_version

PAGE_SIZE = 200
"""Documents per page in the Team window."""

WORK_MEM = "64MB"
"""Memory for the aggregate's hash tables (PostgreSQL's default 4 MB spills 100,000 documents'
counts to disk and sorts: 0.5 s instead of 0.28 s, measured); set for the reading transaction only."""


class DocumentFilter(str, Enum):
    ALL = "all"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    FULLY_DONE = "fully_done"
    UNASSIGNED = "unassigned"


class DocumentSort(str, Enum):
    UPLOAD = "upload"
    """The hub's change number of each document row: the upload order, until a lead changes a document's metadata."""
    TITLE = "title"
    """Titles in the hub's collation; documents without a title (shown by the start of their text) last, in upload order."""
    DONE_RATIO = "done_ratio"
    """Least done first (the share of holders done); documents nobody holds last; ties in upload order."""


FILTER_NAMES = {
    DocumentFilter.ALL: "All documents",
    DocumentFilter.NOT_STARTED: "Not started",
    DocumentFilter.IN_PROGRESS: "In progress",
    DocumentFilter.FULLY_DONE: "Fully done",
    DocumentFilter.UNASSIGNED: "Nobody holds it",
}
SORT_NAMES = {
    DocumentSort.UPLOAD: "Upload order",
    DocumentSort.TITLE: "Title",
    DocumentSort.DONE_RATIO: "Least done first",
}


@dataclass(frozen=True)
class DocumentRow:
    document: str
    """The document's content hash (its identity on the hub)."""
    title: str
    """Its title, or the start of its text when it has none."""
    assigned: int
    done: int


@dataclass(frozen=True)
class CorpusSummary:
    """How many of the hub's documents are in each state (they add up to ``documents``)."""

    documents: int
    not_started: int
    in_progress: int
    fully_done: int
    unassigned: int

    @property
    def assigned(self) -> int:
        return self.documents - self.unassigned

    def count(self, which: DocumentFilter) -> int:
        return self.documents if which is DocumentFilter.ALL else getattr(self, which.value)


@dataclass(frozen=True)
class DocumentPage:
    summary: CorpusSummary
    rows: list[DocumentRow]
    filter: DocumentFilter
    sort: DocumentSort
    offset: int
    limit: int

    @property
    def total(self) -> int:
        """Documents matching the filter (on every page, not just this one)."""
        return self.summary.count(self.filter)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


# Per held document: holders, holders done, holders started (in progress or done).
_PER_DOCUMENT = """
SELECT a.document, count(*) AS assigned,
       count(*) FILTER (WHERE s.status = 'done') AS done,
       count(*) FILTER (WHERE s.status IN ('in_progress', 'done')) AS started
FROM assignments a
LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document
WHERE a.active
GROUP BY a.document
"""

_WHERE = {
    DocumentFilter.ALL: "true",
    DocumentFilter.NOT_STARTED: "assigned > 0 AND started = 0",
    DocumentFilter.IN_PROGRESS: "started > 0 AND done < assigned",
    DocumentFilter.FULLY_DONE: "assigned > 0 AND done = assigned",
    DocumentFilter.UNASSIGNED: "assigned = 0",
}
_ORDER = {
    DocumentSort.UPLOAD: "seq, content_hash",
    DocumentSort.TITLE: "title = '', title, seq, content_hash",
    DocumentSort.DONE_RATIO: "done::float8 / nullif(assigned, 0) NULLS LAST, seq, content_hash",
}

# The figures over ``per`` (rows: assigned, done, started): documents, not started, in progress,
# fully done (held by nobody: the rest). Only these four numbers leave the server.
FIGURE_COLUMNS = """(SELECT count(*) FROM documents),
       count(*) FILTER (WHERE started = 0),
       count(*) FILTER (WHERE started > 0 AND done < assigned),
       count(*) FILTER (WHERE done = assigned)"""

_FIGURES = "SELECT " + FIGURE_COLUMNS + " FROM ({per}) per"

# All documents in upload order (the window's first page): the page's documents straight from
# the upload-order index, then the counts of those 200 only (chosen first, so an OFFSET skips
# documents without counting them): 4 ms for the first page, 50 ms for the last at 100,000.
_UPLOAD_PAGE = """
SELECT g.content_hash, g.title, c.assigned, c.done
FROM (SELECT seq, content_hash, title FROM documents ORDER BY seq, content_hash LIMIT %(limit)s OFFSET %(offset)s) g
CROSS JOIN LATERAL (
    SELECT count(*) AS assigned, count(*) FILTER (WHERE s.status = 'done') AS done
    FROM assignments a
    LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document
    WHERE a.document = g.content_hash AND a.active) c
ORDER BY g.seq, g.content_hash
"""

# Any other filter or order needs every document's counts: one statement computes them once
# (MATERIALIZED: read by both the figures and the page), so the figures and the page agree and
# the work is not done twice. The LEFT JOIN on true returns the figures even when the page is
# past the end (no rows); the outer ORDER BY names the page's columns (the figures have none of
# those names).
_PAGE = """
WITH per AS MATERIALIZED ({per}),
figures (documents, not_started, in_progress, fully_done) AS (SELECT {figures} FROM per),
listed AS (
    SELECT d.seq, d.content_hash, d.title, coalesce(p.assigned, 0) AS assigned,
           coalesce(p.done, 0) AS done, coalesce(p.started, 0) AS started
    FROM documents d LEFT JOIN per p ON p.document = d.content_hash),
page AS (
    SELECT * FROM listed WHERE {where} ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s)
SELECT f.documents, f.not_started, f.in_progress, f.fully_done,
       g.content_hash, g.title, g.assigned, g.done
FROM figures f LEFT JOIN page g ON true
ORDER BY {order}
"""


def _fast(which: DocumentFilter, sort: DocumentSort) -> bool:
    return which is DocumentFilter.ALL and sort is DocumentSort.UPLOAD


def page_statements(which: DocumentFilter, sort: DocumentSort) -> list[str]:
    """The statements one page runs (parameters ``limit`` and ``offset``), for the benchmark's raw baseline."""
    per = _PER_DOCUMENT.strip()
    if _fast(which, sort):
        return [_FIGURES.format(per=per), _UPLOAD_PAGE]
    return [_PAGE.format(per=per, figures=FIGURE_COLUMNS, where=_WHERE[which], order=_ORDER[sort])]


def summary_of(documents: int, not_started: int, in_progress: int, fully_done: int) -> CorpusSummary:
    """The figures from the four numbers :data:`FIGURE_COLUMNS` gives."""
    documents, not_started, in_progress, fully_done = (int(v) for v in (documents, not_started, in_progress, fully_done))
    return CorpusSummary(documents, not_started, in_progress, fully_done, documents - not_started - in_progress - fully_done)


def read_document_page(conn: Any, which: DocumentFilter = DocumentFilter.ALL, sort: DocumentSort = DocumentSort.UPLOAD,
                       offset: int = 0, limit: int = PAGE_SIZE, summary: CorpusSummary | None = None) -> DocumentPage:
    """One page and the corpus figures, read on ``conn`` inside the caller's transaction.

    The caller opens the transaction and calls :func:`begin_lead_read` (REPEATABLE READ, read
    only: the figures, the page and whatever else it reads agree). ``summary``: the figures
    already read in this transaction (the Team window's open reads them with the analysts), so a
    page that does not need every document's counts reads only its own documents.
    """
    which, sort = DocumentFilter(which), DocumentSort(sort)
    params = {"limit": max(1, int(limit)), "offset": max(0, int(offset))}
    statements = page_statements(which, sort)
    if _fast(which, sort):
        if summary is None:
            summary = summary_of(*conn.execute(statements[0]).fetchone())
        rows = [(h, title, int(a), int(d)) for h, title, a, d in conn.execute(statements[1], params)]
    else:
        result = conn.execute(statements[0], params).fetchall()
        summary = summary_of(*result[0][:4])
        rows = [(h, title, int(a), int(d)) for _, _, _, _, h, title, a, d in result if h is not None]
    untitled = [h for h, title, _, _ in rows if not title]
    starts: dict[str, str] = {}
    if untitled:  # the start of the text, for this page's untitled documents only (texts can be long)
        starts = dict(conn.execute(
            "SELECT content_hash, left(text, 60) FROM documents WHERE content_hash = ANY(%s)", (untitled,)
        ).fetchall())
    return DocumentPage(summary, [DocumentRow(h, title or starts.get(h, ""), a, d) for h, title, a, d in rows],
                        which, sort, params["offset"], params["limit"])


def begin_lead_read(conn: Any) -> None:
    """Make the transaction just opened on ``conn`` a consistent read-only snapshot for the lead's views."""
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")


def document_page(url: str, which: DocumentFilter = DocumentFilter.ALL, sort: DocumentSort = DocumentSort.UPLOAD,
                  offset: int = 0, limit: int = PAGE_SIZE) -> DocumentPage:
    """One page of the hub's documents at ``url`` and the corpus figures, in one short read-only transaction."""
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        with conn.transaction():
            begin_lead_read(conn)
            return read_document_page(conn, which, sort, offset, limit)
