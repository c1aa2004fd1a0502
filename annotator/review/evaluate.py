"""Evaluation of one layer against gold: precision, recall and F1, overall and per label.

Any layer can be the prediction (an analyst's, or a suggester's to track suggestion quality) and
any layer the gold. The definitions are agreement's (:mod:`annotator.review.agreement`) with gold
as A and the prediction as B: exact spans, overlapping spans of the same label, event triggers
and event arguments, relations with exact ends and type (overall and per type), over the
documents both layers contain. Precision is the share of the
prediction that matches gold (for overlap: predicted spans overlapping a gold span of the same
label), recall the share of gold that the prediction matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from annotator.model.annotations import AnnotationSet
from annotator.review.confidence_thresholds import DEFAULT_THRESHOLDS, ThresholdCounter, format_thresholds
from annotator.review.metrics import OverlapCounts, SetCounts
from annotator.review.relation_units import by_type, relation_keys
from annotator.review.units import argument_keys, span_keys, trigger_keys
from annotator.store.layer_reads import chunks, common_documents, layer_annotations, resolve_layers
from annotator.store.project import ProjectStore

MEASURES = (
    ("spans_exact", "spans (exact)"),
    ("spans_overlap", "spans (overlap)"),
    ("event_triggers", "event triggers"),
    ("event_arguments", "event arguments"),
    ("relations", "relations"),
)


@dataclass
class _Counts:
    spans_exact: SetCounts = field(default_factory=SetCounts)
    spans_overlap: OverlapCounts = field(default_factory=OverlapCounts)
    event_triggers: SetCounts = field(default_factory=SetCounts)
    event_arguments: SetCounts = field(default_factory=SetCounts)
    relations: SetCounts = field(default_factory=SetCounts)


class EvaluationCounter:
    """Scores of ``pred`` against ``gold``, accumulated one document at a time."""

    def __init__(self, gold: str = "gold", pred: str = "pred", thresholds: Sequence[float] = DEFAULT_THRESHOLDS):
        self.gold, self.pred = gold, pred
        self.by_confidence = ThresholdCounter(thresholds)
        """Precision of the prediction's scored suggestions at confidence thresholds."""
        self.documents = 0
        self.total = _Counts()
        self.labels: dict[str, _Counts] = {}
        self.event_types: dict[str, _Counts] = {}
        self.relation_types: dict[str, _Counts] = {}

    def add_document(self, gold: AnnotationSet, pred: AnnotationSet) -> None:
        self.documents += 1
        self.by_confidence.add_document(gold, pred)
        spans_g, spans_p = span_keys(gold), span_keys(pred)
        triggers_g, triggers_p = trigger_keys(gold), trigger_keys(pred)
        arguments_g, arguments_p = argument_keys(gold), argument_keys(pred)
        _add_spans(self.total, spans_g, spans_p)
        relations_g, relations_p = relation_keys(gold), relation_keys(pred)
        self.total.relations.add(relations_g, relations_p)
        for kind in {k[0] for k in relations_g | relations_p}:
            self.relation_types.setdefault(kind, _Counts()).relations.add(by_type(relations_g, kind), by_type(relations_p, kind))
        self.total.event_triggers.add(triggers_g, triggers_p)
        self.total.event_arguments.add(arguments_g, arguments_p)
        for label in {k[2] for k in spans_g | spans_p}:
            _add_spans(
                self.labels.setdefault(label, _Counts()),
                {k for k in spans_g if k[2] == label},
                {k for k in spans_p if k[2] == label},
            )
        for kind in {k[2] for k in triggers_g | triggers_p}:
            counts = self.event_types.setdefault(kind, _Counts())
            counts.event_triggers.add({k for k in triggers_g if k[2] == kind}, {k for k in triggers_p if k[2] == kind})
            counts.event_arguments.add(
                {k for k in arguments_g if k[2] == kind}, {k for k in arguments_p if k[2] == kind}
            )

    def to_dict(self) -> dict[str, Any]:
        """``{"gold", "pred", "documents", MEASURE: scores, "per_label": {...}, "per_event_type": {...}}``;
        scores are ``{"precision", "recall", "f1", "gold", "predicted", "matched"}``."""
        return {
            "gold": self.gold,
            "pred": self.pred,
            "documents": self.documents,
            **{name: getattr(self.total, name).prf().to_dict() for name, _ in MEASURES},
            "per_label": {
                label: {name: getattr(self.labels[label], name).prf().to_dict() for name in ("spans_exact", "spans_overlap")}
                for label in sorted(self.labels)
            },
            "per_event_type": {
                kind: {name: getattr(self.event_types[kind], name).prf().to_dict() for name in ("event_triggers", "event_arguments")}
                for kind in sorted(self.event_types)
            },
            "per_relation_type": {
                kind: {"relations": self.relation_types[kind].relations.prf().to_dict()} for kind in sorted(self.relation_types)
            },
            "by_confidence": self.by_confidence.to_dict() if self.by_confidence.has_scores() else None,
        }


