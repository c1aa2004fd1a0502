"""Assignment: each document to K distinct analysts, balanced; abandoned work handed on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import lead_project

from annotator.cli import main
from annotator.hub.admin import assign, connect_project, plan, push_corpus
from annotator.hub.connection import HubError


def _active(hub) -> dict[str, set[str]]:
    held: dict[str, set[str]] = {}
    with hub.admin() as conn:
        for document, analyst in conn.execute("SELECT document, analyst FROM assignments WHERE active"):
            held.setdefault(document, set()).add(analyst)
    return held


@pytest.fixture
def corpus(hub, tmp_path: Path):
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    return hub


def test_every_document_gets_k_distinct_analysts_balanced(corpus, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "lead.db"), "hub", "assign", "--per-document", "2", "--annotators", "ann1,ann2,ann3"]
    )
    assert result.exit_code == 0, result.output
    held = _active(corpus)
    assert len(held) == 12 and all(len(analysts) == 2 for analysts in held.values())
    assert Counter(a for analysts in held.values() for a in analysts) == {"ann1": 8, "ann2": 8, "ann3": 8}
    # Running it again adds nothing; asking for three adds exactly one analyst per document.
    assert assign(corpus.url("lead1"), 2, ["ann1", "ann2", "ann3"]).assigned == 0
    assert assign(corpus.url("lead1"), 3, ["ann1", "ann2", "ann3"]).assigned == 12
    assert all(len(a) == 3 for a in _active(corpus).values())


def test_more_analysts_per_document_than_analysts_is_refused(corpus) -> None:
    with pytest.raises(HubError, match="only 2 are available"):
        assign(corpus.url("lead1"), 3, ["ann1", "ann2"])


def test_only_a_lead_may_assign(corpus) -> None:
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        assign(corpus.url("ann1"), 1, ["ann1"])


def test_abandoned_work_goes_to_someone_else(corpus) -> None:
    assign(corpus.url("lead1"), 1, ["ann1", "ann2"])
    with corpus.admin() as conn:
        mine = [r[0] for r in conn.execute("SELECT document FROM assignments WHERE analyst = 'ann1' ORDER BY document")]
        # ann1 finished one document; everything was assigned ten days ago (the stamp trigger would say now).
        conn.execute(
            "INSERT INTO statuses (layer, document, status, created_at, updated_at) VALUES ('ann1', %s, 'done', 'x', 'x')",
            (mine[0],),
        )
        conn.execute("ALTER TABLE assignments DISABLE TRIGGER assignments_stamp")
        conn.execute("UPDATE assignments SET changed_at = now() - interval '10 days'")
        conn.execute("ALTER TABLE assignments ENABLE TRIGGER assignments_stamp")
    report = assign(corpus.url("lead1"), 1, ["ann1", "ann2", "ann3"], reassign_after_days=7)
    assert report.reassigned == 11  # every unfinished one, of both analysts
    held = _active(corpus)
    assert all(len(a) == 1 for a in held.values())
    assert held[mine[0]] == {"ann1"}
    for document in mine[1:]:
        assert held[document] != {"ann1"}  # nobody gets back what they abandoned


def test_plan_is_balanced_whatever_was_held_before() -> None:
    documents = [f"d{i}" for i in range(10)]
    current = {"d0": {"a"}, "d1": {"a"}, "d2": {"a"}}
    pairs = plan(documents, current, ["a", "b", "c"], 2, {"a": 3})
    load = Counter({"a": 3})
    load.update(analyst for _, analyst in pairs)
    assert max(load.values()) - min(load.values()) <= 1
    per_document = Counter(document for document, _ in pairs)
    assert all(per_document[d] + len(current.get(d, ())) == 2 for d in documents)
    assert len(set(pairs)) == len(pairs) and not any(d in current and a in current[d] for d, a in pairs)


def test_a_rerun_assigns_only_the_documents_added_since(hub, tmp_path: Path) -> None:
    from helpers import TEXTS

    with lead_project(tmp_path / "lead.db", TEXTS[:6]) as lead:
        push_corpus(lead, hub.url("lead1"))
    assign(hub.url("lead1"), 1, ["ann1", "ann2"])
    before = _active(hub)
    with lead_project(tmp_path / "more.db", TEXTS[6:]) as more:
        push_corpus(more, hub.url("lead1"))
    report = assign(hub.url("lead1"), 1, ["ann1", "ann2", "ann3"])
    assert (report.assigned, report.documents) == (6, 12)
    after = _active(hub)
    assert all(after[d] == before[d] for d in before)  # nothing already held moves
    # The newcomer takes the most of the new work: loads end 3/3 + new, within one of each other.
    load = Counter(a for analysts in after.values() for a in analysts)
    assert sum(load.values()) == 12 and max(load.values()) - min(load.values()) <= 1
