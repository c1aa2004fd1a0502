"""Review on a project: a document turned into gold from decisions alone, documents by disagreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet
from annotator.model.layer import DocStatus
from annotator.review.adjudicate import accept_agreed, take_version
from annotator.review.workflow import apply_decision, disagreements_by_document, gold_annotations, review_items
from annotator.store.database import ConflictError, StoreError
from annotator.store.project import ProjectStore


@pytest.fixture
def project(store: ProjectStore, data: Path) -> ProjectStore:
    import_paths(store, [data / "review" / "alice.jsonl"], "alice")
    import_paths(store, [data / "review" / "bob.jsonl"], "bob")
    return store


def test_documents_come_most_disagreement_first(project: ProjectStore) -> None:
    ranking = disagreements_by_document(project, ["alice", "bob"])
    assert len(ranking) == 3  # the documents both annotated
    counts = [count for _, count in ranking]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0 and counts[-1] == 0
    for doc, count in ranking:
        assert count == sum(not item.agreed for item in review_items(project, doc, ["alice", "bob"]))


def test_a_reviewer_turns_a_document_into_gold_with_decisions_only(project: ProjectStore) -> None:
    layers = ["alice", "bob"]
    doc, before = disagreements_by_document(project, layers)[0]
    undo: list = []
    items = review_items(project, doc, layers)
    edit = accept_agreed(items, gold_annotations(project, doc), "rita")
    apply_decision(project, doc, edit)
    undo.append(edit)
    # Then every disagreement in turn, alternating between the annotators' versions.
    for n in range(before):
        items = [i for i in review_items(project, doc, layers) if not i.agreed and not i.decided]
        assert len(items) == before - n
        edit = take_version(items[0], layers[n % 2], gold_annotations(project, doc), "rita")
        apply_decision(project, doc, edit)
        undo.append(edit)
    assert all(item.decided for item in review_items(project, doc, layers))
    assert dict(disagreements_by_document(project, layers, undecided_only=True))[doc] == 0
    gold = gold_annotations(project, doc)
    assert gold.without_rejected().spans and project.status(project.layer("gold").id, doc) is DocStatus.IN_PROGRESS  # type: ignore[union-attr]
    for edit in reversed(undo):
        apply_decision(project, doc, edit.inverse())
    assert gold_annotations(project, doc) == AnnotationSet()


def test_a_decision_made_meanwhile_elsewhere_is_not_overwritten(project: ProjectStore) -> None:
    doc, _ = disagreements_by_document(project, ["alice", "bob"])[0]
    item = next(i for i in review_items(project, doc, ["alice", "bob"]) if not i.agreed)
    stale = gold_annotations(project, doc)
    apply_decision(project, doc, take_version(item, "alice", stale, "rita"))  # another window decided
    with pytest.raises(ConflictError):
        apply_decision(project, doc, take_version(item, "bob", stale, "sam"))


def test_layers_must_exist_and_gold_is_not_compared(project: ProjectStore) -> None:
    with pytest.raises(StoreError, match="no layer 'zoe'"):
        disagreements_by_document(project, ["alice", "zoe"])
    with pytest.raises(ValueError, match="gold is what a review produces"):
        review_items(project, 1, ["alice", "gold"])
