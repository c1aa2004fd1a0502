"""The rule that decides whether a newly trained model replaces what suggests today."""

from __future__ import annotations

from annotator.review.model_choice import better_of_both, compare


def scores(entities: float, triggers: float, arguments: float, per_label: dict, examples: int = 10) -> dict:
    def m(f1: float, gold: int = examples) -> dict:
        return {"f1": f1, "gold": gold}

    return {
        "spans_exact": m(entities), "event_triggers": m(triggers), "event_arguments": m(arguments, 0),
        "per_label": {label: {"spans_exact": m(f1, n)} for label, (f1, n) in per_label.items()},
        "per_event_type": {},
    }


def test_a_model_worse_than_the_untrained_suggester_is_not_better_and_the_rows_say_where() -> None:
    # The case: entities 0.92 vs 0.98, FAC and MONEY 0.00 vs 1.00.
    trained = scores(0.92, 0.5, 0.0, {"FAC": (0.0, 2), "MONEY": (0.0, 1), "PERSON": (0.95, 20)})
    untrained = scores(0.98, 0.5, 0.0, {"FAC": (1.0, 2), "MONEY": (1.0, 1), "PERSON": (0.9, 20)})
    verdict = compare(trained, untrained)
    assert not verdict.new_better
    rows = {r.title.strip(): r for r in verdict.rows}
    assert rows["FAC"].winner == "old" and rows["FAC"].examples == 2
    assert rows["PERSON"].winner == "new" and rows["PERSON"].examples == 20
    assert "event arguments" in rows and rows["event arguments"].examples == 0  # no examples: not in the mean
    assert abs(verdict.old_mean - 0.74) < 1e-9
    sentence = verdict.sentence("trained:2")
    assert sentence.startswith("the untrained suggester measured better") and "FAC" in sentence and "MONEY" in sentence


def test_a_better_model_wins_and_a_strong_current_model_is_the_bar() -> None:
    trained = scores(0.9, 0.8, 0.0, {})
    untrained = scores(0.5, 0.4, 0.0, {})
    assert compare(trained, untrained).new_better
    current = {"spans_exact": 0.95, "event_triggers": 0.9, "event_arguments": 0.0, "per_label": {}, "per_event_type": {}}
    verdict = better_of_both(trained, untrained, current, "trained:1")
    assert verdict.baseline == "trained:1" and not verdict.new_better
    # A current model weaker than the untrained suggester is not the bar: the untrained one is.
    weak = {"spans_exact": 0.1, "event_triggers": 0.1}
    assert better_of_both(trained, untrained, weak, "trained:1").baseline == "the untrained suggester"
