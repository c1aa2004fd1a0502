"""Learned or rule-based, per event type: chosen by what measured better on held-out folds.

For each event type, the trigger F1 (and separately the argument F1) of the learned model and of
the untrained suggester's lexicon and rules are summed over held-out folds; a type whose rules
did better keeps the rules' triggers (or, for arguments, the rules' arguments of the triggers
both found). To keep the reported figures honest, the choice applied to one fold's documents is
made from the *other* folds only; the stored model uses the choice made from all folds.

Per role too: among the triggers both sides found, a role (``"Type|Role"``) whose rules' fillers
measured better than the learned ones keeps the rules' fillers of that role, while the learned
model keeps the other roles (see :func:`role_counts` and :func:`roles_better`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from annotator.model.annotations import AnnotationSet, Event
from annotator.review.units import argument_keys

MIN_EVIDENCE = 5
"""A learned part replaces a rule that finds anything only when it won on at least this many gold
items of the training folds: on fewer, a tie or a narrow win is chance, and the rules are predictable."""

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
    triggers = {k for k in kinds if _rules_win(total.triggers, k)}
    arguments = {k for k in kinds if _rules_win(total.arguments, k)}
    return triggers, arguments


def _rules_win(counts: tuple[Counts, Counts], kind: str) -> bool:
    """The rules measured at least as well (a tie goes to the rules: a learned part no better than
    them adds only its own mistakes), or as good as they can be judged on too few gold items.
    Where neither finds any (F1 0 both), the side that suggests fewer wrong items wins."""
    rules, learned = _f1(counts[1], kind), _f1(counts[0], kind)
    if rules == learned == 0.0:
        return counts[1].get(kind, [0, 0, 0])[2] <= counts[0].get(kind, [0, 0, 0])[2]
    gold = max(counts[0].get(kind, [0, 0, 0])[1], counts[1].get(kind, [0, 0, 0])[1])
    return rules >= learned or (0.0 < rules and gold < MIN_EVIDENCE)


RoleCounts = tuple[Counts, Counts]
"""Learned and untrained ``"Type|Role"`` to ``[matched, gold, predicted]``, on shared triggers."""


def role_counts(documents: Iterable[tuple[AnnotationSet, AnnotationSet, AnnotationSet]]) -> RoleCounts:
    """Per role, the argument counts of learned and untrained over ``(gold, learned, untrained)``
    documents, among the triggers (start, end, type) that learned and untrained both found: the
    only events where taking a role's fillers from the rules can change anything."""
    counts: RoleCounts = ({}, {})
    for gold, learned, plain in documents:
        gold_keys, keys = argument_keys(gold), (argument_keys(learned), argument_keys(plain))
        shared = {(e.trigger.start, e.trigger.end, e.type) for e in learned.events} & {
            (e.trigger.start, e.trigger.end, e.type) for e in plain.events
        }
        wanted = {k for k in gold_keys if k[:3] in shared}
        for which in (0, 1):
            found = {k for k in keys[which] if k[:3] in shared}
            for key in wanted | found:
                total = counts[which].setdefault(f"{key[2]}|{key[3]}", [0, 0, 0])
                total[0] += key in wanted and key in found
                total[1] += key in wanted
                total[2] += key in found
    return counts


ALL_LABELS = "*"
"""The key of :func:`label_counts` that sums every label: the recognizer as a whole."""


def label_counts(documents: Iterable[tuple[AnnotationSet, AnnotationSet, AnnotationSet]]) -> RoleCounts:
    """Per entity label (and :data:`ALL_LABELS`), exact-span counts of the learned and the untrained
    recognizer over ``(gold, learned, untrained)`` documents, in :func:`roles_better`'s form."""
    counts: RoleCounts = ({}, {})
    for gold, learned, plain in documents:
        wanted = {(a.start, a.end, a.label) for a in gold.spans if not a.provenance.is_rejected}
        for which, found in enumerate((learned, plain)):
            keys = {(a.start, a.end, a.label) for a in found.spans}
            for key in wanted | keys:
                for name in (key[2], ALL_LABELS):
                    total = counts[which].setdefault(name, [0, 0, 0])
                    total[0] += key in wanted and key in keys
                    total[1] += key in wanted
                    total[2] += key in keys
    return counts


