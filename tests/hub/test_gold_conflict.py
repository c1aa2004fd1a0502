"""Two reviewers deciding the same gold item: optimistic versions refuse the second decision."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from helpers import annotate, hub_spans, lead_project, relabel, spans_of

from annotator.cli import main
from annotator.hub.admin import connect_project, push_corpus
from annotator.hub.sync import sync_project
from annotator.store import hub_local
from annotator.store.project import ProjectStore


def test_the_second_reviewer_is_refused_and_reloaded(hub, tmp_path: Path) -> None:
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    with ProjectStore.open(tmp_path / "rev1.db") as one, ProjectStore.open(tmp_path / "rev2.db") as two:
        connect_project(one, hub.url("rev1"))
        connect_project(two, hub.url("rev2"))
        sync_project(one)
        document = one.document_ids()[0]
        span = annotate(one, "gold", document, 0, 7, "ORG")
        sync_project(one)
        sync_project(two)
        other = two.find_document(one.document(document).content_hash)
        assert spans_of(two, "gold")[span.uid][3] == "ORG"
        relabel(one, "gold", document, span.uid, "PERSON")
        relabel(two, "gold", other, span.uid, "GPE")  # type: ignore[arg-type]
        assert sync_project(one).conflicts == []
        report = sync_project(two)
        assert len(report.conflicts) == 1
        assert "changed on the hub by rev1" in report.conflicts[0] and "not saved" in report.conflicts[0]
        # The refused decision is gone locally; the hub's current state was loaded instead.
        assert spans_of(two, "gold")[span.uid][3] == "PERSON"
        assert hub_local.pending_count(two) == 0
        with hub.admin() as conn:
            assert hub_spans(conn, "gold")[span.uid][3] == "PERSON"
            assert conn.execute("SELECT version, changed_by FROM spans WHERE uid = %s", (span.uid,)).fetchone() == (2, "rev1")
        # Deciding again on the reloaded state goes through.
        relabel(two, "gold", other, span.uid, "GPE")  # type: ignore[arg-type]
        assert sync_project(two).conflicts == []
        with hub.admin() as conn:
            assert hub_spans(conn, "gold")[span.uid][3] == "GPE"


def test_the_command_line_shows_the_refusal(hub, tmp_path: Path) -> None:
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    with ProjectStore.open(tmp_path / "rev1.db") as one, ProjectStore.open(tmp_path / "rev2.db") as two:
        connect_project(one, hub.url("rev1"))
        connect_project(two, hub.url("rev2"))
        sync_project(one)
        document = one.document_ids()[0]
        span = annotate(one, "gold", document, 0, 7, "ORG")
        sync_project(one)
        sync_project(two)
        relabel(one, "gold", document, span.uid, "PERSON")
        relabel(two, "gold", two.find_document(one.document(document).content_hash), span.uid, "GPE")  # type: ignore[arg-type]
        sync_project(one)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "rev2.db"), "sync"])
    assert result.exit_code == 1
    assert "changed on the hub by rev1" in result.output
