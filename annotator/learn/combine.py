"""Learned or rule-based, per event type: chosen by what measured better on held-out folds.

For each event type, the trigger F1 (and separately the argument F1) of the learned model and of
the untrained suggester's lexicon and rules are summed over held-out folds; a type whose rules
did better keeps the rules' triggers (or, for arguments, the rules' arguments of the triggers
both found). To keep the reported figures honest, the choice applied to one fold's documents is
made from the *other* folds only; the stored model uses the choice made from all folds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from annotator.model.annotations import AnnotationSet, Event

Counts = dict[str, list[int]]
"""Event type to ``[matched, gold, predicted]``."""


@dataclass
class FoldCounts:
    """One fold's per-type counts, learned and untrained, for triggers and arguments."""

    triggers: tuple[Counts, Counts] = field(default_factory=lambda: ({}, {}))
    arguments: tuple[Counts, Counts] = field(default_factory=lambda: ({}, {}))

    def add(self, learned: Mapping[str, Any], untrained: Mapping[str, Any]) -> None:
        """Add ``annotator evaluate`` reports (``per_event_type``) of one fold."""
        for which, report in enumerate((learned, untrained)):
            for kind, scores in report["per_event_type"].items():
                for name, counts in (("event_triggers", self.triggers[which]), ("event_arguments", self.arguments[which])):
                    s = scores[name]
                    total = counts.setdefault(kind, [0, 0, 0])
                    total[0] += s["matched"]
                    total[1] += s["gold"]
                    total[2] += s["predicted"]


def _f1(counts: Counts, kind: str) -> float:
    matched, gold, predicted = counts.get(kind, [0, 0, 0])
    return 2 * matched / (gold + predicted) if gold + predicted else 0.0


def rules_better(folds: Iterable[FoldCounts]) -> tuple[set[str], set[str]]:
    """Event types whose rules did better than the learned model: for triggers, for arguments."""
    total = FoldCounts()
    for fold in folds:
        for mine, theirs in ((total.triggers, fold.triggers), (total.arguments, fold.arguments)):
            for which in (0, 1):
                for kind, (m, g, p) in theirs[which].items():
                    counts = mine[which].setdefault(kind, [0, 0, 0])
                    counts[0] += m
                    counts[1] += g
                    counts[2] += p
    kinds = set(total.triggers[0]) | set(total.triggers[1])
    triggers = {k for k in kinds if _f1(total.triggers[1], k) > _f1(total.triggers[0], k)}
    arguments = {k for k in kinds if _f1(total.arguments[1], k) > _f1(total.arguments[0], k)}
    return triggers, arguments


def combine(learned: AnnotationSet, untrained: AnnotationSet, rule_types: set[str], rule_argument_types: set[str]) -> AnnotationSet:
    """``learned`` with the events of ``rule_types`` taken from ``untrained`` instead, and the
    arguments of ``rule_argument_types`` events taken from the untrained event on the same trigger."""
    by_trigger = {(e.trigger.start, e.trigger.end, e.type): e for e in untrained.events}
    events: list[Event] = []
    for event in learned.events:
        if event.type in rule_types:
            continue
        other = by_trigger.get((event.trigger.start, event.trigger.end, event.type))
        if event.type in rule_argument_types and other is not None:
            event = replace(event, arguments=other.arguments)
        events.append(event)
    events.extend(e for e in untrained.events if e.type in rule_types)
    return AnnotationSet(learned.spans, tuple(events))


def held_out_choices(folds: Sequence[FoldCounts]) -> list[tuple[set[str], set[str]]]:
    """For each fold, the choice made from the other folds."""
    return [rules_better(f for j, f in enumerate(folds) if j != i) for i in range(len(folds))]
