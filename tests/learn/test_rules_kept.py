"""Never worse than the rules: where the rules measure better on held-out folds, the trained
suggester keeps them (per event type and per role), and ``annotator train`` says which and why.

The gold here is the untrained suggester's own output on short news sentences, so the rules
score perfectly on it and a model learned from nine sentences can only tie or lose: every part
where it lost (all folds pooled) must come from the rules in the stored model.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.app.bundled import default_schema
from annotator.learn.trainer import TrainOptions, train
from annotator.model.annotations import AnnotationSet, new_uid
from annotator.model.document import Document
from annotator.model.layer import GOLD, DocStatus, LayerKind
from annotator.store.project import ProjectStore
from annotator.suggest.suggester import Suggester
from annotator.suggest.trained import choose_suggester

PLACES = ["Kandahar", "Kabul", "Herat"]
DAYS = ["Monday", "Friday", "Tuesday"]
SENTENCES = [
    "Militants attacked a police station in {place} on {day}, officials said.",
    "Police arrested two men in {place} on {day} after the raid.",
    "Gunmen attacked a convoy near {place} on {day}.",
]


def _rules_gold(path: Path) -> None:
    with ProjectStore.open(path) as store:
        store.set_schema(default_schema())
        rules = Suggester.load(None, default_schema())
        gold = store.ensure_layer(GOLD, LayerKind.GOLD)
        for n in range(9):
            text = SENTENCES[n % 3].format(place=PLACES[n // 3], day=DAYS[(n + n // 3) % 3])
            found = rules.suggest(text, str(n))
            doc_id = store.add_document(Document(text), None)
            copied = AnnotationSet(tuple(replace(a, uid=new_uid()) for a in found.spans), tuple(replace(e, uid=new_uid()) for e in found.events))
            store.add_annotations(gold.id, doc_id, copied)
            store.set_status(gold.id, doc_id, DocStatus.DONE)


@pytest.mark.training
def test_the_rules_are_kept_where_they_measure_better_and_train_says_why(tmp_path: Path) -> None:
    path = tmp_path / "rules.db"
    _rules_gold(path)
    with ProjectStore.open(path) as store:
        report = train(store, TrainOptions(max_minutes=5.0, folds=3, store_model=False))
    assert report.untrained["event_arguments"]["f1"] == 1.0  # the gold is the rules' own output
    learned = report.learned
    for kind, scores in learned["per_event_type"].items():
        rules_f1 = report.untrained["per_event_type"][kind]
        if scores["event_triggers"]["f1"] < rules_f1["event_triggers"]["f1"]:
            assert kind in report.rule_types
        # Arguments worse: kept from the rules for the whole type, or for the roles that lost.
        if scores["event_arguments"]["f1"] < rules_f1["event_arguments"]["f1"] and kind not in report.rule_types:
            assert kind in report.rule_argument_types or any(r.startswith(kind + "|") for r in report.rule_argument_roles)
    # Entities: the base recognizer's are the gold here, so it wins (or ties) on every fold: it is kept.
    assert report.base_entities
    assert report.trained["spans_exact"]["f1"] == report.untrained["spans_exact"]["f1"] == 1.0
    kept = len(report.rule_types) + len(report.rule_argument_types) + len(report.rule_argument_roles)
    assert len(report.rule_reasons) == kept + 1  # the entities line
    assert any(line.startswith("entities (all labels): the base recognizer F1 1.00") for line in report.rule_reasons)

    result = CliRunner().invoke(main, ["--db", str(path), "train", "--max-minutes", "5", "--folds", "3", "--adopt", "always"])
    assert result.exit_code == 0, result.output
    if kept:
        assert "Kept from the rules, which did better on held-out documents" in result.output
        assert "rules F1 1.00 against learned" in result.output
    else:
        assert "Kept from the rules: nothing" in result.output
    # The stored model suggests what the rules suggest on a new sentence of the kind it was taught.
    text = "Militants attacked a checkpoint in Kunduz on Sunday, officials said."
    with ProjectStore.open(path) as store:
        trained = choose_suggester(store, None).load(store.schema())  # type: ignore[arg-type]
    rules = Suggester.load(None, default_schema())

    def events(found: AnnotationSet) -> set:
        return {(e.type, e.trigger.start, frozenset((a.role, a.span.start, a.span.end) for a in e.arguments if a.span)) for e in found.events}

    assert events(trained.suggest(text, "t")) == events(rules.suggest(text, "r"))
