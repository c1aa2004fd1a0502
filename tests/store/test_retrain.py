"""The retrain-every-N setting and the count of documents marked done since the last model."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.models import save_model
from annotator.store.project import ProjectStore
from annotator.store.retrain import (
    done_since_last_model,
    remember_baseline,
    retrain_due,
    retrain_every,
    set_retrain_every,
)


def test_setting_is_off_by_default_and_refuses_negative() -> None:
    store = ProjectStore.memory()
    assert retrain_every(store) == 0 and not retrain_due(store)
    set_retrain_every(store, 3)
    assert retrain_every(store) == 3
    with pytest.raises(ValueError, match=">= 0"):
        set_retrain_every(store, -1)
    assert retrain_every(store) == 3


def test_done_counts_marks_in_people_s_layers_after_the_newest_model() -> None:
    store = ProjectStore.memory()
    ids = [store.add_document(Document(f"text {n}"), None) for n in range(5)]
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    gold = store.ensure_layer("gold", LayerKind.GOLD)
    suggester = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    for document_id in ids:
        store.set_status(suggester.id, document_id, DocStatus.DONE)  # a suggester's progress is not the analysts'
    store.set_status(alice.id, ids[0], DocStatus.DONE)
    store.set_status(gold.id, ids[0], DocStatus.DONE)  # reviewed into gold too: a second mark
    store.set_status(alice.id, ids[1], DocStatus.DONE)
    store.set_status(alice.id, ids[2], DocStatus.IN_PROGRESS)
    assert done_since_last_model(store) == 3  # no model yet: every mark
    set_retrain_every(store, 2)
    assert retrain_due(store)
    # A model trained after those were done (dates set apart: timestamps have one-second resolution).
    store._db.execute("UPDATE document_status SET updated_at = '2026-01-01T10:00:00Z'")
    model = save_model(store, "gold", 2, "base", {}, b"archive")
    store._db.execute("UPDATE models SET created_at = '2026-01-01T11:00:00Z' WHERE id = ?", (model.id,))
    assert done_since_last_model(store) == 0 and not retrain_due(store)
    store.set_status(alice.id, ids[3], DocStatus.DONE)
    assert done_since_last_model(store) == 1 and not retrain_due(store)
    store.set_status(alice.id, ids[4], DocStatus.DONE)
    assert done_since_last_model(store) == 2 and retrain_due(store)


def test_models_command_sets_and_shows_the_setting(tmp_path) -> None:
    db = str(tmp_path / "p.db")
    with ProjectStore.open(db):
        pass
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db, "models", "--retrain-every", "5"])
    assert result.exit_code == 0, result.output
    assert "after every 5 documents marked done (0 since the last model)" in result.output
    with ProjectStore.open(db) as store:
        assert retrain_every(store) == 5
    result = runner.invoke(main, ["--db", db, "models", "--retrain-every", "0"])
    assert result.exit_code == 0 and "Retraining in the background is off" in result.output
    assert runner.invoke(main, ["--db", db, "models", "--retrain-every", "-2"]).exit_code != 0


def test_a_model_the_window_trained_counts_from_its_baseline_exactly() -> None:
    store = ProjectStore.memory()
    ids = [store.add_document(Document(f"text {n}"), None) for n in range(4)]
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    store.set_status(alice.id, ids[0], DocStatus.DONE)
    store.set_status(alice.id, ids[1], DocStatus.DONE)
    # Training started with 2 marks; one more was made while it ran, in the same second as the model.
    store.set_status(alice.id, ids[2], DocStatus.DONE)
    model = save_model(store, "alice", 2, "base", {}, b"archive")
    remember_baseline(store, model.name, 2)
    assert done_since_last_model(store) == 1
    store.set_status(alice.id, ids[3], DocStatus.DONE)
    assert done_since_last_model(store) == 2
    # A newer model trained elsewhere (annotator train) has no baseline: its date decides.
    newer = save_model(store, "alice", 4, "base", {}, b"archive")
    store._db.execute("UPDATE models SET created_at = '2999-01-01T00:00:00Z' WHERE id = ?", (newer.id,))
    assert done_since_last_model(store) == 0


def test_only_marks_in_the_layer_trained_from_count_and_unchanged_data_is_not_due() -> None:
    from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
    from annotator.store.retrain import done_marks, layer_state, training_layer

    store = ProjectStore.memory()
    ids = [store.add_document(Document(f"text {n} of Kabul"), None) for n in range(4)]
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    assert training_layer(store, "alice") == "alice"  # no gold: the analyst's own layer
    gold = store.ensure_layer("gold", LayerKind.GOLD)
    assert training_layer(store, "alice") == "gold"
    store.set_setting("train.layer", "alice")
    assert training_layer(store, "alice") == "alice"  # the layer chosen in the window wins
    for document_id in ids[:2]:
        store.set_status(gold.id, document_id, DocStatus.DONE)
    set_retrain_every(store, 2)
    store.set_status(alice.id, ids[0], DocStatus.DONE)
    store.set_status(alice.id, ids[1], DocStatus.DONE)
    assert done_marks(store, "gold") == 2 and done_marks(store, "alice") == 2 and done_marks(store) == 4
    model = save_model(store, "gold", 2, "base", {}, b"x")
    remember_baseline(store, model.name, done_marks(store, "gold"), "gold", layer_state(store, "gold"))
    # The analyst's marks do not count towards a model trained from gold.
    store.set_status(alice.id, ids[2], DocStatus.DONE)
    store.set_status(alice.id, ids[3], DocStatus.DONE)
    assert done_since_last_model(store, "gold") == 0 and not retrain_due(store, "gold")
    # Marking gold's documents in progress and done again: two marks, but the same data.
    store.set_status(gold.id, ids[0], DocStatus.IN_PROGRESS)
    store.set_status(gold.id, ids[0], DocStatus.DONE)
    store.set_status(gold.id, ids[1], DocStatus.IN_PROGRESS)
    store.set_status(gold.id, ids[1], DocStatus.DONE)
    store.set_setting("train.retrain_baseline", {**store.setting("train.retrain_baseline"), "marks": 0})
    assert done_since_last_model(store, "gold") >= 2
    assert not retrain_due(store, "gold")  # nothing gold holds changed
    store.add_annotations(gold.id, ids[2], AnnotationSet((SpanAnnotation(Span(10, 15, "GPE")),)))
    store.set_status(gold.id, ids[2], DocStatus.DONE)
    assert retrain_due(store, "gold")
