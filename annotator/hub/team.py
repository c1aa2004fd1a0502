"""The team's progress as the hub knows it, for the lead's Team window (and anyone who may read it).

Per analyst: documents assigned now, how many of those they marked done, are working on (in
progress) or have not started (no status yet, or "new"); when they last sent changes (the
``clients`` row their project updates on every push: a pull writes nothing on the hub, so a
project that only pulls is not seen) and their last change on the hub (their layer's newest
status or annotation). Per document: how many analysts hold it now and how many of them are done.

Every figure comes from one read-only transaction, so the two tables agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from annotator.hub.connection import connect
from annotator.hub.schema import check_version


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
class DocumentRow:
    document: str
    """The document's content hash (its identity on the hub)."""
    title: str
    """Its title, or the start of its text when it has none."""
    assigned: int
    done: int


@dataclass(frozen=True)
class TeamProgress:
    analysts: list[AnalystRow]
    documents: list[DocumentRow]

    @property
    def fully_done(self) -> int:
        """Documents every analyst holding them has finished (and that someone holds)."""
        return sum(1 for d in self.documents if d.assigned and d.done == d.assigned)


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

# Every document, assigned or not, so a lead sees what nobody holds yet; in upload order.
_DOCUMENTS = """
SELECT d.content_hash, CASE WHEN d.title <> '' THEN d.title ELSE left(d.text, 60) END,
       count(a.analyst),
       count(a.analyst) FILTER (WHERE s.status = 'done')
FROM documents d
LEFT JOIN assignments a ON a.document = d.content_hash AND a.active
LEFT JOIN statuses s ON s.layer = a.analyst AND s.document = a.document
GROUP BY d.content_hash, d.title, d.seq
ORDER BY d.seq, d.content_hash
"""


def team_progress(url: str) -> TeamProgress:
    """Read the team's progress from the hub at ``url`` (any member may read it)."""
    with connect(url, autocommit=True) as conn:
        check_version(conn)
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            analysts = [AnalystRow(*row) for row in conn.execute(_ANALYSTS)]
            documents = [DocumentRow(*row) for row in conn.execute(_DOCUMENTS)]
    return TeamProgress(analysts, documents)