def _add_spans(counts: _Counts, gold: set, pred: set) -> None:
    counts.spans_exact.add(gold, pred)
    counts.spans_overlap.add(gold, pred)


def project_evaluation(
    store: ProjectStore, gold: str, pred: str, thresholds: Sequence[float] = DEFAULT_THRESHOLDS
) -> dict[str, Any]:
    """Scores of layer ``pred`` against layer ``gold`` over the documents both contain; with
    ``by_confidence``, precision at each of ``thresholds`` where the prediction has confidences."""
    if gold == pred:
        raise ValueError(f"--gold and --pred name the same layer ({gold!r}); compare two different layers")
    gold_layer, pred_layer = resolve_layers(store, [gold, pred])
    counter = EvaluationCounter(gold, pred, thresholds)
    for ids in chunks(common_documents(store, [gold_layer.id, pred_layer.id])):  # type: ignore[list-item]
        golds = layer_annotations(store, gold_layer.id, ids)  # type: ignore[arg-type]
        preds = layer_annotations(store, pred_layer.id, ids)  # type: ignore[arg-type]
        for doc in ids:
            counter.add_document(golds[doc], preds[doc])
    return counter.to_dict()


def format_evaluation(report: Mapping[str, Any]) -> str:
    """The report as a text table: the four measures, then spans per label and events per type."""
    lines = [f"{report['pred']} against {report['gold']} over {report['documents']} document(s) both contain", ""]
    header = f"{'':<24}{'precision':>10}{'recall':>10}{'F1':>8}{'gold':>8}{'pred':>8}"
    lines.append(header)
    for name, title in MEASURES:
        lines.append(_row(title, report[name]))
    if report["per_label"]:
        lines += ["", "Spans per label (exact matches; overlap F1 last):", header + f"{'overlap':>8}"]
        for label, scores in report["per_label"].items():
            lines.append(_row(label, scores["spans_exact"], scores["spans_overlap"]["f1"]))
    if report["per_event_type"]:
        lines += ["", "Events per type (triggers; argument F1 last):", header + f"{'args F1':>8}"]
        for kind, scores in report["per_event_type"].items():
            lines.append(_row(kind, scores["event_triggers"], scores["event_arguments"]["f1"]))
    if report.get("per_relation_type"):
        lines += ["", "Relations per type (exact ends and type):", header]
        for kind, scores in report["per_relation_type"].items():
            lines.append(_row(kind, scores["relations"]))
    if report.get("by_confidence"):
        lines += ["", format_thresholds(report["by_confidence"])]
    return "\n".join(lines)


def _row(title: str, scores: Mapping[str, Any], extra: float | None = None) -> str:
    row = (
        f"{title[:23]:<24}{scores['precision']:>10.3f}{scores['recall']:>10.3f}{scores['f1']:>8.3f}"
        f"{scores['gold']:>8}{scores['predicted']:>8}"
    )
    return row + (f"{extra:>8.3f}" if extra is not None else "")
