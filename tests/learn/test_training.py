"""Training a suggester from a tiny gold layer built here: it learns an event type the lexicon does
not know, is stored in the project file, survives reopening, suggests into ``trained:N``, and an
interrupted training leaves the previous model in place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.learn.data import TrainingError
from annotator.learn.trainer import TrainOptions, train
from annotator.model.document import Document
from annotator.model.layer import GOLD, DocStatus, LayerKind
from annotator.store.models import TRAINED_MODEL_SETTING, current_model, list_models, save_model
from annotator.store.project import ProjectStore
from annotator.suggest.trained import choose_suggester

SCORE = "Sport:Score"


OPTIONS = TrainOptions(max_minutes=5.0, folds=2)  # tiny data: 30 epochs end it long before


@pytest.fixture(scope="module")
def trained_project(tmp_path_factory: pytest.TempPathFactory, tiny_gold_maker) -> Path:
    """A project file with a tiny gold layer and one model trained from it (trained once per module)."""
    path = tmp_path_factory.mktemp("training") / "trained.db"
    tiny_gold_maker(path)
    with ProjectStore.open(path) as store:
        report = train(store, OPTIONS)
    assert report.model is not None and report.model.name == "trained:1"
    assert report.documents == 8 and report.trained["documents"] == 8  # every document held out once
    return path


@pytest.fixture
def project_copy(trained_project: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    shutil.copy(trained_project, copy)
    return copy


@pytest.mark.training
def test_the_stored_model_finds_the_trained_event_type_in_a_new_sentence_after_reopening(project_copy: Path) -> None:
    with ProjectStore.open(project_copy) as store:
        model = current_model(store)
        assert model is not None and model.name == "trained:1" and model.layer == GOLD and model.documents == 8
        assert set(model.scores["trained"]) >= {"spans_exact", "event_triggers", "event_arguments"}
        choice = choose_suggester(store, None)
        suggester = choice.load(store.schema())  # type: ignore[arg-type]
    assert suggester.layer_name == "trained:1"
    text = "Yesterday the Eagles scored in the last minute."
    found = suggester.suggest(text, "h")
    assert [(text[e.trigger.start : e.trigger.end], e.type) for e in found.events] == [("scored", SCORE)]
    # The untrained suggester knows no such event type.
    with ProjectStore.open(project_copy) as store:
        untrained = choose_suggester(store, "default").load(store.schema())  # type: ignore[arg-type]
    assert SCORE not in {e.type for e in untrained.suggest(text, "h").events}


@pytest.mark.training
def test_an_interrupted_training_leaves_the_previous_model(project_copy: Path) -> None:
    def interrupt(phase: str, done: int, total: int | None) -> None:
        if phase.startswith("final model"):  # in the middle of training the model to be stored
            raise KeyboardInterrupt

    with ProjectStore.open(project_copy) as store:
        with pytest.raises(KeyboardInterrupt):
            train(store, OPTIONS, progress=interrupt)
    with ProjectStore.open(project_copy) as store:
        assert [m.name for m in list_models(store)] == ["trained:1"]
        assert current_model(store).name == "trained:1"  # type: ignore[union-attr]
        assert store.integrity_check() == "ok"


@pytest.mark.training
def test_suggest_uses_the_stored_model_and_models_lists_it(project_copy: Path) -> None:
    db = str(project_copy)
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db, "models"])
    assert result.exit_code == 0, result.output
    assert "* trained:1" in result.output and "triggers" in result.output
    result = runner.invoke(main, ["--db", db, "suggest", "--processes", "1"])
    assert result.exit_code == 0, result.output
    assert "in layer 'trained:1'" in result.output
    with ProjectStore.open(project_copy) as store:
        layer = store.layer("trained:1")
        assert layer is not None and layer.kind is LayerKind.SUGGESTIONS
        events = [e for d in store.document_ids() for e in store.annotations(layer.id, d).events]  # type: ignore[arg-type]
        assert events and {e.type for e in events} == {SCORE}
        # The learned trigger classifier's probability is stored with each suggestion.
        assert all(e.confidence is not None and 0.0 < e.confidence <= 1.0 for e in events)
    # A suggestions layer can be scored against gold.
    result = runner.invoke(main, ["--db", db, "evaluate", "--pred", "trained:1"])
    assert result.exit_code == 0, result.output
    assert "trained:1 against gold over 8 document(s)" in result.output
    # The untrained default stays available, into its own layer.
    result = runner.invoke(main, ["--db", db, "suggest", "--model", "default", "--processes", "1"])
    assert result.exit_code == 0 and "in layer 'spacy:" in result.output, result.output


@pytest.mark.training
def test_train_stores_but_does_not_adopt_a_model_that_measured_worse(project_copy: Path) -> None:
    # The current model's own held-out figures say it is perfect: any new model measures worse.
    with ProjectStore.open(project_copy) as store:
        perfect = {"spans_exact": 1.0, "event_triggers": 1.0, "event_arguments": 1.0}
        store._db.execute("UPDATE models SET scores = ? WHERE name = 'trained:1'", (json.dumps({"trained": perfect}),))
        store.set_setting(TRAINED_MODEL_SETTING, "trained:1")
    result = CliRunner().invoke(main, ["--db", str(project_copy), "train", "--max-minutes", "5", "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "Stored as trained:2 but not adopted: trained:1 stays the project's suggester" in result.output
    with ProjectStore.open(project_copy) as store:
        assert [m.name for m in list_models(store)] == ["trained:1", "trained:2"]
        assert current_model(store).name == "trained:1"  # type: ignore[union-attr]
        assert choose_suggester(store, None).load(store.schema()).layer_name == "trained:1"  # type: ignore[arg-type]


@pytest.mark.training
def test_past_the_time_bound_training_stops_at_the_least_it_can_store(tmp_path: Path, tiny_gold_maker, monkeypatch) -> None:
    """--max-minutes by behaviour: the clock jumps past the bound after the first recognizer epoch;
    from then on each recognizer stops after its epoch, no further fold is evaluated, and the
    final model (one epoch) is still stored."""
    from annotator.learn import ner_train

    path = tmp_path / "bound.db"
    tiny_gold_maker(path)
    jumped = [0.0]
    real = ner_train.now
    monkeypatch.setattr(ner_train, "now", lambda: real() + jumped[0])

    def progress(phase: str, done: int, total: int | None) -> None:
        if "recognizer epochs" in phase and done == 1:
            jumped[0] = 3600.0  # an hour later: far past the 5-minute bound

    with ProjectStore.open(path) as store:
        report = train(store, TrainOptions(max_minutes=5.0, folds=2), progress=progress)
    assert report.epochs == [1, 1]  # fold 1's recognizer and the final one: one epoch each
    assert report.folds_skipped == 1
    assert report.model is not None


@pytest.mark.training
def test_the_event_classifiers_time_is_not_taken_from_the_recognizers_share(tmp_path: Path, tiny_gold_maker, monkeypatch) -> None:
    """Each event training takes 100 s by the clock, more than fold 1's share of a 5-minute bound
    (75 s): the recognizer still gets its own share after it, so it trains more than one epoch
    (it once got what the event classifiers left: one epoch, entity F1 near 0 on real corpora)."""
    from annotator.learn import ner_train, trainer

    path = tmp_path / "share.db"
    tiny_gold_maker(path)
    jumped = [0.0]
    real_now, real_events = ner_train.now, trainer.train_events
    monkeypatch.setattr(ner_train, "now", lambda: real_now() + jumped[0])

    def slow_events(*args, **kwargs):
        jumped[0] += 100.0
        return real_events(*args, **kwargs)

    monkeypatch.setattr(trainer, "train_events", slow_events)
    with ProjectStore.open(path) as store:
        report = train(store, TrainOptions(max_minutes=5.0, folds=2))
    assert report.epochs[0] > 1
    assert report.model is not None


def test_a_model_stored_without_adopting_leaves_the_untrained_suggester_in_use(tmp_path: Path, tiny_gold_maker) -> None:
    path = tmp_path / "plain.db"
    tiny_gold_maker(path)
    with ProjectStore.open(path) as store:
        model = save_model(store, GOLD, 8, "base", {}, b"", adopt=False)
        assert model.name == "trained:1"
        assert current_model(store) is None  # plain `annotator suggest` still uses the untrained suggester
        save_model(store, GOLD, 8, "base", {}, b"")
        assert current_model(store).name == "trained:2"  # type: ignore[union-attr]


def test_too_few_documents_or_nothing_to_learn_says_what_is_missing(tmp_path: Path, tiny_gold_maker) -> None:
    path = tmp_path / "few.db"
    tiny_gold_maker(path, documents=2)
    with ProjectStore.open(path) as store:
        with pytest.raises(TrainingError, match="'gold' has 2 document\\(s\\) in it; training needs at least 3"):
            train(store, OPTIONS)
        empty = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        for doc_id in store.document_ids():
            store.set_status(empty.id, doc_id, DocStatus.DONE)  # type: ignore[arg-type]
        store.add_document(Document("A third text."), None)
        store.set_status(empty.id, store.document_ids()[-1], DocStatus.DONE)  # type: ignore[arg-type]
        with pytest.raises(TrainingError, match="no entities and no events"):
            train(store, TrainOptions(layer="alice"))
    result = CliRunner().invoke(main, ["--db", str(path), "train", "--layer", "bob"])
    assert result.exit_code == 1 and "the project has no layer 'bob'" in result.output
