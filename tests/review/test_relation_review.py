"""Relations through every layer operation: merge, agreement, evaluation, comparison and
adjudication (issue 10)."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.relations import Relation, RelationEnd
from annotator.review.adjudicate import accept_agreed, take_version
from annotator.review.agreement import project_agreement
from annotator.review.compare import compare_document
from annotator.review.evaluate import project_evaluation
from annotator.store.merge import merge_project
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project

TERRY = Span(0, 15, "Person")
ENGLAND = Span(25, 32, "GPE")
ROB = Span(38, 49, "Person")
LONDON = Span(53, 59, "GPE")


def _set(*relations: Relation) -> AnnotationSet:
    spans = tuple(SpanAnnotation(s) for s in (TERRY, ENGLAND, ROB, LONDON))
    return AnnotationSet(spans, (), relations)


def located(head: Span, child: Span, kind: str = "Located") -> Relation:
    return Relation(kind, (RelationEnd(head), RelationEnd(child)))


def test_merge_brings_relations_and_their_types(tmp_path: Path, data: Path) -> None:
    source = tmp_path / "news"
    source.mkdir()
    for name in ("060-relation_annotation.txt", "060-relation_annotation.ann"):
        shutil.copy(data / "brat-news" / name, source / name)
    with create_project(tmp_path / "alice.db") as alice:
        assert import_paths(alice, [source], "alice").ok
    with create_project(tmp_path / "mine.db") as mine:
        report = merge_project(mine, tmp_path / "alice.db")
        assert report.ok and report.relations_added == 2
        layer = mine.layer("alice")
        document = next(iter(mine.documents()))
        relations = mine.annotations(layer.id, document.id).relations  # type: ignore[union-attr, arg-type]
        assert sorted((r.type, r.symmetric, len(r.ends)) for r in relations) == [("Alias", True, 3), ("Located", False, 2)]
        assert mine.schema().relation_type("Located") is not None  # type: ignore[union-attr]
        again = merge_project(mine, tmp_path / "alice.db")
        assert again.relations_added == 0 and again.documents_unchanged == 1


def _two_layers(store: ProjectStore, a: AnnotationSet, b: AnnotationSet) -> int:
    from annotator.model.document import Document
    from annotator.model.layer import LayerKind

    document_id = store.add_document(Document("Terry Pratchett lived in England with Rob Wilkins in London.\n"), None)
    for name, annotations in (("alice", a), ("bob", b)):
        layer = store.ensure_layer(name, LayerKind.ANNOTATOR)
        store.add_annotations(layer.id, document_id, annotations)  # type: ignore[arg-type]
    return document_id


def test_relation_f1_pairwise_per_type_and_against_gold() -> None:
    store = ProjectStore.memory()
    alice = _set(located(TERRY, ENGLAND), located(ROB, LONDON), Relation("Alias", (RelationEnd(TERRY), RelationEnd(ROB)), True))
    bob = _set(located(TERRY, ENGLAND), located(LONDON, ROB))  # one reversed: not the same relation
    _two_layers(store, alice, bob)
    pair = project_agreement(store, ["alice", "bob"])["pairs"][0]
    assert pair["relation_f1"] == 2 * 1 / (3 + 2)
    assert pair["per_relation_type"] == {"Alias": {"relation_f1": 0.0}, "Located": {"relation_f1": 0.5}}
    scores = project_evaluation(store, "alice", "bob")
    assert (scores["relations"]["matched"], scores["relations"]["gold"], scores["relations"]["predicted"]) == (1, 3, 2)
    assert scores["per_relation_type"]["Located"]["relations"]["recall"] == 0.5


def test_relation_disagreements_are_shown_and_decided_like_spans() -> None:
    alice = _set(located(TERRY, ENGLAND), located(ROB, LONDON))
    bob = _set(located(TERRY, ENGLAND), located(ROB, LONDON, "Born_in"))
    items = [i for i in compare_document({"alice": alice, "bob": bob}) if i.kind == "relation"]
    assert [i.agreed for i in items] == [True, False]
    text = "Terry Pratchett lived in England with Rob Wilkins in London.\n"
    assert items[1].describe(text) == 'alice: Located "Rob Wilkins" → "London" / bob: Born_in "Rob Wilkins" → "London"'
    gold = AnnotationSet()
    edit = accept_agreed(items, gold, "rita")
    gold = AnnotationSet((), (), tuple(c.after for c in edit.changes))  # type: ignore[misc]
    assert [(r.type, r.head.span) for r in gold.relations] == [("Located", TERRY)]
    items = [i for i in compare_document({"alice": alice, "bob": bob}, gold) if i.kind == "relation"]
    taken = take_version(items[1], "bob", gold, "rita")
    added = [c.after for c in taken.changes if c.after is not None]
    assert [(r.type, r.head.span, r.provenance.source_uid) for r in added] == [("Born_in", ROB, bob.relations[1].uid)]
    refused = take_version(items[1], None, gold, "rita")
    assert {r.provenance.is_rejected for r in (c.after for c in refused.changes)} == {True}  # type: ignore[union-attr]
