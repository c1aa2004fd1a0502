"""The lead's document view read page by page from a real hub: each state, each order, the figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lead_project

from annotator.hub.admin import assign, connect_project, push_corpus
from annotator.hub.team import team_progress
from annotator.hub.team_documents import CorpusSummary, DocumentFilter, DocumentSort, document_page

# Document i (upload order) -> what its holders have done; every document starts held by 2 of 3.
#  0: both done                   -> fully done
#  1: one done, one nothing       -> in progress
#  2: one in progress             -> in progress
#  3: one "new" status            -> not started
#  4: both assignments withdrawn  -> held by nobody (a done status left behind does not count)
#  5: one withdrawn (done), the other holder in progress -> in progress
#  6: one withdrawn (in progress), the other holder done  -> fully done
#  7-10: nothing                  -> not started
# 11: both withdrawn             -> held by nobody
EXPECTED = {
    DocumentFilter.FULLY_DONE: [0, 6],
    DocumentFilter.IN_PROGRESS: [1, 2, 5],
    DocumentFilter.NOT_STARTED: [3, 7, 8, 9, 10],
    DocumentFilter.UNASSIGNED: [4, 11],
    DocumentFilter.ALL: list(range(12)),
}


def _holders(conn, document: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT analyst FROM assignments WHERE document = %s ORDER BY analyst", (document,))]


def _set(conn, analyst: str, document: str, status: str) -> None:
    conn.execute(
        "INSERT INTO statuses (layer, document, status, created_at, updated_at) VALUES (%s, %s, %s, 'x', 'x')",
        (analyst, document, status),
    )


def _withdraw(conn, analyst: str, document: str) -> None:
    conn.execute("UPDATE assignments SET active = false WHERE analyst = %s AND document = %s", (analyst, document))


@pytest.fixture
def team_hub(hub, tmp_path: Path) -> tuple[object, list[str]]:
    """The hub with the 12 documents above; returns it and the documents' hashes in upload order."""
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    assign(hub.url("lead1"), 2, ["ann1", "ann2", "ann3"])
    with hub.admin() as conn:
        docs = [r[0] for r in conn.execute("SELECT content_hash FROM documents ORDER BY seq, content_hash")]
        assert len(docs) == 12
        h = {i: _holders(conn, d) for i, d in enumerate(docs)}
        _set(conn, h[0][0], docs[0], "done"); _set(conn, h[0][1], docs[0], "done")  # noqa: E702
        _set(conn, h[1][0], docs[1], "done")
        _set(conn, h[2][1], docs[2], "in_progress")
        _set(conn, h[3][0], docs[3], "new")
        _set(conn, h[4][0], docs[4], "done"); _withdraw(conn, h[4][0], docs[4]); _withdraw(conn, h[4][1], docs[4])  # noqa: E702
        _set(conn, h[5][0], docs[5], "done"); _withdraw(conn, h[5][0], docs[5])  # noqa: E702
        _set(conn, h[5][1], docs[5], "in_progress")
        _set(conn, h[6][0], docs[6], "in_progress"); _withdraw(conn, h[6][0], docs[6])  # noqa: E702
        _set(conn, h[6][1], docs[6], "done")
        _withdraw(conn, h[11][0], docs[11]); _withdraw(conn, h[11][1], docs[11])  # noqa: E702
        # Titles for the title order, as if uploaded so (an update would move a document's change
        # number, hence its place in upload order: the stamping trigger is off for this session);
        # the rest have none and are shown by their text's start.
        conn.execute("SET session_replication_role = replica")
        titles = {9: "Alpha report", 2: "Beta report", 5: "Gamma report"}
        for i, document in enumerate(docs):
            conn.execute("UPDATE documents SET title = %s WHERE content_hash = %s", (titles.get(i, ""), document))
    return hub, docs


def _indices(page, docs: list[str]) -> list[int]:
    return [docs.index(r.document) for r in page.rows]


def test_each_state_lists_exactly_its_documents_with_the_figures(team_hub) -> None:
    hub, docs = team_hub
    url = hub.url("lead1")
    figures = CorpusSummary(documents=12, not_started=5, in_progress=3, fully_done=2, unassigned=2)
    for which, expected in EXPECTED.items():
        page = document_page(url, which, DocumentSort.UPLOAD)
        assert _indices(page, docs) == expected, which
        assert page.summary == figures
        assert page.total == len(expected) and not page.has_next and not page.has_previous
        assert sum(figures.count(w) for w in EXPECTED if w is not DocumentFilter.ALL) == figures.documents
    rows = {docs.index(r.document): r for r in document_page(url).rows}
    assert (rows[0].assigned, rows[0].done) == (2, 2)
    assert (rows[4].assigned, rows[4].done) == (0, 0)  # a withdrawn holder's done is not counted
    assert (rows[5].assigned, rows[5].done) == (1, 0)
    assert (rows[6].assigned, rows[6].done) == (1, 1)
    assert rows[2].title == "Beta report" and rows[0].title.startswith("Article 0: Officials in City0")
    # The same figures and first page as the Team window opens with, beside the analysts.
    team = team_progress(url)
    assert team.summary == figures and [r.document for r in team.documents] == docs
    assert team.fully_done == 2


def test_pages_and_orders(team_hub) -> None:
    hub, docs = team_hub
    url = hub.url("lead1")
    first, second, third = (document_page(url, DocumentFilter.ALL, DocumentSort.UPLOAD, offset, 5) for offset in (0, 5, 10))
    assert [_indices(p, docs) for p in (first, second, third)] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    assert first.has_next and not first.has_previous and second.has_next and third.has_previous and not third.has_next
    beyond = document_page(url, DocumentFilter.NOT_STARTED, DocumentSort.UPLOAD, 10, 5)
    assert beyond.rows == [] and beyond.total == 5 and beyond.summary.documents == 12  # figures even past the end
    # A filtered page of a filtered list (the general statement, not the upload-order shortcut).
    assert _indices(document_page(url, DocumentFilter.NOT_STARTED, DocumentSort.TITLE, 1, 2), docs) == [3, 7]
    # Titles first (in order), then the untitled in upload order.
    by_title = document_page(url, DocumentFilter.ALL, DocumentSort.TITLE)
    assert _indices(by_title, docs) == [9, 2, 5, 0, 1, 3, 4, 6, 7, 8, 10, 11]
    # Least done first: 0/2 and 0/1 (upload order), 1/2, then 1/1 and 2/2; nobody's documents last.
    by_ratio = document_page(url, DocumentFilter.ALL, DocumentSort.DONE_RATIO)
    assert _indices(by_ratio, docs) == [2, 3, 5, 7, 8, 9, 10, 1, 0, 6, 4, 11]
    assert _indices(document_page(url, DocumentFilter.IN_PROGRESS, DocumentSort.DONE_RATIO), docs) == [2, 5, 1]
    # Every page of a state, put together, is that state's list, whatever the order.
    for which in EXPECTED:
        for order in DocumentSort:
            seen = []
            offset = 0
            while True:
                page = document_page(url, which, order, offset, 2)
                seen += _indices(page, docs)
                if not page.has_next:
                    break
                offset += 2
            assert sorted(seen) == EXPECTED[which], (which, order)
