"""Learned or rules per event type, chosen on held-out folds and never on the fold it is applied to."""

from __future__ import annotations

from annotator.learn.combine import FoldCounts, combine, explain, held_out_choices, held_out_roles, role_counts, roles_better, rules_better
from annotator.model.annotations import AnnotationSet, Argument, Event, Span


def _report(per_type: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]]) -> dict:
    def scores(m: int, g: int, p: int) -> dict:
        return {"matched": m, "gold": g, "predicted": p}

    return {"per_event_type": {k: {"event_triggers": scores(*t), "event_arguments": scores(*a)} for k, (t, a) in per_type.items()}}


def _fold(learned: dict, untrained: dict) -> FoldCounts:
    fold = FoldCounts()
    fold.add(_report(learned), _report(untrained))
    return fold


def test_the_better_side_wins_per_type_and_each_fold_is_judged_by_the_others() -> None:
    # Attack: the rules find 9 of 10, the learned model 5; Methylation: only the learned model finds any.
    a = _fold({"Attack": ((5, 10, 6), (2, 8, 3)), "Methylation": ((4, 5, 4), (3, 6, 4))},
              {"Attack": ((9, 10, 9), (1, 8, 2)), "Methylation": ((0, 5, 0), (0, 6, 0))})
    b = _fold({"Attack": ((6, 10, 7), (3, 8, 4))}, {"Attack": ((3, 10, 12), (6, 8, 7))})
    assert rules_better([a]) == ({"Attack"}, set())
    assert rules_better([b]) == (set(), {"Attack"})
    # Over both folds: triggers 11/20/13 learned (F1 .667) vs 12/20/21 rules (.585); arguments 5/16/7 vs 7/16/9.
    assert rules_better([a, b]) == (set(), {"Attack"})
    assert held_out_choices([a, b]) == [rules_better([b]), rules_better([a])]


def test_a_tie_goes_to_the_rules_and_a_type_only_the_learned_model_invents_is_dropped() -> None:
    # Attack: both find 8 of 10 with 9 predicted (a tie); Hack: no gold, the learned model predicts 3.
    fold = _fold({"Attack": ((8, 10, 9), (4, 8, 5)), "Hack": ((0, 0, 3), (0, 0, 0))},
                 {"Attack": ((8, 10, 9), (4, 8, 5))})
    assert rules_better([fold]) == ({"Attack", "Hack"}, {"Attack", "Hack"})
    # Neither finds any Meet, the rules suggest 2 wrong ones and the learned model none: learned.
    quiet = _fold({"Meet": ((0, 4, 0), (0, 0, 0))}, {"Meet": ((0, 4, 2), (0, 0, 0))})
    assert rules_better([quiet]) == (set(), {"Meet"})  # (arguments: nothing either side, a tie)
    # A learned side that is better on enough gold still wins.
    better = _fold({"Attack": ((9, 10, 9), (6, 8, 6))}, {"Attack": ((8, 10, 9), (4, 8, 5))})
    assert rules_better([better]) == (set(), set())


def test_combine_takes_rule_events_and_rule_arguments_by_type() -> None:
    attack_learned = Event(Span(0, 4, "Attack"), (Argument("Target", Span(10, 14, "GPE")),))
    attack_rules = Event(Span(0, 4, "Attack"), (Argument("Place", Span(10, 14, "GPE")),))
    meet_learned = Event(Span(20, 23, "Meet"))
    meet_rules = Event(Span(30, 33, "Meet"))
    learned = AnnotationSet((), (attack_learned, meet_learned))
    rules = AnnotationSet((), (attack_rules, meet_rules))
    both = combine(learned, rules, {"Meet"}, {"Attack"})
    assert [(e.trigger, e.arguments) for e in both.events] == [
        (attack_learned.trigger, attack_rules.arguments),
        (meet_rules.trigger, ()),
    ]
    assert combine(learned, rules, set(), set()).events == learned.events


def _attack(arguments: tuple[Argument, ...]) -> Event:
    return Event(Span(0, 4, "Attack"), arguments)


PLACE = Argument("Place", Span(10, 14, "GPE"))
TARGET = Argument("Target", Span(20, 25, "PERSON"))
WRONG_PLACE = Argument("Place", Span(30, 34, "GPE"))


def test_a_role_the_rules_fill_better_keeps_the_rules_fillers_and_the_learned_roles_stay() -> None:
    gold = AnnotationSet((), (_attack((PLACE, TARGET)),))
    learned = AnnotationSet((), (_attack((WRONG_PLACE, TARGET)),))  # learned: Target right, Place wrong
    rules = AnnotationSet((), (_attack((PLACE,)),))  # rules: Place right, no Target
    counts = role_counts([(gold, learned, rules)])
    assert counts[0]["Attack|Place"] == [0, 1, 1] and counts[1]["Attack|Place"] == [1, 1, 1]
    assert roles_better([counts]) == {"Attack|Place"}
    both = combine(learned, rules, set(), set(), roles_better([counts]))
    assert set(both.events[0].arguments) == {PLACE, TARGET}
    # Each fold is judged by the others: with one fold for and one against, each gets the other's choice.
    against = role_counts([(AnnotationSet((), (_attack((WRONG_PLACE,)),)), learned, rules)])
    assert held_out_roles([counts, against]) == [roles_better([against]), roles_better([counts])] == [{"Attack|Target"}, {"Attack|Place"}]  # Target: no gold in ``against``, the same filler both sides: a tie, the rules'
    reasons = explain([FoldCounts()], [counts])
    assert reasons == ["role Attack|Place: rules F1 1.00 against learned 0.00 (gold 1)"]


def test_roles_are_compared_only_on_triggers_both_sides_found() -> None:
    gold = AnnotationSet((), (_attack((PLACE,)),))
    learned = AnnotationSet((), (_attack((PLACE,)),))
    rules = AnnotationSet((), (Event(Span(5, 8, "Attack"), (WRONG_PLACE,)),))  # another trigger: nothing to swap
    assert role_counts([(gold, learned, rules)]) == ({}, {})
    assert combine(learned, rules, set(), set(), {"Attack|Place"}).events == learned.events


def test_the_roles_kept_from_the_rules_are_stored_with_the_model() -> None:
    import numpy as np

    from annotator.suggest.learned import NONE, EventModel, LinearModel

    model = EventModel(LinearModel([NONE], {}, np.zeros((0, 1), np.float32), np.zeros(1, np.float32)), None)
    model.rule_argument_roles = ["Conflict:Attack|Place"]
    assert EventModel.from_bytes(model.to_bytes()).rule_argument_roles == ["Conflict:Attack|Place"]
