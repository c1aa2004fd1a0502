"""Whether a newly trained model is better than what suggests today, and where: the rule the
window (and background retraining) follows before adopting a model.

Both are measured on the same held-out folds of the training run (``annotator train``'s report:
the trained and the untrained suggester). The verdict compares the mean F1 of the measures the
gold has examples of (entities, event triggers, event arguments); the rows say, per measure,
label and event type, which is better and on how many gold examples. A current trained model is
compared by its own stored held-out figures (another run's folds: the rows say so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MEASURES = (("entities", "spans_exact"), ("event triggers", "event_triggers"), ("event arguments", "event_arguments"))


@dataclass(frozen=True)
class Row:
    title: str
    new: float
    old: float
    examples: int
    """Gold examples on the held-out folds (spans, triggers or arguments)."""

    @property
    def winner(self) -> str:
        return "new" if self.new > self.old else "old" if self.old > self.new else "same"


@dataclass
class Verdict:
    """The comparison of the new model with ``baseline`` (a name for the user)."""

    baseline: str
    new_better: bool
    new_mean: float
    old_mean: float
    rows: list[Row] = field(default_factory=list)

    def sentence(self, new_name: str) -> str:
        which = new_name if self.new_better else self.baseline
        worse = [r.title.strip() for r in self.rows if r.winner == "old" and r.examples]
        tail = f" (worse on: {', '.join(worse[:6])})" if worse and not self.new_better else ""
        return (
            f"{which} measured better on the held-out documents: mean F1 {self.new_mean:.2f} for {new_name} "
            f"vs {self.old_mean:.2f} for {self.baseline}{tail}."
        )


def _f1(scores: dict[str, Any], *keys: str) -> tuple[float, int]:
    for key in keys:
        scores = scores.get(key, {}) if isinstance(scores, dict) else {}
    return float(scores.get("f1", 0.0)), int(scores.get("gold", 0))


def compare(trained: dict[str, Any], untrained: dict[str, Any], current: dict[str, Any] | None = None, current_name: str = "") -> Verdict:
    """The new model (``trained``) against the untrained suggester (``untrained``, same folds) or,
    when given, the current trained model (``current``: its stored summary of flat F1 figures)."""
    rows: list[Row] = []
    for title, key in MEASURES:
        new, examples = _f1(trained, key)
        old = float(current.get(key, 0.0)) if current is not None else _f1(untrained, key)[0]
        rows.append(Row(title, new, old, examples))
    for label, scores in sorted(trained.get("per_label", {}).items()):
        new, examples = _f1(scores, "spans_exact")
        if examples:
            old = float(current.get("per_label", {}).get(label, 0.0)) if current is not None else _f1(untrained.get("per_label", {}).get(label, {}), "spans_exact")[0]
            rows.append(Row(f"  {label}", new, old, examples))
    for kind, scores in sorted(trained.get("per_event_type", {}).items()):
        new, examples = _f1(scores, "event_triggers")
        if examples:
            old = float(current.get("per_event_type", {}).get(kind, 0.0)) if current is not None else _f1(untrained.get("per_event_type", {}).get(kind, {}), "event_triggers")[0]
            rows.append(Row(f"  {kind} (trigger)", new, old, examples))
    counted = [r for r in rows[: len(MEASURES)] if r.examples]
    new_mean = sum(r.new for r in counted) / len(counted) if counted else 0.0
    old_mean = sum(r.old for r in counted) / len(counted) if counted else 0.0
    baseline = current_name if current is not None else "the untrained suggester"
    return Verdict(baseline, new_mean > old_mean, new_mean, old_mean, rows)


def better_of_both(trained: dict[str, Any], untrained: dict[str, Any], current: dict[str, Any] | None, current_name: str) -> Verdict:
    """The comparison that decides adoption: against the current model when there is one and it
    beat the untrained suggester itself, else against the untrained suggester."""
    plain = compare(trained, untrained)
    if current is None:
        return plain
    against_current = compare(trained, untrained, current, current_name)
    return against_current if against_current.old_mean > plain.old_mean else plain
