"""Merging colleagues' project files: documents by content, layers whole, idempotent, never mixing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store import merge as merge_module
from annotator.store.database import StoreError
from annotator.store.merge import merge_project
from annotator.store.migrations import LATEST_VERSION
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


def project(path: Path, *imports: tuple[Path, str]) -> Path:
    with create_project(path) as store:
        for source, layer in imports:
            assert import_paths(store, [source], layer).ok
    return path


def everything(store: ProjectStore) -> dict:
    """Every layer's annotations (uids included) and statuses, by document text."""
    found = {}
    for layer in store.layers():
        for document in store.documents():
            annotations = store.annotations(layer.id, document.id)  # type: ignore[arg-type]
            status = store.status_times(layer.id, document.id)  # type: ignore[arg-type]
            if annotations or status:
                found[(layer.name, layer.kind, document.content_hash)] = (annotations, store.status(layer.id, document.id), status)  # type: ignore[arg-type]
    return found


@pytest.fixture
def alice_file(tmp_path: Path, data: Path) -> Path:
    return project(tmp_path / "alice.db", (data / "review" / "alice.jsonl", "alice"))


@pytest.fixture
def lead(tmp_path: Path, data: Path) -> ProjectStore:
    store = ProjectStore.open(project(tmp_path / "lead.db", (data / "review" / "bob.jsonl", "bob")))
    yield store
    store.close()


def test_merging_brings_layers_documents_and_tokens_and_twice_adds_nothing(lead: ProjectStore, alice_file: Path) -> None:
    report = merge_project(lead, alice_file)
    assert report.ok and report.layers_added == ["alice"]
    assert (report.documents_added, report.documents_existing) == (1, 3)  # the text only alice annotated
    assert (report.documents_merged, report.spans_added, report.events_added) == (4, 125, 4)
    with ProjectStore.open(alice_file) as theirs:
        expected = everything(theirs)
        short = next(d for d in theirs.documents() if d.text.startswith("Biden met Ghani"))
        their_tokens = theirs.tokens(short.id)  # type: ignore[arg-type]
    merged = everything(lead)
    for key, value in expected.items():
        assert merged[key] == value  # same uids, provenance, statuses and times
    # Tokens travel as stored (none yet: import leaves them to be made when first needed).
    assert lead.tokens(lead.find_document(short.content_hash)) == their_tokens  # type: ignore[arg-type]
    before = everything(lead)
    again = merge_project(lead, alice_file)
    assert again.ok and (again.documents_added, again.documents_merged, again.spans_added) == (0, 0, 0)
    assert again.documents_unchanged == 4 and everything(lead) == before


def test_the_same_work_imported_separately_is_not_a_conflict(lead: ProjectStore, alice_file: Path, tmp_path: Path, data: Path) -> None:
    merge_project(lead, alice_file)
    twin = project(tmp_path / "twin.db", (data / "review" / "alice.jsonl", "alice"))  # other uids, same work
    report = merge_project(lead, twin)
    assert report.ok and report.documents_unchanged == 4 and report.spans_added == 0


def test_different_work_under_the_same_name_is_reported_and_not_merged(lead: ProjectStore, tmp_path: Path, data: Path) -> None:
    # A colleague also calls her layer "bob", with other work in the texts the lead's bob annotated.
    other = project(tmp_path / "other.db", (data / "review" / "alice.jsonl", "bob"))
    before = everything(lead)
    report = merge_project(lead, other)
    assert not report.ok
    assert sorted(c.document_id for c in report.conflicts) == [1, 2]  # the two seed articles differ; the rest merged
    conflict = report.conflicts[0]
    assert conflict.layer == "bob" and "already holds different work" in str(conflict)
    assert "layer 'bob', document 1 ('Pentagon spokesman John Kirby" in str(conflict)
    for key, value in before.items():
        assert everything(lead)[key] == value  # nothing of the lead's bob was touched
    assert report.documents_merged == 1  # the text only the colleague had: new to the lead's bob


def test_a_layer_of_another_kind_is_not_merged(lead: ProjectStore, tmp_path: Path) -> None:
    path = tmp_path / "suggested.db"
    with create_project(path) as other:
        doc = other.add_document(Document("Biden met Ghani."), None)
        layer = other.ensure_layer("bob", LayerKind.SUGGESTIONS)
        other.add_annotations(layer.id, doc, AnnotationSet((SpanAnnotation(Span(0, 5, "PERSON")),)))  # type: ignore[arg-type]
    report = merge_project(lead, path)
    assert [str(c) for c in report.conflicts] == [
        "layer 'bob': it holds suggestions there but annotator here; the layer was not merged"
    ]
    assert report.documents_added == 1 and lead.stats()["layers"]["bob"]["spans"] == 106


