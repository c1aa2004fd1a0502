"""``annotator accept-above``: one transaction over the project, the threshold in provenance."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.model.annotations import AnnotationSet, Decision, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.project import ProjectStore

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="spacy:test")


def _project(db: Path) -> None:
    with ProjectStore.open(db) as store:
        layer = store.ensure_layer("spacy:test", LayerKind.SUGGESTIONS)
        for n in range(3):
            document = store.add_document(Document(f"Biden met Ghani in Kabul, report {n}."), None)
            store.add_annotations(layer.id, document, AnnotationSet((  # type: ignore[arg-type]
                SpanAnnotation(Span(0, 5, "PERSON"), f"p{n}", SUGGESTED, confidence=0.95),
                SpanAnnotation(Span(19, 24, "GPE"), f"g{n}", SUGGESTED, confidence=0.5 + n / 10),
                SpanAnnotation(Span(10, 15, "PERSON"), f"q{n}", SUGGESTED),
            )))


def test_accepting_above_a_threshold_over_the_project(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    _project(db)
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db), "accept-above", "90", "--annotator", "alice"])
    assert result.exit_code == 0, result.output
    assert "Accepted 3 suggestion(s) at or above 90% from 'spacy:test' into 'alice', in 3 document(s)." in result.output
    again = runner.invoke(main, ["--db", str(db), "--annotator", "alice", "accept-above", "0.55", "--label", "GPE"])
    assert "Accepted 2 GPE suggestion(s)" in again.output  # 0.6 and 0.7; 0.5 is below
    with ProjectStore.open(db) as store:
        alice = store.layer("alice")
        accepted = [store.annotations(alice.id, d) for d in store.document_ids()]  # type: ignore[arg-type]
        assert [sorted((a.label, a.provenance.accepted_above) for a in s.spans) for s in accepted] == [
            [("PERSON", 0.9)],
            [("GPE", 0.55), ("PERSON", 0.9)],
            [("GPE", 0.55), ("PERSON", 0.9)],
        ]
        assert all(a.provenance.decision is Decision.ACCEPTED and a.provenance.author == "alice" for s in accepted for a in s.spans)
        assert store.status(alice.id, store.document_ids()[0]) is DocStatus.IN_PROGRESS  # type: ignore[arg-type]
    # Nothing is accepted twice.
    third = runner.invoke(main, ["--db", str(db), "accept-above", "0.5", "--annotator", "alice"])
    assert "Accepted 1 suggestion(s)" in third.output


def test_bad_thresholds_and_missing_names_get_messages(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    _project(db)
    runner = CliRunner()
    bad = runner.invoke(main, ["--db", str(db), "accept-above", "high", "--annotator", "alice"])
    assert bad.exit_code == 2 and "not a number" in bad.output
    nobody = runner.invoke(main, ["--db", str(db), "accept-above", "0.9"], env={"ANNOTATOR_ANNOTATOR": ""})
    assert nobody.exit_code == 2 and "--annotator NAME" in nobody.output
    gold = runner.invoke(main, ["--db", str(db), "accept-above", "0.9", "--annotator", "gold"])
    assert gold.exit_code == 1 and "reserved" in gold.output and "Traceback" not in gold.output


def test_accept_above_is_a_function_the_command_wraps(tmp_path: Path) -> None:
    import pytest

    from annotator.cli.accept import accept_above

    db = tmp_path / "p.db"
    _project(db)
    with ProjectStore.open(db) as store:
        with pytest.raises(ValueError, match="no suggestions layer 'nope'"):
            accept_above(store, 0.9, "ana", "nope")
        source, report = accept_above(store, 0.9, "ana")
        assert source.name == "spacy:test" and report.total == 3 and report.documents == 3
