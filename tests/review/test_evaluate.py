"""Evaluation of a layer against gold: precision, recall and F1 by hand, per label, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.review.evaluate import EvaluationCounter, format_evaluation, project_evaluation
from annotator.store.project import ProjectStore


def annotations(spans: list[tuple[int, int, str]], events: tuple[Event, ...] = ()) -> AnnotationSet:
    return AnnotationSet(tuple(SpanAnnotation(Span(*s)) for s in spans), events)


GOLD = annotations(
    [(0, 5, "PERSON"), (10, 15, "GPE"), (20, 30, "ORG"), (40, 45, "DATE")],
    (Event(Span(6, 9, "Contact:Meet"), (Argument("Entity", Span(0, 5, "PERSON")), Argument("Place", Span(10, 15, "GPE")))),),
)
PRED = annotations(
    [(0, 5, "PERSON"), (10, 15, "ORG"), (22, 30, "ORG")],
    (
        Event(Span(6, 9, "Contact:Meet"), (Argument("Entity", Span(0, 5, "PERSON")),)),
        Event(Span(31, 35, "Conflict:Attack")),
    ),
)


def test_scores_by_hand() -> None:
    counter = EvaluationCounter("gold", "suggested")
    counter.add_document(GOLD, PRED)
    report = counter.to_dict()
    exact = report["spans_exact"]
    assert (exact["precision"], exact["recall"], exact["f1"]) == (pytest.approx(1 / 3), pytest.approx(1 / 4), pytest.approx(2 / 7))
    overlap = report["spans_overlap"]  # (22, 30) ORG overlaps (20, 30) ORG; (10, 15) has the wrong label
    assert (overlap["precision"], overlap["recall"]) == (pytest.approx(2 / 3), pytest.approx(2 / 4))
    assert overlap["f1"] == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))
    triggers = report["event_triggers"]
    assert (triggers["precision"], triggers["recall"], triggers["gold"], triggers["predicted"]) == (0.5, 1.0, 1, 2)
    arguments = report["event_arguments"]
    assert (arguments["precision"], arguments["recall"], arguments["matched"]) == (1.0, 0.5, 1)
    assert report["per_label"]["ORG"]["spans_exact"]["f1"] == 0.0
    assert report["per_label"]["ORG"]["spans_overlap"]["recall"] == 1.0
    assert report["per_label"]["DATE"]["spans_exact"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "gold": 1, "predicted": 0, "matched": 0,
    }
    assert report["per_event_type"]["Conflict:Attack"]["event_triggers"]["precision"] == 0.0
    assert "Contact:Meet" in format_evaluation(report)


def test_a_suggestions_layer_is_evaluated_over_the_documents_both_contain(store: ProjectStore, tmp_path: Path) -> None:
    first = store.add_document(Document("Biden met Ghani in Kabul today, then Doha."), None)
    second = store.add_document(Document("Nothing happened."), None)
    gold = store.ensure_layer("gold", LayerKind.GOLD)
    suggester = store.ensure_layer("spacy-3.8", LayerKind.SUGGESTIONS)
    store.add_annotations(gold.id, first, GOLD)  # type: ignore[arg-type]
    store.add_annotations(suggester.id, first, PRED)  # type: ignore[arg-type]
    store.add_annotations(suggester.id, second, annotations([(0, 7, "ORG")]))  # type: ignore[arg-type]
    report = project_evaluation(store, "gold", "spacy-3.8")
    assert report["documents"] == 1  # gold never saw the second document
    counter = EvaluationCounter("gold", "spacy-3.8")
    counter.add_document(GOLD, PRED)
    assert report == counter.to_dict()
    with pytest.raises(ValueError, match="same layer"):
        project_evaluation(store, "gold", "gold")


def test_the_command(tmp_path: Path, data: Path) -> None:
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    for name in ("alice", "bob"):
        runner.invoke(main, ["--db", db, "import", str(data / "review" / f"{name}.jsonl"), "--annotator", name])
    result = runner.invoke(main, ["--db", db, "evaluate", "--gold", "alice", "--pred", "bob", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 3 and report["spans_exact"]["gold"] == 122
    assert {"spans_exact", "spans_overlap", "event_triggers", "event_arguments", "per_label", "per_event_type"} <= set(report)
    text = runner.invoke(main, ["--db", db, "evaluate", "--gold", "alice", "--pred", "bob"]).stdout
    assert text.startswith("bob against alice over 3 document(s)") and "event arguments" in text
    missing = runner.invoke(main, ["--db", db, "evaluate", "--pred", "bob"])
    assert missing.exit_code == 1 and "no layer 'gold'" in missing.stderr and "Traceback" not in missing.output
