"""Two analysts and a reviewer syncing through one real hub."""

from __future__ import annotations

from pathlib import Path

from helpers import annotate, hub_spans, lead_project, spans_of

from annotator.hub.admin import assign, connect_project, push_corpus
from annotator.hub.sync import sync_project
from annotator.model.layer import DocStatus
from annotator.store import hub_local, hub_pull
from annotator.store.project import ProjectStore


def _setup(hub, tmp_path: Path) -> None:
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        assert push_corpus(lead, hub.url("lead1")) == 12
    assign(hub.url("lead1"), 2, ["ann1", "ann2"])


def test_two_analysts_and_a_reviewer_share_their_work(hub, tmp_path: Path) -> None:
    _setup(hub, tmp_path)
    with ProjectStore.open(tmp_path / "ann1.db") as one, ProjectStore.open(tmp_path / "ann2.db") as two:
        connect_project(one, hub.url("ann1"))
        connect_project(two, hub.url("ann2"))
        sync_project(one)
        sync_project(two)
        assert one.count_documents() == 12 and one.schema() is not None
        assert len(hub_pull.my_queue(one, "ann1")) == 12
        first = one.document_ids()[0]
        a = annotate(one, "ann1", first, 0, 7, "ORG")
        b = annotate(two, "ann2", two.find_document(one.document(first).content_hash), 0, 7, "PERSON")  # type: ignore[arg-type]
        one.set_status(one.layer("ann1").id, first, DocStatus.DONE)  # type: ignore[union-attr]
        assert hub_local.pending_count(one) == 2
        report = sync_project(one)
        assert report.pushed == 2
        sync_project(two)
        assert hub_local.pending_count(one) == hub_local.pending_count(two) == 0
        with hub.admin() as conn:
            assert set(hub_spans(conn, "ann1")) == {a.uid}
            assert set(hub_spans(conn, "ann2")) == {b.uid}
        sync_project(one)  # ann1 now sees ann2's layer too
        assert set(spans_of(one, "ann2")) == {b.uid}
        assert len(hub_pull.my_queue(one, "ann1")) == 11  # the done one left the queue
        # Syncing again with nothing new moves nothing.
        again = sync_project(one)
        assert (again.pushed, again.pulled) == (0, 0)
    with ProjectStore.open(tmp_path / "rev1.db") as reviewer:
        connect_project(reviewer, hub.url("rev1"))
        sync_project(reviewer)
        assert set(spans_of(reviewer, "ann1")) == {a.uid}
        assert set(spans_of(reviewer, "ann2")) == {b.uid}
        assert reviewer.status(reviewer.layer("ann1").id, reviewer.find_document(one_hash := spans_of(reviewer, "ann1")[a.uid][0])) is DocStatus.DONE  # type: ignore[union-attr,arg-type]
        assert one_hash


def test_deletions_relabels_and_events_reach_the_others(hub, tmp_path: Path) -> None:
    from dataclasses import replace

    from click.testing import CliRunner
    from helpers import relabel

    from annotator.cli import main
    from annotator.model.annotations import Argument, Event, Span
    from annotator.model.changes import Change

    _setup(hub, tmp_path)
    with ProjectStore.open(tmp_path / "ann1.db") as one, ProjectStore.open(tmp_path / "ann2.db") as two:
        connect_project(one, hub.url("ann1"))
        connect_project(two, hub.url("ann2"))
        sync_project(one)
        document = one.document_ids()[0]
        layer = one.layer("ann1")
        keep = annotate(one, "ann1", document, 0, 7, "ORG")
        gone = annotate(one, "ann1", document, 12, 20, "GPE")
        event = Event(Span(30, 33, "Contact:Meet"), (Argument("Entity", Span(12, 20, "GPE")), Argument("Place", Span(0, 7, "ORG"))))
        one.apply(layer.id, document, [Change(None, event)])  # type: ignore[union-attr]
        sync_project(one)
        sync_project(two)
        assert set(spans_of(two, "ann1")) == {keep.uid, gone.uid}
        other = two.find_document(one.document(document).content_hash)
        events = two.annotations(two.layer("ann1").id, other).events  # type: ignore[union-attr,arg-type]
        assert [(e.uid, e.arguments) for e in events] == [(event.uid, event.arguments)]
        with hub.admin() as conn:
            assert conn.execute(
                "SELECT role, start_char, end_char, label FROM event_arguments WHERE event_uid = %s ORDER BY position",
                (event.uid,),
            ).fetchall() == [("Entity", 12, 20, "GPE"), ("Place", 0, 7, "ORG")]
        # Delete one span, relabel the other, drop an argument: the other side follows.
        one.apply(layer.id, document, [Change(gone, None)])  # type: ignore[union-attr]
        relabel(one, "ann1", document, keep.uid, "PERSON")
        one.apply(layer.id, document, [Change(event, replace(event, arguments=event.arguments[:1]))])  # type: ignore[union-attr]
        sync_project(one)
        sync_project(two)
        assert {uid: v[3] for uid, v in spans_of(two, "ann1").items()} == {keep.uid: "PERSON"}
        events = two.annotations(two.layer("ann1").id, other).events  # type: ignore[union-attr,arg-type]
        assert [len(e.arguments) for e in events] == [1]
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "lead.db"), "hub", "progress"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:]}
    assert lines["ann1"] == ["12", "0", "2"] and lines["ann2"] == ["12", "0", "0"]


