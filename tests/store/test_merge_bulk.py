"""The set-based merge against a straightforward one: every document read as objects, compared
and written back one at a time (what merging did before it moved to ``INSERT ... SELECT``), on
real sample files with relations, nested events, rejected and pending annotations, non-BMP text,
records, statuses and every kind of conflict. Both must leave the same project and report."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest

from annotator.formats.importer import import_paths
from annotator.model.annotations import (
    AnnotationSet, Argument, Decision, Event, Origin, Provenance, Span, SpanAnnotation,
)
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.model.relations import Relation, RelationEnd
from annotator.store import rows
from annotator.store.layer_reads import contained_documents
from annotator.store.merge import MergeConflict, MergeReport, merge_project, open_read_only
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project

EMOJI_TEXT = "Zoë 🙂 met Ann 𝔸 in Paris 🇫🇷 on Monday.\nThen 🙂 left."


# -- the straightforward merge ----------------------------------------------------------------

def _content(annotations: AnnotationSet) -> tuple:
    by_uid = {e.uid: e for e in annotations.events}

    def filler(argument: Argument) -> tuple:
        if argument.span is not None:
            return (argument.role, argument.span.start, argument.span.end, argument.span.label)
        target = by_uid.get(argument.event_uid or "")
        return (argument.role, "event") + ((target.trigger.start, target.trigger.end, target.type) if target else ())

    spans = sorted(
        (a.start, a.end, a.label, a.provenance.decision.value, a.fragments, rows.dumps(dict(a.attributes)), a.note)
        for a in annotations.spans
    )
    events = sorted(
        (e.trigger.start, e.trigger.end, e.type, e.provenance.decision.value, sorted(map(filler, e.arguments), key=repr))
        for e in annotations.events
    )
    relations = sorted(
        repr((r.symmetric, r.type, r.provenance.decision.value, [
            (e.span.start, e.span.end, e.span.label) if e.span is not None
            else ("event",) + ((by_uid[e.event_uid].trigger.start, by_uid[e.event_uid].type) if e.event_uid in by_uid else ())
            for e in r.ends
        ]))
        for r in annotations.relations
    )
    return (repr(spans), repr(events), repr(relations))


def reference_merge(store: ProjectStore, path: Path) -> MergeReport:
    report = MergeReport(str(path))
    entities: set[str] = set()
    roles: dict[str, dict[str, set[str]]] = {}
    relation_types: dict[str, tuple[set[str], set[str], bool]] = {}
    with open_read_only(path) as other, store.transaction():
        mapping = {}
        for document in other.documents():
            found = store.find_document(document.content_hash)
            if found is None:
                found = store.add_document(document, other.tokens(document.id))  # type: ignore[arg-type]
                report.documents_added += 1
            else:
                report.documents_existing += 1
            mapping[document.id] = found
        for theirs in other.layers():
            ours = store.layer(theirs.name)
            if ours is not None and ours.kind is not theirs.kind:
                report.conflicts.append(MergeConflict(
                    theirs.name, None, "", f"it holds {theirs.kind.value} there but {ours.kind.value} here; the layer was not merged"
                ))
                continue
            held = contained_documents(store, ours.id) if ours is not None else set()  # type: ignore[arg-type]
            if ours is None:
                ours = store.ensure_layer(theirs.name, theirs.kind, dict(theirs.info))
                report.layers_added.append(theirs.name)
            statuses = {d: r for d, *r in other._db.execute(
                "SELECT document_id, status, created_at, updated_at FROM document_status WHERE layer_id = ?", (theirs.id,)
            )}
            for doc in sorted(contained_documents(other, theirs.id)):  # type: ignore[arg-type]
                here, annotations = mapping[doc], other.annotations(theirs.id, doc)  # type: ignore[arg-type]
                title = store.document(here).title

                def refuse(reason: str) -> None:
                    report.conflicts.append(MergeConflict(theirs.name, here, title, reason))

                if here in held:
                    if _content(store.annotations(ours.id, here)) == _content(annotations):  # type: ignore[arg-type]
                        report.documents_unchanged += 1
                    else:
                        refuse("this project's layer already holds different work for this document; theirs was not merged")
                    continue
                clash = next((
                    (table, found) for table, items in (
                        ("spans", annotations.spans), ("events", annotations.events), ("relations", annotations.relations)
                    ) for item in items
                    for found in [store._db.execute(
                        f"SELECT l.name, t.document_id FROM {table} t JOIN layers l ON l.id = t.layer_id WHERE t.uid = ?", (item.uid,)
                    ).fetchone()] if found
                ), None)
                if clash:
                    refuse(f"annotations with the same identity are already in layer {clash[1][0]!r}, document {clash[1][1]} "
                           "here (was this work merged under another name?); not merged")
                    continue
                try:
                    with store.transaction():
                        store.add_annotations(ours.id, here, annotations)  # type: ignore[arg-type]
                        if other.records(theirs.id, doc):  # type: ignore[arg-type]
                            store.set_records(ours.id, here, other.records(theirs.id, doc))  # type: ignore[arg-type]
                        if doc in statuses:
                            store.set_status(ours.id, here, *statuses[doc])  # type: ignore[arg-type]
                except sqlite3.IntegrityError as error:
                    refuse(f"its annotations clash with this project's ({error})")
                    continue
                report.documents_merged += 1
                report.spans_added += len(annotations.spans)
                report.events_added += len(annotations.events)
                report.relations_added += len(annotations.relations)
                entities.update(a.label for a in annotations.spans)
                for event in annotations.events:
                    by_role = roles.setdefault(event.type, {})
                    for argument in event.arguments:
                        fillers = by_role.setdefault(argument.role, set())
                        if argument.span is not None:
                            fillers.add(argument.span.label)
                for relation in annotations.relations:
                    heads, children, _ = relation_types.setdefault(relation.type, (set(), set(), relation.symmetric))
                    labels = [e.span.label if e.span is not None else "<EVENT>" for e in relation.ends]
                    heads.update(labels if relation.symmetric else labels[:1])
                    children.update(labels if relation.symmetric else labels[1:])
        schema = store.schema()
        if schema is not None and (entities or roles or relation_types):
            extended, added = schema.with_labels(entities, roles)
            extended, more = extended.with_relations(relation_types)
            if extended != schema:
                store.set_schema(extended)
                report.schema_added = added + more
    return report


# -- what a project holds -----------------------------------------------------------------------

def snapshot(store: ProjectStore) -> dict:
    """Everything but the times a merge stamps (a new document's import time, a layer's creation)."""
    documents = {
        d.content_hash: (d.text, d.title, d.date, d.source, dict(d.extra), store.tokens(d.id))  # type: ignore[arg-type]
        for d in store.documents()
    }
    hashes = {d.id: d.content_hash for d in store.documents()}
    layers = {}
    for layer in store.layers():
        per_document = {}
        for doc, content_hash in hashes.items():
            annotations = store.annotations(layer.id, doc)  # type: ignore[arg-type]
            status = store._db.execute(
                "SELECT status, created_at, updated_at FROM document_status WHERE layer_id = ? AND document_id = ?", (layer.id, doc)
            ).fetchone()
            records = store.records(layer.id, doc)  # type: ignore[arg-type]
            if annotations or status or records:
                per_document[content_hash] = (annotations, status, records)
        layers[layer.name] = (layer.kind, dict(layer.info), per_document)
    lengths = store._db.execute("SELECT count(*) FROM documents WHERE length != length(text)").fetchone()[0]
    schema = store.schema()
    return {"documents": documents, "layers": layers, "schema": schema.to_dict() if schema else None, "bad lengths": lengths}


def report_fields(report: MergeReport) -> dict:
    fields = asdict(report)
    fields.pop("path")
    return fields


# -- the sample projects ------------------------------------------------------------------------

def _brat(tmp_path: Path, data: Path, folder: str, names: list[str]) -> Path:
    target = tmp_path / f"{folder}-{len(names)}"
    target.mkdir()
    for name in names:
        for suffix in (".txt", ".ann"):
            shutil.copy(data / folder / f"{name}{suffix}", target / f"{name}{suffix}")
    return target


def _emoji_layer(
    store: ProjectStore, name: str, kind: LayerKind = LayerKind.ANNOTATOR, shift: int = 0,
    decision: Decision = Decision.PENDING, note: str = "the city 🙂", relations: bool = True, confidence: float | None = None,
) -> None:
    """A non-BMP document with accepted, pending and rejected spans, a nested event and a relation."""
    doc = store.find_document(Document(EMOJI_TEXT).content_hash) or store.add_document(Document(EMOJI_TEXT), None)
    layer = store.ensure_layer(name, kind)
    pending = Provenance(Origin.SUGGESTED, decision, suggester="spacy")
    zoe = SpanAnnotation(Span(0, 3, "PERSON"))
    ann = SpanAnnotation(Span(11, 14 + shift, "PERSON"), provenance=pending, confidence=confidence)
    paris = SpanAnnotation(Span(19, 24, "GPE"), attributes={"certain": True}, note=note)
    rejected = SpanAnnotation(Span(15, 16, "ORG"), provenance=Provenance(decision=Decision.REJECTED))
    meet = Event(Span(6, 9, "Contact:Meet"), (Argument("Entity", zoe.span), Argument("Place", paris.span)))
    leave = Event(Span(45, 49, "Movement:Transport"), (Argument("Cause", event_uid=meet.uid), Argument("Agent", Span(41, 42, "PERSON"))))
    relation = Relation("Located", (RelationEnd(zoe.span), RelationEnd(paris.span)))
    alias = Relation("Same", (RelationEnd(zoe.span), RelationEnd(event_uid=meet.uid)), True)
    kept = (relation, alias) if relations else ()
    store.add_annotations(layer.id, doc, AnnotationSet((zoe, ann, paris, rejected), (meet, leave), kept))  # type: ignore[arg-type]
    store.set_status(layer.id, doc, "in_progress")  # type: ignore[arg-type]


@pytest.fixture
def colleague(tmp_path: Path, data: Path) -> Path:
    path = tmp_path / "colleague.db"
    with create_project(path) as store:
        assert import_paths(store, [data / "review" / "alice.jsonl"], "alice").ok
        assert import_paths(store, [_brat(tmp_path, data, "brat-news", ["060-relation_annotation", "090-event_structures"])], "dora").ok
        epi = ["PMID-11393792", "PMID-12729016", "PMID-1590827", "PMID-16379001", "PMID-16583246"]
        assert import_paths(store, [_brat(tmp_path, data, "bionlp-epi", epi)], "carol").ok
        assert import_paths(store, [data / "prodigy" / "annotated_reddit-PRODUCT-ner.head60.jsonl"], "prodigy").ok
        _emoji_layer(store, "emoji")
        _emoji_layer(store, "bob", LayerKind.SUGGESTIONS)  # an annotator here: not merged
        _emoji_layer(store, "twin")
        _emoji_layer(store, "decided", relations=False)
        _emoji_layer(store, "noted", relations=False)
        _emoji_layer(store, "scored", relations=False, confidence=0.25)
        suggested = store.ensure_layer("erin", LayerKind.ANNOTATOR)
        for i, doc in enumerate(store.document_ids()[:2]):
            origin = Provenance(Origin.SUGGESTED, Decision.ACCEPTED, source_uid=f"suggestion-{i}")
            store.add_annotations(suggested.id, doc, AnnotationSet((SpanAnnotation(Span(0, 4, "ORG"), provenance=origin),)))  # type: ignore[arg-type]
    return path


@pytest.fixture
def lead(tmp_path: Path, data: Path, colleague: Path) -> Path:
    path = tmp_path / "lead.db"
    with create_project(path) as store:
        assert import_paths(store, [data / "review" / "bob.jsonl"], "bob").ok
        epi = ["PMID-11393792", "PMID-12729016"]  # the same work as the colleague's carol: unchanged
        assert import_paths(store, [_brat(tmp_path, data, "bionlp-epi", epi)], "carol").ok
        _emoji_layer(store, "emoji", shift=1)  # other work in the same document: a conflict
        _emoji_layer(store, "decided", relations=False, decision=Decision.ACCEPTED)  # a conflict too
        _emoji_layer(store, "noted", relations=False, note="the capital")  # and this
        _emoji_layer(store, "scored", relations=False, confidence=0.75)  # the same work: scores aside
        with ProjectStore.open(colleague) as theirs:  # their twin's uids already used here: a conflict
            twin = theirs.layer("twin")
            doc = theirs.document_ids()[-1]
            copied = store.ensure_layer("copied", LayerKind.ANNOTATOR)
            here = store.find_document(theirs.document(doc).content_hash) or store.add_document(theirs.document(doc), None)
            store.add_annotations(copied.id, here, theirs.annotations(twin.id, doc))  # type: ignore[arg-type, union-attr]
            # A suggestion erin took here in another document: the colleague's use of it clashes.
            erin = store.ensure_layer("erin", LayerKind.ANNOTATOR)
            elsewhere = store.add_document(Document("Another text altogether."), None)
            origin = Provenance(Origin.SUGGESTED, Decision.ACCEPTED, source_uid="suggestion-1")
            store.add_annotations(erin.id, elsewhere, AnnotationSet((SpanAnnotation(Span(0, 7, "ORG"), provenance=origin),)))  # type: ignore[arg-type]
    return path


def _both(tmp_path: Path, lead: Path, colleague: Path) -> tuple[list[MergeReport], list[MergeReport], dict, dict]:
    fast_path, slow_path = tmp_path / "fast.db", tmp_path / "slow.db"
    shutil.copy(lead, fast_path)
    shutil.copy(lead, slow_path)
    with ProjectStore.open(fast_path) as fast, ProjectStore.open(slow_path) as slow:
        fast_reports = [merge_project(fast, colleague) for _ in range(2)]
        slow_reports = [reference_merge(slow, colleague) for _ in range(2)]
        return fast_reports, slow_reports, snapshot(fast), snapshot(slow)


def test_the_bulk_merge_leaves_what_the_object_merge_leaves(tmp_path: Path, lead: Path, colleague: Path) -> None:
    fast_reports, slow_reports, fast, slow = _both(tmp_path, lead, colleague)
    assert [report_fields(r) for r in fast_reports] == [report_fields(r) for r in slow_reports]
    assert fast == slow
    first = fast_reports[0]
    # The sample data exercises what it should: relations, events, rejected spans, each conflict.
    assert first.relations_added > 0 and first.events_added > 0 and first.layers_added
    reasons = [c.reason for c in first.conflicts]
    assert any("suggestions there but annotator here" in r for r in reasons)
    assert any("already holds different work" in r for r in reasons)
    assert any("same identity are already in layer 'copied'" in r for r in reasons)
    assert any("UNIQUE constraint failed: spans.layer_id, spans.source_uid" in r for r in reasons)
    assert first.documents_unchanged == 3  # carol's two abstracts, scored
    assert sorted(c.layer for c in first.conflicts if "different work" in c.reason) == ["decided", "emoji", "noted"]
    assert fast_reports[1].spans_added == 0 and fast_reports[1].documents_unchanged > first.documents_unchanged
    decisions = {a.provenance.decision for _, _, docs in fast["layers"].values() for (annotations, _, _) in docs.values() for a in annotations.spans}
    assert {Decision.REJECTED, Decision.PENDING, Decision.ACCEPTED} <= decisions


def test_a_file_merged_into_an_empty_project_comes_over_whole(tmp_path: Path, colleague: Path) -> None:
    empty = tmp_path / "empty.db"
    create_project(empty).close()
    fast_reports, slow_reports, fast, slow = _both(tmp_path, empty, colleague)
    assert [report_fields(r) for r in fast_reports] == [report_fields(r) for r in slow_reports]
    assert fast == slow and fast_reports[0].ok
    with ProjectStore.open(colleague) as theirs:
        assert snapshot(theirs)["layers"].keys() == fast["layers"].keys()