def roles_better(folds: Iterable[RoleCounts]) -> set[str]:
    """``"Type|Role"`` keys whose rules' fillers did better than the learned ones, summed over folds."""
    total: RoleCounts = ({}, {})
    for fold in folds:
        for which in (0, 1):
            for key, (m, g, p) in fold[which].items():
                counts = total[which].setdefault(key, [0, 0, 0])
                counts[0] += m
                counts[1] += g
                counts[2] += p
    keys = set(total[0]) | set(total[1])
    return {k for k in keys if _rules_win(total, k)}


def explain(folds: Sequence[FoldCounts], roles: Sequence[RoleCounts], labels: Sequence[RoleCounts] = ()) -> list[str]:
    """Why each part kept from the rules was kept: its held-out F1, rules against learned, all folds summed."""
    lines = []
    rule_types, argument_types = rules_better(folds)
    for title, chosen, pick in (("triggers of", rule_types, lambda f: f.triggers), ("arguments of", argument_types, lambda f: f.arguments)):
        for kind in sorted(chosen):
            learned, plain = _sum([pick(f)[0] for f in folds]), _sum([pick(f)[1] for f in folds])
            lines.append(f"{title} {kind}: rules F1 {_f1(plain, kind):.2f} against learned {_f1(learned, kind):.2f} (gold {plain.get(kind, learned.get(kind, [0, 0, 0]))[1]})")
    for group, title in ((roles, "role"), (labels, "entities")):
        learned, plain = _sum([r[0] for r in group]), _sum([r[1] for r in group])
        # Entities are kept from the base recognizer as a whole (all labels), not per label.
        chosen = [k for k in roles_better(group) if (k.split("|")[0] not in argument_types if title == "role" else k == ALL_LABELS)]
        for key in sorted(chosen):
            name = "entities (all labels): the base recognizer" if title == "entities" else f"{title} {key}: rules"
            lines.append(f"{name} F1 {_f1(plain, key):.2f} against learned {_f1(learned, key):.2f} (gold {plain.get(key, learned.get(key, [0, 0, 0]))[1]})")
    return lines


def _sum(parts: Iterable[Counts]) -> Counts:
    total: Counts = {}
    for part in parts:
        for key, (m, g, p) in part.items():
            counts = total.setdefault(key, [0, 0, 0])
            counts[0] += m
            counts[1] += g
            counts[2] += p
    return total


def combine(
    learned: AnnotationSet,
    untrained: AnnotationSet,
    rule_types: set[str],
    rule_argument_types: set[str],
    rule_roles: set[str] | frozenset[str] = frozenset(),
    base_entities: bool = False,
) -> AnnotationSet:
    """``learned`` with the events of ``rule_types`` taken from ``untrained`` instead, the
    arguments of ``rule_argument_types`` events taken from the untrained event on the same trigger,
    and, on other events the untrained suggester also found, the fillers of ``rule_roles``
    (``"Type|Role"``) taken from it in place of the learned fillers of those roles; with
    ``base_entities`` the entities are the untrained (base) recognizer's."""
    by_trigger = {(e.trigger.start, e.trigger.end, e.type): e for e in untrained.events}
    events: list[Event] = []
    for event in learned.events:
        if event.type in rule_types:
            continue
        other = by_trigger.get((event.trigger.start, event.trigger.end, event.type))
        if event.type in rule_argument_types and other is not None:
            event = replace(event, arguments=other.arguments)
        elif other is not None and rule_roles:
            event = replace(event, arguments=mix_roles(event.type, event.arguments, other.arguments, rule_roles))
        events.append(event)
    events.extend(e for e in untrained.events if e.type in rule_types)
    return AnnotationSet(untrained.spans if base_entities else learned.spans, tuple(events))


def mix_roles(kind: str, learned: Sequence[Any], rules: Sequence[Any], rule_roles: set[str] | frozenset[str]) -> tuple[Any, ...]:
    """The learned arguments but those of ``rule_roles``, which come from ``rules`` instead."""
    mine = tuple(a for a in learned if f"{kind}|{a.role}" not in rule_roles)
    return mine + tuple(a for a in rules if f"{kind}|{a.role}" in rule_roles and a.span is not None)


def held_out_choices(folds: Sequence[FoldCounts]) -> list[tuple[set[str], set[str]]]:
    """For each fold, the choice made from the other folds."""
    return [rules_better(f for j, f in enumerate(folds) if j != i) for i in range(len(folds))]


def held_out_roles(folds: Sequence[RoleCounts]) -> list[set[str]]:
    """For each fold, the roles chosen from the other folds."""
    return [roles_better(f for j, f in enumerate(folds) if j != i) for i in range(len(folds))]
