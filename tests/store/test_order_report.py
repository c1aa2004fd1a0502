"""Ordered vs control documents: the figures `annotator models` shows, from what analysts did."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.model import editing
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.order_report import order_effects
from annotator.store.project import ProjectStore

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="trained:1")


def _project(path) -> tuple[ProjectStore, int, list[int], list[int]]:
    store = ProjectStore.open(path)
    trained = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    ids = [store.add_document(Document(f"Document {n} " + "word " * 10), None) for n in range(60)]
    for doc in ids:
        events = tuple(Event(Span(5 * i, 5 * i + 4, "Attack"), (), f"{doc}-{i}", SUGGESTED, confidence=0.5) for i in range(2))
        store.add_annotations(trained.id, doc, AnnotationSet((), events))
    control = {d for (d,) in store._db.execute("SELECT document_id FROM document_traits WHERE control = 1")}
    return store, alice.id, [d for d in ids if d in control], [d for d in ids if d not in control]


def _work(store: ProjectStore, layer: int, doc: int, accept: bool, seconds: int) -> None:
    suggestions = store.annotations(store.layer("trained:1").id, doc).events  # type: ignore[union-attr]
    first = editing.accept(suggestions[:1], "alice") if accept else editing.reject(suggestions[:1], "alice")
    store.apply(layer, doc, first.changes)
    store.apply(layer, doc, editing.reject(suggestions[1:], "alice").changes)
    store.set_status(layer, doc, DocStatus.DONE)
    # As if the analyst had spent ``seconds`` on it: first touch at 10:00, marked done after.
    with store.transaction():
        store._db.execute(
            "UPDATE document_status SET created_at = ?, updated_at = ? WHERE layer_id = ? AND document_id = ?",
            ("2026-01-01T10:00:00Z", f"2026-01-01T10:{seconds // 60:02d}:{seconds % 60:02d}Z", layer, doc),
        )


def test_ordered_and_control_documents_are_counted_apart(tmp_path) -> None:
    store, alice, control, ordered = _project(tmp_path / "p.annotator")
    assert 2 <= len(control) <= 15  # about one in ten
    for doc in ordered[:4]:
        _work(store, alice, doc, accept=False, seconds=120)
    _work(store, alice, control[0], accept=True, seconds=30)
    _work(store, alice, control[1], accept=True, seconds=90)
    (effect,) = order_effects(store)
    assert effect.layer == "alice"
    assert (effect.ordered.documents, effect.ordered.decided, effect.ordered.accepted_unedited) == (4, 8, 0)
    assert effect.ordered.seconds_per_document == pytest.approx(120, abs=0.01)
    assert (effect.control.documents, effect.control.decided, effect.control.accepted_unedited) == (2, 4, 2)
    assert effect.control.accepted_rate == 0.5 and effect.control.seconds_per_document == pytest.approx(60, abs=0.01)
    store.close()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "p.annotator"), "models"])
    assert result.exit_code == 0, result.output
    assert "alice: ordered 4 documents, 0% of 8 suggestions accepted unedited, 120 s per document done (4)" in result.output
    assert "control 2 documents, 50% of 4 suggestions accepted unedited, 60 s per document done (2)" in result.output
    assert "too few to compare yet" in result.output
