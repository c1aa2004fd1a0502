"""``annotator train``: learn a suggester from a layer, measure it on held-out documents, store it.

The steps: read the layer's documents and annotations (one short read), parse them once with the
base pipeline, then for each of ``folds`` folds train on the other folds and score both the
trained and the untrained suggester on the held-out fold (the same documents, the same scoring as
``annotator evaluate``); with ``curve`` also on 25/50/75 % of each training part (learned model
alone). Per event type, the learned triggers and arguments or the rules' are kept, whichever
measured better (see :mod:`annotator.learn.combine`). Last, train on
everything and store the model in one short write transaction. Nothing is written before that,
so Ctrl+C (or a crash) leaves the project and its previous model as they were, and the project is
never locked while training runs. ``max_minutes`` bounds the whole run: each training gets an
equal share of the time left (the recognizer stops after the epoch that would overrun it).
"""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from annotator.formats.schema_toml import default_schema
from annotator.learn.combine import FoldCounts, combine, explain, held_out_choices, held_out_roles, role_counts, roles_better, rules_better
from annotator.learn.data import TrainingDoc, TrainingError, check_training_set, choose_layer, default_status, read_training_set
from annotator.learn.events_train import ParsedDoc, parsed_gold, train_events
from annotator.learn.ner_train import TrainingText, finetune_ner, rehearsed_labels
from annotator.model.annotations import AnnotationSet
from annotator.model.schema import LabelSchema
from annotator.review.evaluate import EvaluationCounter
from annotator.store.models import StoredModel, save_model
from annotator.store.project import ProjectStore
from annotator.suggest.chunks import split_text
from annotator.suggest.events import extract_events
from annotator.suggest.learned import EventModel
from annotator.suggest.pipeline import MODEL_SETTING, PARAGRAPH_COMPONENT, choose_model, load_pipeline
from annotator.suggest.rules import load_rules
from annotator.suggest.suggester import Suggester
from annotator.suggest.trained import pack

CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)
DEFAULT_FOLDS = 3

Progress = Callable[[str, int, "int | None"], None]


@dataclass
class TrainOptions:
    layer: str | None = None
    status: str | None = None
    base: str | None = None
    max_minutes: float = 10.0
    folds: int = DEFAULT_FOLDS
    curve: bool = False
    seed: int = 0
    store_model: bool = True


@dataclass
class TrainReport:
    layer: str
    status: str
    documents: int
    base: str
    trained: dict[str, Any] = field(default_factory=dict)
    """Held-out scores of the trained suggester (``annotator evaluate``'s report form), all folds pooled."""
    untrained: dict[str, Any] = field(default_factory=dict)
    fold_f1: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    """Per measure, each fold's ``(trained F1, untrained F1)``."""
    curve: dict[str, dict[str, float]] = field(default_factory=dict)
    """Share ("25%") to the pooled held-out F1 of each measure."""
    learned: dict[str, Any] = field(default_factory=dict)
    """Held-out scores of the learned model alone (before choosing rules per event type)."""
    rule_types: list[str] = field(default_factory=list)
    """Event types whose triggers the rules found better on held-out folds (kept from the rules)."""
    rule_argument_types: list[str] = field(default_factory=list)
    rule_argument_roles: list[str] = field(default_factory=list)
    """``"Type|Role"`` whose fillers the rules found better (on triggers both found)."""
    rule_reasons: list[str] = field(default_factory=list)
    """One line per part kept from the rules: its held-out F1, rules against learned."""
    model: StoredModel | None = None
    seconds: float = 0.0
    epochs: list[int] = field(default_factory=list)
    folds_skipped: int = 0
    """Folds left out of the evaluation because the time bound was near (their documents are not scored)."""


class _Parsed:
    """A training document parsed by the base pipeline, piece by piece (long texts are cut)."""

    def __init__(self, item: TrainingDoc, pieces: list[tuple[int, Any]]):
        self.item = item
        self.pieces = pieces