def test_relations_and_equivalences_reach_the_others(hub, tmp_path: Path) -> None:
    from annotator.model.changes import Change
    from annotator.model.relations import Relation, RelationEnd

    _setup(hub, tmp_path)
    with ProjectStore.open(tmp_path / "ann1.db") as one, ProjectStore.open(tmp_path / "rev1.db") as reviewer:
        connect_project(one, hub.url("ann1"))
        connect_project(reviewer, hub.url("rev1"))
        sync_project(one)
        first = one.document_ids()[0]
        head = annotate(one, "ann1", first, 0, 7, "ORG")
        child = annotate(one, "ann1", first, 8, 12, "GPE")
        layer_id = one.layer("ann1").id  # type: ignore[union-attr]
        located = Relation("Located", (RelationEnd(head.span), RelationEnd(child.span)))
        same = Relation("Equiv", (RelationEnd(head.span), RelationEnd(child.span)), symmetric=True)
        one.apply(layer_id, first, [Change(None, located), Change(None, same)])  # type: ignore[arg-type]
        sync_project(one)
        sync_project(reviewer)
        theirs = reviewer.annotations(
            reviewer.layer("ann1").id,  # type: ignore[union-attr,arg-type]
            reviewer.find_document(one.document(first).content_hash),  # type: ignore[arg-type]
        )
        assert {(r.uid, r.type, r.symmetric, r.ends) for r in theirs.relations} == {
            (located.uid, "Located", False, located.ends),
            (same.uid, "Equiv", True, same.ends),
        }
        # A deleted relation goes away on the other side too.
        one.apply(layer_id, first, [Change(located, None)])  # type: ignore[arg-type]
        sync_project(one)
        sync_project(reviewer)
        theirs = reviewer.annotations(
            reviewer.layer("ann1").id,  # type: ignore[union-attr,arg-type]
            reviewer.find_document(one.document(first).content_hash),  # type: ignore[arg-type]
        )
        assert [r.uid for r in theirs.relations] == [same.uid]


def test_own_push_is_no_news_and_a_late_assignment_brings_older_work(hub, tmp_path: Path) -> None:
    """After a push with nothing new from the team the pull stops at its first query (its own rows
    are not news); a document assigned later arrives with the colleague's older annotations in
    the same (pipelined) pull."""
    from annotator.hub.pull import _news
    from annotator.hub.sync import Hub

    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    assign(hub.url("lead1"), 1, ["ann1"])
    with ProjectStore.open(tmp_path / "ann1.db") as one, ProjectStore.open(tmp_path / "ann2.db") as two:
        connect_project(one, hub.url("ann1"))
        sync_project(one)
        first = one.document_ids()[0]
        older = annotate(one, "ann1", first, 0, 7, "ORG")
        connection = Hub(hub.url("ann1"))
        try:
            from annotator.hub.sync import SyncReport, push

            report = SyncReport()
            push(connection, one, report)
            assert report.pushed == 2
            link = hub_local.get_link(one)
            assert _news(connection.conn, link.pulled_seq, link.client_id)[1] == 0  # type: ignore[union-attr]
        finally:
            connection.close()
        connect_project(two, hub.url("ann2"))
        sync_project(two)
        assert two.count_documents() == 0
        with hub.admin() as conn:  # the lead gives ann2 the document ann1 already annotated
            conn.execute("INSERT INTO assignments (document, analyst) VALUES (%s, 'ann2')",
                         (one.document(first).content_hash,))
        report = sync_project(two)
        assert two.count_documents() == 1
        assert set(spans_of(two, "ann1")) == {older.uid}
        assert report.pulled >= 3  # the document, its assignment, the span (and ann1's status)