def test_annotations_already_here_under_another_layer_are_not_duplicated(lead: ProjectStore, tmp_path: Path) -> None:
    bob = lead.layer("bob")
    doc = lead.document_ids()[0]
    taken = lead.annotations(bob.id, doc).spans[0]  # type: ignore[union-attr]
    path = tmp_path / "copy.db"
    with create_project(path) as other:
        other_doc = other.add_document(lead.document(doc), lead.tokens(doc))
        layer = other.ensure_layer("carol", LayerKind.ANNOTATOR)
        other.add_annotations(layer.id, other_doc, AnnotationSet((taken,)))  # type: ignore[arg-type]
    report = merge_project(lead, path)
    assert len(report.conflicts) == 1 and "already in layer 'bob'" in str(report.conflicts[0])
    assert lead.stats()["layers"]["carol"]["spans"] == 0


def test_one_transaction_per_file(lead: ProjectStore, alice_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (lead.count_documents(), everything(lead))

    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(merge_module._Labels, "extend_schema", broken)
    with pytest.raises(RuntimeError):
        merge_project(lead, alice_file)
    assert (lead.count_documents(), everything(lead)) == before


def test_bad_files_are_refused_with_a_clear_message(lead: ProjectStore, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just notes")
    with pytest.raises(StoreError, match="notes.txt is not an annotator project"):
        merge_project(lead, text)
    with pytest.raises(StoreError, match="no such project file"):
        merge_project(lead, tmp_path / "missing.db")
    with pytest.raises(StoreError, match="is this project itself"):
        merge_project(lead, lead.path)  # type: ignore[arg-type]
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match="is not an annotator project"):
        merge_project(lead, other)


@pytest.mark.skipif(LATEST_VERSION < 2, reason="needs a file format older than the current one")
def test_an_older_file_is_merged_without_being_changed(lead: ProjectStore, tmp_path: Path) -> None:
    from annotator.store.database import connect
    from annotator.store.migrations import migrate

    path = tmp_path / "old.db"
    db = connect(path)
    migrate(db, target=1)
    db.execute(
        "INSERT INTO documents (content_hash, text, title, length, imported_at) VALUES (?, ?, ?, ?, ?)",
        (Document("Old news.").content_hash, "Old news.", "Old news.", 9, "2024-01-01T00:00:00Z"),
    )
    db.execute("INSERT INTO layers (name, kind, created_at) VALUES ('dora', 'annotator', '2024-01-01T00:00:00Z')")
    db.execute(
        "INSERT INTO spans (uid, layer_id, document_id, start_char, end_char, label, origin, decision, created_at, updated_at) "
        "VALUES ('feedc0de', 1, 1, 0, 3, 'ORG', 'manual', 'accepted', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"
    )
    db.conn.commit()
    db.close()
    report = merge_project(lead, path)
    assert report.ok and report.spans_added == 1 and report.layers_added == ["dora"]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1


def test_the_command_reports_and_fails_on_conflicts(tmp_path: Path, data: Path, alice_file: Path) -> None:
    db = str(project(tmp_path / "lead2.db", (data / "review" / "bob.jsonl", "bob")))
    runner = CliRunner()
    first = runner.invoke(main, ["--db", db, "merge", str(alice_file)])
    assert first.exit_code == 0, first.output
    assert "1 new document(s) (3 already here), 125 span(s), 4 event(s) and 0 relation(s) in 4 layer document(s) merged" in first.stdout
    assert "new layer(s): alice" in first.stdout
    again = runner.invoke(main, ["--db", db, "merge", str(alice_file)])
    assert again.exit_code == 0 and "0 span(s), 0 event(s) and 0 relation(s) in 0 layer document(s) merged, 4 already identical" in again.stdout
    clash = project(tmp_path / "clash.db", (data / "review" / "bob.jsonl", "alice"))
    result = runner.invoke(main, ["--db", db, "merge", str(clash), str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert "conflict(s) in" in result.stderr and "layer 'alice', document 1" in result.stderr
    assert "Not merged: " in result.stderr and "nope.db: no such project file" in result.stderr
    assert "Traceback" not in result.output
    stats = json.loads(runner.invoke(main, ["--db", db, "stats", "--format", "json"]).stdout)
    assert stats["layers"]["alice"]["spans"] == 125


def test_work_compared_for_a_conflict_may_fill_one_role_with_a_span_and_with_an_event() -> None:
    # brat allows a role to repeat, filled once by an entity and once by another event; comparing
    # two layers' work on a document must not fail on it (it raised TypeError: int < str).
    from annotator.model.annotations import Argument, Event

    inner = Event(Span(20, 27, "Arrest"), (Argument("Person", Span(0, 4, "PER")),))

    def work(label: str) -> AnnotationSet:
        outer = Event(
            Span(8, 14, "Report"),
            (Argument("Theme", Span(0, 4, "PER")), Argument("Theme", event_uid=inner.uid)),
        )
        twin = Event(Span(8, 14, "Report"), (Argument("Theme", event_uid=inner.uid), Argument("Theme", Span(30, 35, label))))
        return AnnotationSet((SpanAnnotation(Span(0, 4, "PER")),), (inner, outer, twin))

    assert merge_module._content(work("LOC")) == merge_module._content(work("LOC"))
    assert merge_module._content(work("LOC")) != merge_module._content(work("ORG"))