def train(store: ProjectStore, options: TrainOptions, progress: Progress | None = None) -> TrainReport:
    """Train, evaluate and (with ``options.store_model``) store a model; see the module docstring."""
    started = time.monotonic()
    deadline = started + max(0.1, options.max_minutes) * 60
    layer = choose_layer(store, options.layer)
    status = options.status or default_status(layer)
    docs = read_training_set(store, layer, status)
    check_training_set(docs, layer, status)
    schema = store.schema() or default_schema()
    base = choose_model(options.base, store.setting(MODEL_SETTING))
    report = TrainReport(layer.name, status, len(docs), base)
    rules = load_rules()
    lexicon_types = {e.type for entries in rules.lexicon.restricted_to(schema).by_word.values() for e in entries}

    base_nlp = load_pipeline(base)
    untrained = Suggester(base_nlp, schema, rules, base)
    parsed = _parse(base_nlp, untrained, docs, progress)

    folds = max(2, min(options.folds, len(docs)))
    order = list(range(len(docs)))
    random.Random(options.seed).shuffle(order)
    assignments = [order[i::folds] for i in range(folds)]
    shares = CURVE_SHARES if options.curve else (1.0,)
    runs_left = folds * len(shares) + (1 if options.store_model else 0)
    trained_counter, untrained_counter = EvaluationCounter(layer.name, "trained"), EvaluationCounter(layer.name, "untrained")
    learned_counter = EvaluationCounter(layer.name, "learned only")
    curve_counters = {share: EvaluationCounter(layer.name, f"{share:.0%}") for share in shares}
    fold_counts: list[FoldCounts] = []
    fold_sets: list[list[tuple[AnnotationSet, AnnotationSet, AnnotationSet]]] = []
    fold_seconds: list[float] = []
    for number, held_out in enumerate(assignments, 1):
        # --max-minutes bounds the whole run: evaluate no further fold when one more (and the final
        # model, which takes about as long) would not fit; the figures then cover fewer documents.
        if fold_seconds and time.monotonic() + 2 * max(fold_seconds) > deadline:
            report.folds_skipped = folds - len(fold_seconds)
            break
        fold_started = time.monotonic()
        runs_left = (folds - number + 1) * len(shares) + (1 if options.store_model else 0)
        held = set(held_out)
        training = [parsed[i] for i in order if i not in held]
        tested = [parsed[i] for i in held_out]
        untrained_sets = _suggest(untrained, tested)
        fold_untrained = EvaluationCounter(layer.name, "untrained")
        for item, predicted in zip(tested, untrained_sets):
            fold_untrained.add_document(item.item.gold, predicted)
            untrained_counter.add_document(item.item.gold, predicted)
        for share in shares:
            subset = training[: max(1, round(len(training) * share))]
            budget = (deadline - time.monotonic()) / runs_left
            runs_left -= 1
            # What the progress bar says: which model, trained on how much, counting recognizer epochs
            # (the recognizer stops early when its held-out F1 stops rising, so the bar may end early).
            phase = (f"fold {number}/{folds}: training on {len(subset)} documents" + (f" ({share:.0%})" if options.curve else "")
                     + ", recognizer epochs")
            suggester, _events, epochs = _train_suggester(base, schema, rules, subset, lexicon_types, time.monotonic() + budget, phase, progress)
            report.epochs.append(epochs)
            sets = _suggest(suggester, tested)
            for item, predicted in zip(tested, sets):
                curve_counters[share].add_document(item.item.gold, predicted)
            if share == 1.0:
                fold_learned = EvaluationCounter(layer.name, "learned only")
                for item, predicted in zip(tested, sets):
                    fold_learned.add_document(item.item.gold, predicted)
                    learned_counter.add_document(item.item.gold, predicted)
                counts = FoldCounts()
                counts.add(fold_learned.to_dict(), fold_untrained.to_dict())
                fold_counts.append(counts)
                fold_sets.append([(t.item.gold, l, u) for t, l, u in zip(tested, sets, untrained_sets)])
        fold_seconds.append((time.monotonic() - fold_started) / len(shares))
    # Learned or rules, per event type and per role: each fold combined by the choice the other folds made.
    fold_roles = [role_counts(documents) for documents in fold_sets]
    for (rule_types, argument_types), roles, documents in zip(held_out_choices(fold_counts), held_out_roles(fold_roles), fold_sets):
        fold_trained, fold_untrained = EvaluationCounter(layer.name, "trained"), EvaluationCounter(layer.name, "untrained")
        for gold, learned, plain in documents:
            combined = combine(learned, plain, rule_types, argument_types, roles)
            for counter in (fold_trained, trained_counter):
                counter.add_document(gold, combined)
            fold_untrained.add_document(gold, plain)
        _add_fold(report, fold_trained.to_dict(), fold_untrained.to_dict())
    report.learned = learned_counter.to_dict()
    report.rule_types, report.rule_argument_types = (sorted(x) for x in rules_better(fold_counts))
    report.rule_argument_roles = sorted(k for k in roles_better(fold_roles) if k.split("|")[0] not in report.rule_argument_types)
    report.rule_reasons = explain(fold_counts, fold_roles)
    report.trained = trained_counter.to_dict()
    report.untrained = untrained_counter.to_dict()
    if options.curve:
        report.curve = {
            f"{share:.0%}": {m: counter.to_dict()[m]["f1"] for m in ("spans_exact", "event_triggers", "event_arguments")}
            for share, counter in curve_counters.items()
        }
    if options.store_model:
        budget = deadline - time.monotonic()
        suggester, events, epochs = _train_suggester(
            base, schema, rules, [parsed[i] for i in order], lexicon_types, time.monotonic() + budget, f"final model: training on all {len(docs)} documents, recognizer epochs", progress
        )
        report.epochs.append(epochs)
        events.rule_types = sorted(set(events.rule_types) | set(report.rule_types))
        events.rule_argument_types = list(report.rule_argument_types)
        events.rule_argument_roles = list(report.rule_argument_roles)
        meta = {"layer": layer.name, "documents": len(docs), "base": base, **suggester.trained_meta}
        blob = _archive(suggester.nlp, events, meta)
        scores = {
            "trained": _summary(report.trained),
            "untrained": _summary(report.untrained),
            "learned_only": _summary(report.learned),
            "rule_types": report.rule_types,
            "rule_argument_types": report.rule_argument_types,
            "rule_argument_roles": report.rule_argument_roles,
            "curve": report.curve,
        }
        # The one write of the whole run: short, at the very end.
        report.model = save_model(store, layer.name, len(docs), base, scores, blob)
    report.seconds = time.monotonic() - started
    return report


