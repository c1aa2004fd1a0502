"""Precision at confidence thresholds: what auto-accepting the suggestions above N % would give.

For each threshold ``t`` and each kind (entities, event triggers), counts the predicted
annotations whose confidence is at least ``t``, how many of them gold has (exact offsets and
label, as ``evaluate``'s exact measures), the precision among them, and the share of gold they
recover; overall and per label. Annotations without a confidence are counted apart (they are
never auto-accepted). A lead reads off the lowest threshold whose precision is good enough and
gives it to ``annotator accept-above``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from annotator.model.annotations import AnnotationSet

DEFAULT_THRESHOLDS: tuple[float, ...] = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
KINDS = (("entities", "entities (exact)"), ("event_triggers", "event triggers"))


@dataclass
class _Tally:
    """Per threshold: suggestions at or above it, and how many of them gold has."""

    above: list[int]
    matched: list[int]
    gold: int = 0
    unscored: int = 0
    scored: int = 0

    @classmethod
    def empty(cls, count: int) -> _Tally:
        return cls([0] * count, [0] * count)


@dataclass
class ThresholdCounter:
    """Accumulates, one document at a time, precision at each of ``thresholds``."""

    thresholds: Sequence[float] = DEFAULT_THRESHOLDS
    totals: dict[str, _Tally] = field(default_factory=dict)
    labels: dict[str, dict[str, _Tally]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.thresholds = tuple(sorted(set(float(t) for t in self.thresholds)))
        for kind, _ in KINDS:
            self.totals[kind] = _Tally.empty(len(self.thresholds))
            self.labels[kind] = {}

    def add_document(self, gold: AnnotationSet, pred: AnnotationSet) -> None:
        gold_spans = {(a.start, a.end, a.label) for a in gold.spans if not a.provenance.is_rejected}
        gold_triggers = {(e.trigger.start, e.trigger.end, e.type) for e in gold.events if not e.provenance.is_rejected}
        spans = [((a.start, a.end, a.label), a.confidence) for a in pred.spans if not a.provenance.is_rejected]
        triggers = [((e.trigger.start, e.trigger.end, e.type), e.confidence) for e in pred.events if not e.provenance.is_rejected]
        self._add("entities", gold_spans, spans)
        self._add("event_triggers", gold_triggers, triggers)

    def _add(self, kind: str, gold: set[tuple[int, int, str]], pred: Iterable[tuple[tuple[int, int, str], float | None]]) -> None:
        labels = self.labels[kind]
        for key in gold:
            self.totals[kind].gold += 1
            labels.setdefault(key[2], _Tally.empty(len(self.thresholds))).gold += 1
        seen: set[tuple[int, int, str]] = set()
        for key, confidence in pred:
            if key in seen:
                continue  # the same annotation twice counts once, as in evaluate's sets
            seen.add(key)
            for tally in (self.totals[kind], labels.setdefault(key[2], _Tally.empty(len(self.thresholds)))):
                if confidence is None:
                    tally.unscored += 1
                    continue
                tally.scored += 1
                hit = key in gold
                for i, threshold in enumerate(self.thresholds):
                    if confidence >= threshold:
                        tally.above[i] += 1
                        tally.matched[i] += hit

    def has_scores(self) -> bool:
        """Whether any predicted annotation had a confidence."""
        return any(tally.scored for tally in self.totals.values())

    def to_dict(self) -> dict[str, Any]:
        """``{"thresholds": [...], KIND: {"overall": ROWS, "per_label": {LABEL: ROWS}}}``, where ROWS is
        ``{"unscored", "gold", "rows": [{"threshold", "suggestions", "matched", "precision", "recall"}]}``."""
        report: dict[str, Any] = {"thresholds": list(self.thresholds)}
        for kind, _ in KINDS:
            report[kind] = {
                "overall": self._rows(self.totals[kind]),
                "per_label": {label: self._rows(self.labels[kind][label]) for label in sorted(self.labels[kind])},
            }
        return report

    def _rows(self, tally: _Tally) -> dict[str, Any]:
        rows = []
        for i, threshold in enumerate(self.thresholds):
            above, matched = tally.above[i], tally.matched[i]
            rows.append({
                "threshold": threshold,
                "suggestions": above,
                "matched": matched,
                "precision": matched / above if above else None,
                "recall": matched / tally.gold if tally.gold else None,
            })
        return {"scored": tally.scored, "unscored": tally.unscored, "gold": tally.gold, "rows": rows}


def format_thresholds(report: Mapping[str, Any]) -> str:
    """The threshold report as text: per kind, one line per threshold, then per label."""
    lines = ["Precision at confidence thresholds (suggestions at or above each; exact matches):"]
    for kind, title in KINDS:
        section = report[kind]
        if not any(r["suggestions"] for r in section["overall"]["rows"]):
            continue
        lines += ["", f"{title}:", f"{'':<24}" + "".join(f"{'>=' + format(t, '.0%'):>14}" for t in report["thresholds"])]
        lines.append(_line("all labels", section["overall"]))
        for label, rows in section["per_label"].items():
            if any(r["suggestions"] for r in rows["rows"]):
                lines.append(_line(label, rows))
        unscored = section["overall"]["unscored"]
        if unscored:
            lines.append(f"  ({unscored} suggestion(s) without a confidence are never auto-accepted)")
    if len(lines) == 1:
        lines.append("  (none of the predicted annotations has a confidence)")
    return "\n".join(lines)


def _line(title: str, rows: Mapping[str, Any]) -> str:
    cells = []
    for row in rows["rows"]:
        precision = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        cells.append(f"{precision + ' (' + str(row['suggestions']) + ')':>14}")
    return f"{title[:23]:<24}" + "".join(cells)


def parse_thresholds(text: str) -> tuple[float, ...]:
    """``"0.8,0.9"`` or ``"80,90"`` (percent) as fractions; raises ValueError with a message."""
    values = []
    for part in text.split(","):
        part = part.strip().rstrip("%")
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"{part!r} is not a number; give thresholds like 0.8,0.9 or 80,90") from None
        value = value / 100 if value > 1 else value
        if not 0 <= value <= 1:
            raise ValueError(f"{part!r} is not a confidence between 0 and 1 (or 0 and 100 %)")
        values.append(value)
    if not values:
        raise ValueError("give at least one threshold, like 0.8,0.9")
    return tuple(values)
