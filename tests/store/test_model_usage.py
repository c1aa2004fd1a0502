"""What a model saves: the analysts' decisions on its suggestions (accepted unedited, corrected,
rejected) per label and event type, and their working time per document with idle gaps left out,
on a small project built here."""

from __future__ import annotations

from pathlib import Path

from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store.model_usage import Outcomes, model_usage, working_seconds
from annotator.store.project import ProjectStore

MODEL = "trained:1"
MADE = "2026-01-01T09:00:00Z"


def _decided(start: int, label: str, decision: Decision, at: str, suggester: str = MODEL) -> SpanAnnotation:
    return SpanAnnotation(Span(start, start + 3, label), provenance=Provenance(Origin.SUGGESTED, decision, "ann", suggester, None, at, at))


def _manual(start: int, at: str) -> SpanAnnotation:
    return SpanAnnotation(Span(start, start + 3, "ORG"), provenance=Provenance(Origin.MANUAL, Decision.ACCEPTED, "ann", None, None, at, at))


def _event(start: int, decision: Decision, at: str) -> Event:
    return Event(Span(start, start + 3, "Conflict:Attack"), provenance=Provenance(Origin.SUGGESTED, decision, "ann", MODEL, None, at, at))


def _project(path: Path) -> tuple[int, int]:
    with ProjectStore.open(path) as store:
        ann = store.ensure_layer("ann", LayerKind.ANNOTATOR)
        suggestions = store.ensure_layer(MODEL, LayerKind.SUGGESTIONS)
        first = store.add_document(Document("x" * 200), None)
        second = store.add_document(Document("y" * 200, title="second"), None)
        # Document 1: three edits a minute apart, then a 20-minute pause, then one more a minute later.
        store.add_annotations(ann.id, first, AnnotationSet((
            _decided(0, "PERSON", Decision.ACCEPTED, "2026-01-01T10:00:00Z"),
            _decided(10, "PERSON", Decision.ACCEPTED, "2026-01-01T10:01:00Z"),
            _decided(20, "PERSON", Decision.EDITED, "2026-01-01T10:02:00Z"),
            _decided(30, "GPE", Decision.REJECTED, "2026-01-01T10:22:00Z"),
            _manual(40, "2026-01-01T10:23:00Z"),
        ), (_event(50, Decision.REJECTED, "2026-01-01T10:23:00Z"),)))
        # Document 2: another suggester's decisions (not counted) and one event of this model accepted.
        store.add_annotations(ann.id, second, AnnotationSet((
            _decided(0, "PERSON", Decision.REJECTED, "2026-01-01T11:00:00Z", suggester="spacy:core_web_sm-3.8.0"),
        ), (_event(10, Decision.ACCEPTED, "2026-01-01T11:00:30Z"),)))
        # Before the model was made: two edits 2 minutes apart.
        store.add_annotations(ann.id, second, AnnotationSet((_manual(100, "2026-01-01T08:00:00Z"), _manual(110, "2026-01-01T08:02:00Z"))))
        # The suggestions themselves (pending, in the suggestions layer) are not decisions.
        store.add_annotations(suggestions.id, first, AnnotationSet((_decided(60, "PERSON", Decision.PENDING, "2026-01-01T10:00:00Z"),)))
    return first, second


def test_decisions_are_counted_per_label_and_type_and_idle_gaps_are_not_working_time(tmp_path: Path) -> None:
    first, second = _project(tmp_path / "p.db")
    with ProjectStore.open(tmp_path / "p.db") as store:
        usage = model_usage(store, MODEL, MADE)
        only_first = model_usage(store, MODEL, MADE, documents={first})
    assert usage.labels == {"GPE": Outcomes(0, 0, 1), "PERSON": Outcomes(2, 1, 0)}
    assert usage.event_types == {"Conflict:Attack": Outcomes(1, 0, 1)}
    assert usage.total == Outcomes(3, 1, 2)
    # Document 1: 60 + 60 + (20 min gap left out) + 60 = 180 s; document 2 since the model: 30 s.
    assert usage.time_since.documents == 2
    assert usage.time_since.total_seconds == 210 and usage.time_since.median_seconds == 105
    assert usage.time_before.documents == 1 and usage.time_before.total_seconds == 120
    # Split by a set of documents.
    assert only_first.event_types == {"Conflict:Attack": Outcomes(0, 0, 1)}
    assert only_first.time_since.total_seconds == 180 and only_first.time_before.documents == 0


def test_working_seconds_leaves_out_gaps_over_the_idle_limit() -> None:
    assert working_seconds([0, 60, 400, 460], idle_seconds=300) == 120
    assert working_seconds([5]) == 0.0
    assert working_seconds([0, 300, 601], idle_seconds=300) == 300


def test_annotator_models_prints_the_decisions_and_the_working_time(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from annotator.cli import main
    from annotator.store.models import save_model

    db = tmp_path / "p.db"
    _project(db)
    with ProjectStore.open(db) as store:
        save_model(store, "ann", 2, "base", {"trained": {"event_triggers": 0.5}}, b"")
        store._db.execute("UPDATE models SET created_at = ?", (MADE,))
    result = CliRunner().invoke(main, ["--db", str(db), "models"])
    assert result.exit_code == 0, result.output
    assert "analysts decided 6 of its suggestions: 3 accepted unedited, 1 corrected, 2 rejected" in result.output
    assert "event Conflict:Attack" in result.output and "entity PERSON" in result.output
    assert "median 1.8 min" in result.output and "pauses over 5 min left out" in result.output