def _parse(nlp: Any, untrained: Suggester, docs: Sequence[TrainingDoc], progress: Progress | None) -> list[_Parsed]:
    """Every document parsed once, in pieces, with its gold in token offsets and the rules' triggers."""
    result = []
    for n, item in enumerate(docs):
        pieces = []
        for offset, text in split_text(item.document.text, untrained.chunk_chars):
            doc = nlp(text)
            entities = [(e.start, e.end, untrained.label_map[e.label_]) for e in doc.ents if e.label_ in untrained.label_map]
            rule_events = extract_events(doc, entities, untrained.lexicon, untrained.argument_rules, untrained.schema, offset)
            base_spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            pieces.append((offset, parsed_gold(doc, item.gold, offset, rule_events, entities), base_spans))
        result.append(_Parsed(item, pieces))
        if progress:
            progress("parsing the documents once (for every fold)", n + 1, len(docs))
    return result


def _train_suggester(
    base: str,
    schema: LabelSchema,
    rules: Any,
    training: Sequence[_Parsed],
    lexicon_types: set[str],
    deadline: float,
    phase: str,
    progress: Progress | None,
) -> tuple[Suggester, EventModel, int]:
    """A fresh copy of the base pipeline with its recognizer fine-tuned, and event classifiers."""
    nlp = load_pipeline(base)
    texts: list[TrainingText] = []
    for parsed in training:
        for offset, piece, base_spans in parsed.pieces:
            gold = [(s - offset, e - offset, l) for s, e, l in _gold_spans(parsed.item.gold, offset, len(piece.doc.text))]
            texts.append((piece.doc.text, gold, base_spans))
    events = train_events([piece for parsed in training for _o, piece, _b in parsed.pieces], lexicon_types)

    def step(done: int, total: int) -> None:
        if progress:
            progress(phase, done, total)

    has_entities = any(t[1] for t in texts)
    epochs = finetune_ner(nlp, [t for t in texts if t[1]], deadline, step=step) if has_entities else 0
    suggester = Suggester(nlp, schema, rules, base)
    labels = sorted({label for _t, gold, _b in texts for _s, _e, label in gold})
    # A layer without entities leaves the recognizer as it was: all of its labels stay.
    kept = sorted(rehearsed_labels([t for t in texts if t[1]])) if has_entities else None
    suggester.use_trained(events, "trained", labels, {"kept_labels": kept})
    suggester.trained_meta = {"entity_labels": labels, "kept_labels": kept}
    return suggester, events, epochs


def _gold_spans(gold: AnnotationSet, offset: int, length: int) -> list[tuple[int, int, str]]:
    return [(a.start, a.end, a.label) for a in gold.spans if offset <= a.start and a.end <= offset + length]


def _suggest(suggester: Suggester, items: Sequence[_Parsed]) -> list[AnnotationSet]:
    return list(suggester.suggest_many((p.item.document.text, p.item.document.content_hash) for p in items))


def _add_fold(report: TrainReport, trained: dict[str, Any], untrained: dict[str, Any]) -> None:
    for measure in ("spans_exact", "event_triggers", "event_arguments"):
        report.fold_f1.setdefault(measure, []).append((trained[measure]["f1"], untrained[measure]["f1"]))


def _summary(scores: dict[str, Any]) -> dict[str, Any]:
    """The figures ``annotator models`` shows: F1 of each measure, per label and per event type."""
    if not scores:
        return {}
    return {
        "documents": scores["documents"],
        **{m: round(scores[m]["f1"], 4) for m in ("spans_exact", "event_triggers", "event_arguments")},
        "per_label": {k: round(v["spans_exact"]["f1"], 4) for k, v in scores["per_label"].items()},
        "per_event_type": {k: round(v["event_triggers"]["f1"], 4) for k, v in scores["per_event_type"].items()},
    }


def _archive(nlp: Any, events: EventModel, meta: dict[str, Any]) -> bytes:
    """The stored form: the pipeline saved without annotator's own sentence-break component (which
    loading adds back: a saved pipeline must load without annotator's factories registered)."""
    if PARAGRAPH_COMPONENT in nlp.pipe_names:
        nlp.remove_pipe(PARAGRAPH_COMPONENT)
    with tempfile.TemporaryDirectory(prefix="annotator-train-") as scratch:
        folder = Path(scratch) / "pipeline"
        nlp.to_disk(folder)
        return pack(folder, events.to_bytes(), meta)


__all__ = ["TrainOptions", "TrainReport", "TrainingError", "train"]
