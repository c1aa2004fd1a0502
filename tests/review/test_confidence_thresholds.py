"""Precision at confidence thresholds: counted by hand, stored confidences read back, the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.review.confidence_thresholds import ThresholdCounter, format_thresholds, parse_thresholds
from annotator.review.evaluate import EvaluationCounter, format_evaluation, project_evaluation
from annotator.store.project import ProjectStore

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="spacy:test")
GOLD = AnnotationSet(
    (SpanAnnotation(Span(0, 5, "PERSON")), SpanAnnotation(Span(10, 15, "GPE")), SpanAnnotation(Span(20, 30, "ORG"))),
    (Event(Span(6, 9, "Contact:Meet")),),
)
PRED = AnnotationSet(
    (
        SpanAnnotation(Span(0, 5, "PERSON"), provenance=SUGGESTED, confidence=0.97),  # right, sure
        SpanAnnotation(Span(10, 15, "ORG"), provenance=SUGGESTED, confidence=0.6),  # wrong label, unsure
        SpanAnnotation(Span(20, 30, "ORG"), provenance=SUGGESTED, confidence=0.85),  # right
        SpanAnnotation(Span(31, 35, "GPE"), provenance=SUGGESTED, confidence=0.92),  # not in gold
        SpanAnnotation(Span(40, 45, "DATE"), provenance=SUGGESTED),  # no confidence
    ),
    (Event(Span(6, 9, "Contact:Meet"), provenance=SUGGESTED, confidence=0.55),),
)


def test_precision_and_counts_at_each_threshold_by_hand() -> None:
    counter = ThresholdCounter((0.5, 0.9, 0.8))
    counter.add_document(GOLD, PRED)
    report = counter.to_dict()
    assert report["thresholds"] == [0.5, 0.8, 0.9]
    rows = report["entities"]["overall"]["rows"]
    # >= 0.5: four scored suggestions, two right; >= 0.8: three, two right; >= 0.9: two, one right.
    assert [(r["suggestions"], r["matched"]) for r in rows] == [(4, 2), (3, 2), (2, 1)]
    assert [r["precision"] for r in rows] == [0.5, pytest.approx(2 / 3), 0.5]
    assert rows[0]["recall"] == pytest.approx(2 / 3)  # of three gold entities
    assert report["entities"]["overall"]["unscored"] == 1
    org = report["entities"]["per_label"]["ORG"]["rows"]
    assert [(r["suggestions"], r["matched"]) for r in org] == [(2, 1), (1, 1), (0, 0)]
    assert org[2]["precision"] is None
    triggers = report["event_triggers"]["overall"]["rows"]
    assert [(r["suggestions"], r["matched"]) for r in triggers] == [(1, 1), (0, 0), (0, 0)]
    text = format_thresholds(report)
    assert ">=80%" in text and "0.667 (3)" in text and "1 suggestion(s) without a confidence" in text


def test_the_evaluation_reports_thresholds_only_where_there_are_confidences() -> None:
    scored = EvaluationCounter()
    scored.add_document(GOLD, PRED)
    assert scored.to_dict()["by_confidence"]["entities"]["overall"]["scored"] == 4
    assert "Precision at confidence thresholds" in format_evaluation(scored.to_dict())
    plain = EvaluationCounter()
    plain.add_document(GOLD, GOLD)
    assert plain.to_dict()["by_confidence"] is None
    assert "confidence" not in format_evaluation(plain.to_dict())


def test_stored_confidences_are_evaluated_and_the_command_takes_thresholds(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with ProjectStore.open(db) as store:
        document = store.add_document(Document("Biden met Ghani in Kabul today, then Doha. And more text here."), None)
        gold = store.ensure_layer("gold", LayerKind.GOLD)
        suggester = store.ensure_layer("spacy:test", LayerKind.SUGGESTIONS)
        store.add_annotations(gold.id, document, GOLD)  # type: ignore[arg-type]
        store.add_annotations(suggester.id, document, PRED)  # type: ignore[arg-type]
        report = project_evaluation(store, "gold", "spacy:test", (0.8,))
    assert report["by_confidence"]["entities"]["overall"]["rows"] == [
        {"threshold": 0.8, "suggestions": 3, "matched": 2, "precision": pytest.approx(2 / 3), "recall": pytest.approx(2 / 3)}
    ]
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db), "evaluate", "--pred", "spacy:test", "--thresholds", "90,50", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["by_confidence"]["thresholds"] == [0.5, 0.9]
    bad = runner.invoke(main, ["--db", str(db), "evaluate", "--pred", "spacy:test", "--thresholds", "high"])
    assert bad.exit_code == 2 and "not a number" in bad.output and "Traceback" not in bad.output


def test_thresholds_are_read_as_fractions_or_percent() -> None:
    assert parse_thresholds("0.8, 90%,95") == (0.8, 0.9, 0.95)
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_thresholds("150")
