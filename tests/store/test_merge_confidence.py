"""Merging keeps what active learning stored with suggestions and decisions: each suggestion's
confidence, the threshold of an *Accept all above N %*, and the document's stored uncertainty."""

from __future__ import annotations

from pathlib import Path

from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store.confidence import uncertainty
from annotator.store.merge import merge_project
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project

TEXT = "Rebels attacked Kabul on Monday while the army met in Doha."
SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="trained:1")


def _colleague(path: Path) -> Path:
    """A project with scored suggestions (one of them accepted above 80 %) and one left pending."""
    with create_project(path) as store:
        suggestions = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
        analyst = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        doc = store.add_document(Document(TEXT), None)
        kabul = SpanAnnotation(Span(16, 21, "GPE"), "s-kabul", SUGGESTED, confidence=0.91)
        doha = SpanAnnotation(Span(54, 58, "GPE"), "s-doha", SUGGESTED, confidence=0.35)
        attack = Event(Span(7, 15, "Attack"), (), "e-attack", SUGGESTED, confidence=0.62)
        store.add_annotations(suggestions.id, doc, AnnotationSet((kabul, doha), (attack,)))
        accepted = SpanAnnotation(
            Span(16, 21, "GPE"), "a-kabul",
            Provenance(Origin.SUGGESTED, Decision.ACCEPTED, author="alice", suggester="trained:1",
                       source_uid="s-kabul", accepted_above=0.8),
            confidence=0.91,
        )
        store.add_annotations(analyst.id, doc, AnnotationSet((accepted,), ()))
    return path


def test_merge_keeps_confidences_thresholds_and_the_stored_uncertainty(tmp_path: Path) -> None:
    other = _colleague(tmp_path / "alice.db")
    with create_project(tmp_path / "lead.db") as lead:
        assert merge_project(lead, other).ok
        suggestions, analyst = lead.layer("trained:1"), lead.layer("alice")
        assert suggestions is not None and analyst is not None
        (doc,) = lead.document_ids()
        merged = lead.annotations(suggestions.id, doc)  # type: ignore[arg-type]
        assert sorted((a.uid, a.confidence) for a in merged.spans) == [("s-doha", 0.35), ("s-kabul", 0.91)]
        assert [(e.uid, e.confidence) for e in merged.events] == [("e-attack", 0.62)]
        (copy,) = lead.annotations(analyst.id, doc).spans  # type: ignore[arg-type]
        assert copy.provenance.accepted_above == 0.8 and copy.confidence == 0.91
        # Alice's layer decided Kabul: her order sees Doha and the attack; without a layer, all three.
        mine = uncertainty(lead, suggestions.id, analyst.id, doc)  # type: ignore[arg-type]
        assert mine is not None and (mine.lowest, mine.scored) == (0.35, 2)
        everyone = uncertainty(lead, suggestions.id, None, doc)  # type: ignore[arg-type]
        assert everyone is not None and (everyone.lowest, everyone.scored) == (0.35, 3)


def test_merging_into_a_project_with_the_same_document_and_other_work_keeps_them_too(tmp_path: Path) -> None:
    other = _colleague(tmp_path / "alice.db")
    with create_project(tmp_path / "lead.db") as lead:
        lead.add_document(Document(TEXT), None)
        lead.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
        assert merge_project(lead, other).ok
        suggestions, analyst = lead.layer("trained:1"), lead.layer("alice")
        (doc,) = lead.document_ids()
        merged = lead.annotations(suggestions.id, doc)  # type: ignore[union-attr, arg-type]
        assert sorted(a.confidence for a in merged.spans) == [0.35, 0.91]
        (copy,) = lead.annotations(analyst.id, doc).spans  # type: ignore[union-attr, arg-type]
        assert copy.provenance.accepted_above == 0.8
        found = uncertainty(lead, suggestions.id, analyst.id, doc)  # type: ignore[union-attr, arg-type]
        assert found is not None and (found.lowest, found.scored) == (0.35, 2)
