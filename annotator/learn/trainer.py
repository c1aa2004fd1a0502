"""``annotator train``: learn a suggester from a layer, measure it on held-out documents, store it.

The steps: read the layer's documents and annotations (one short read), parse them once with the
base pipeline, then for each of ``folds`` folds train on the other folds and score both the
trained and the untrained suggester on the held-out fold (the same documents, the same scoring as
``annotator evaluate``); with ``curve`` also on 25/50/75 % of each training part (learned model
alone). Per event type, the learned triggers and arguments or the rules' are kept, whichever
measured better (see :mod:`annotator.learn.combine`). Last, train on
everything and store the model in one short write transaction. Nothing is written before that,
so Ctrl+C (or a crash) leaves the project and its previous model as they were, and the project is
never locked while training runs. ``max_minutes`` bounds the whole run: each training's
recognizer gets a share of the time left in proportion to its documents, not counting the event
classifiers' time (it stops after the epoch that would overrun it), and a fold is left unevaluated
when it and the final model, estimated from the trainings so far, would not fit. The recognizer
trains on the annotated documents' sentences. Scoring a fold reuses the parse: the untrained
suggester's suggestions come from it as they are, a trained one runs only its recognizer again.
``adopt`` says whether the stored model becomes the suggester.
"""

from __future__ import annotations

import gc
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from annotator.app.bundled import default_schema
from annotator.learn.combine import ALL_LABELS, FoldCounts, combine, label_counts, explain, held_out_choices, held_out_roles, role_counts, roles_better, rules_better
from annotator.learn.data import TrainingDoc, TrainingError, check_training_set, choose_layer, default_status, read_training_set
from annotator.learn.events_train import train_events
from annotator.learn import ner_train
from annotator.learn.ner_train import finetune_ner, rehearsed_labels
from annotator.learn.parsed import Parsed, parse_documents, recognizer_texts, suggest_parsed
from annotator.model.annotations import AnnotationSet
from annotator.model.schema import LabelSchema
from annotator.review.evaluate import EvaluationCounter
from annotator.review.model_choice import Verdict, better_of_both
from annotator.store.models import StoredModel, current_model, save_model
from annotator.store.project import ProjectStore
from annotator.suggest.learned import EventModel
from annotator.suggest.pipeline import MODEL_SETTING, PARAGRAPH_COMPONENT, choose_model, load_pipeline
from annotator.suggest.rules import load_rules
from annotator.suggest.suggester import Suggester
from annotator.suggest.trained import pack

CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)
DEFAULT_FOLDS = 3
FEWER_FOLDS_FROM = 150
"""From this many documents the evaluation uses 2 folds unless told otherwise (``folds``)."""
ADOPT_CHOICES = ("always", "if-better", "never")

Progress = Callable[[str, int, "int | None"], None]


@dataclass
class TrainOptions:
    layer: str | None = None
    status: str | None = None
    base: str | None = None
    max_minutes: float = 10.0
    folds: int | None = None
    """Evaluation folds; None: 3, or 2 from :data:`FEWER_FOLDS_FROM` documents."""
    curve: bool = False
    seed: int = 0
    store_model: bool = True
    adopt: str = "always"
    """Make the stored model the project's suggester: ``always``, ``if-better`` (it measured better
    than what suggests today, :func:`annotator.review.model_choice.better_of_both`) or ``never``."""


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
    base_entities: bool = False
    """The base recognizer measured at least as well as the fine-tuned one: the model keeps it."""
    adopted: bool = False
    """The stored model became the project's suggester."""
    verdict: Verdict | None = None
    """The new model against what suggested before, on the held-out folds (why it was adopted or not)."""


def train(store: ProjectStore, options: TrainOptions, progress: Progress | None = None) -> TrainReport:
    """Train, evaluate and (with ``options.store_model``) store a model; see the module docstring."""
    run = _start(store, options)
    parsed = parse_documents(run.base_nlp, run.untrained, run.docs, progress)
    results = _evaluate_folds(run, parsed, progress)
    _choose_parts(run, results)
    if options.store_model:
        _train_and_store(store, run, parsed, progress)
    run.report.seconds = ner_train.now() - run.started
    return run.report


@dataclass
class _Run:
    """What one training run works from: its options, documents, pipeline, rules and deadline."""

    options: TrainOptions
    started: float
    deadline: float
    layer: Any
    docs: list[TrainingDoc]
    schema: LabelSchema
    base: str
    rules: Any
    lexicon_types: set[str]
    base_nlp: Any
    untrained: Suggester
    report: TrainReport
    current: StoredModel | None
    """The model that suggests today (None: the untrained suggester), to compare the new one with."""
    order: list[int]
    """The documents shuffled (``options.seed``): folds are cut from it, the final model trains in it."""


@dataclass
class _FoldResult:
    counts: FoldCounts
    documents: list[tuple[AnnotationSet, AnnotationSet, AnnotationSet]]
    """``(gold, learned, untrained)`` per held-out document."""


def _start(store: ProjectStore, options: TrainOptions) -> _Run:
    """Read the layer's documents (one short read) and load the base pipeline and the rules."""
    started = ner_train.now()
    layer = choose_layer(store, options.layer)
    status = options.status or default_status(layer)
    docs = read_training_set(store, layer, status)
    check_training_set(docs, layer, status)
    schema = store.schema() or default_schema()
    base = choose_model(options.base, store.setting(MODEL_SETTING))
    rules = load_rules()
    lexicon_types = {e.type for entries in rules.lexicon.restricted_to(schema).by_word.values() for e in entries}
    base_nlp = load_pipeline(base)
    order = list(range(len(docs)))
    random.Random(options.seed).shuffle(order)
    return _Run(
        options, started, started + max(0.1, options.max_minutes) * 60, layer, docs, schema, base, rules, lexicon_types,
        base_nlp, Suggester(base_nlp, schema, rules, base), TrainReport(layer.name, status, len(docs), base), current_model(store), order,
    )


def fold_count(requested: int | None, documents: int) -> int:
    """The evaluation folds: as asked, else 3, or 2 from :data:`FEWER_FOLDS_FROM` documents (each
    fold then trains on half, which is plenty to decide rules or learned, at two thirds of the cost)."""
    wanted = requested if requested is not None else (2 if documents >= FEWER_FOLDS_FROM else DEFAULT_FOLDS)
    return max(2, min(wanted, documents))


def _evaluate_folds(run: _Run, parsed: list[Parsed], progress: Progress | None) -> list[_FoldResult]:
    """Train on all folds but one and score the learned model and the untrained suggester on that
    one, for each fold while the time bound leaves room for it and for the final model."""
    options, report = run.options, run.report
    folds = fold_count(options.folds, len(run.docs))
    order = run.order
    assignments = [order[i::folds] for i in range(folds)]
    shares = CURVE_SHARES if options.curve else (1.0,)
    curve_counters = {share: EvaluationCounter(report.layer, f"{share:.0%}") for share in shares}
    learned_counter, untrained_counter = EvaluationCounter(report.layer, "learned only"), EvaluationCounter(report.layer, "untrained")
    results: list[_FoldResult] = []
    per_document: list[float] = []
    """Seconds per training document of each training so far: the final model's cost is estimated from it."""
    for number, held_out in enumerate(assignments, 1):
        held = set(held_out)
        training = [parsed[i] for i in order if i not in held]
        tested = [parsed[i] for i in held_out]
        # --max-minutes bounds the whole run: no further fold when it and the final model (both
        # estimated from the trainings so far) would not fit; the figures then cover fewer documents.
        if per_document and ner_train.now() + max(per_document) * (len(training) * sum(shares) + len(run.docs)) > run.deadline:
            report.folds_skipped = folds - len(results)
            break
        where = f"fold {number}/{folds}"
        _say(progress, f"{where}: untrained suggestions of the {len(tested)} held-out documents")
        untrained_sets = suggest_parsed(run.untrained, tested, recognize=False)
        for item, predicted in zip(tested, untrained_sets):
            untrained_counter.add_document(item.item.gold, predicted)
        for share in shares:
            subset = training[: max(1, round(len(training) * share))]
            trained_at = ner_train.now()
            left = len(subset) + (len(training) * sum(s for s in shares if s > share)) + len(training) * sum(shares) * (folds - number) + len(run.docs)
            until = trained_at + (run.deadline - trained_at) * len(subset) / max(1, left)
            label = f"{where}: training on {len(subset)} documents" + (f" ({share:.0%})" if options.curve else "")
            suggester, _events, epochs = _train_suggester(run, subset, until, label, progress)
            per_document.append((ner_train.now() - trained_at) / len(subset))
            report.epochs.append(epochs)
            _say(progress, f"{where}: scoring the trained model on the {len(tested)} held-out documents")
            sets = suggest_parsed(suggester, tested, recognize=epochs > 0)
            del suggester  # its pipeline copy: free it before the next one is loaded
            gc.collect()
            for item, predicted in zip(tested, sets):
                curve_counters[share].add_document(item.item.gold, predicted)
            if share == 1.0:
                fold_learned, fold_untrained = EvaluationCounter(report.layer, "learned only"), EvaluationCounter(report.layer, "untrained")
                for item, predicted, plain in zip(tested, sets, untrained_sets):
                    fold_learned.add_document(item.item.gold, predicted)
                    fold_untrained.add_document(item.item.gold, plain)
                    learned_counter.add_document(item.item.gold, predicted)
                counts = FoldCounts()
                counts.add(fold_learned.to_dict(), fold_untrained.to_dict())
                results.append(_FoldResult(counts, [(t.item.gold, l, u) for t, l, u in zip(tested, sets, untrained_sets)]))
    report.learned = learned_counter.to_dict()
    report.untrained = untrained_counter.to_dict()
    if options.curve:
        report.curve = {
            f"{share:.0%}": {m: counter.to_dict()[m]["f1"] for m in ("spans_exact", "event_triggers", "event_arguments")}
            for share, counter in curve_counters.items()
        }
    return results


def _choose_parts(run: _Run, results: list[_FoldResult]) -> None:
    """Learned or rules, per event type and per role: each fold's reported figures combined by the
    choice the *other* folds made; the stored model takes the choice all folds made."""
    report = run.report
    fold_counts = [r.counts for r in results]
    fold_roles = [role_counts(r.documents) for r in results]
    fold_labels = [label_counts(r.documents) for r in results]
    trained_counter = EvaluationCounter(report.layer, "trained")
    choices = zip(held_out_choices(fold_counts), held_out_roles(fold_roles), held_out_roles(fold_labels), results)
    for (rule_types, argument_types), roles, labels, result in choices:
        fold_trained, fold_untrained = EvaluationCounter(report.layer, "trained"), EvaluationCounter(report.layer, "untrained")
        for gold, learned, plain in result.documents:
            combined = combine(learned, plain, rule_types, argument_types, roles, ALL_LABELS in labels)
            for counter in (fold_trained, trained_counter):
                counter.add_document(gold, combined)
            fold_untrained.add_document(gold, plain)
        _add_fold(report, fold_trained.to_dict(), fold_untrained.to_dict())
    report.rule_types, report.rule_argument_types = (sorted(x) for x in rules_better(fold_counts))
    report.rule_argument_roles = sorted(k for k in roles_better(fold_roles) if k.split("|")[0] not in report.rule_argument_types)
    # Entities: the fine-tuned recognizer, unless the base one measured at least as well (all labels
    # summed; a layer without entities has nothing to compare and keeps the base one anyway).
    report.base_entities = bool(results) and ALL_LABELS in roles_better(fold_labels) and _has_entities(run)
    report.rule_reasons = explain(fold_counts, fold_roles, fold_labels)
    report.trained = trained_counter.to_dict()


def _train_and_store(store: ProjectStore, run: _Run, parsed: list[Parsed], progress: Progress | None) -> None:
    """The final model, on every document, with the parts chosen; stored in one short write, and
    adopted as the project's suggester as ``options.adopt`` says."""
    report = run.report
    documents = [parsed[i] for i in run.order]
    phase = f"final model: training on all {len(run.docs)} documents"
    suggester, events, epochs = _train_suggester(run, documents, run.deadline, phase, progress, finetune=not report.base_entities)
    report.epochs.append(epochs)
    events.rule_types = sorted(set(events.rule_types) | set(report.rule_types))
    events.rule_argument_types = list(report.rule_argument_types)
    events.rule_argument_roles = list(report.rule_argument_roles)
    _say(progress, "storing the model")
    meta = {"layer": report.layer, "documents": len(run.docs), "base": run.base, **suggester.trained_meta}
    blob = _archive(suggester.nlp, events, meta)
    scores = {
        "trained": _summary(report.trained),
        "untrained": _summary(report.untrained),
        "learned_only": _summary(report.learned),
        "rule_types": report.rule_types,
        "rule_argument_types": report.rule_argument_types,
        "rule_argument_roles": report.rule_argument_roles,
        "base_entities": report.base_entities,
        "curve": report.curve,
    }
    current = run.current
    verdict = better_of_both(report.trained, report.untrained, current.scores.get("trained") if current else None, current.name if current else "")
    report.verdict = verdict
    report.adopted = run.options.adopt == "always" or (run.options.adopt == "if-better" and verdict.new_better)
    # The one write of the whole run: short, at the very end.
    report.model = save_model(store, report.layer, len(run.docs), run.base, scores, blob, adopt=report.adopted)


def _say(progress: Progress | None, phase: str) -> None:
    """A phase without steps of its own, for the progress bar's text."""
    if progress:
        progress(phase, 0, None)


def _has_entities(run: _Run) -> bool:
    return any(d.gold.spans for d in run.docs)


def _train_suggester(
    run: _Run, training: Sequence[Parsed], deadline: float, phase: str, progress: Progress | None, finetune: bool = True
) -> tuple[Suggester, EventModel, int]:
    """A fresh copy of the base pipeline with its recognizer fine-tuned (unless not ``finetune``:
    the base recognizer as it is, with the untrained suggester's labels), and event classifiers."""
    base, schema, rules = run.base, run.schema, run.rules
    nlp = load_pipeline(base)
    texts = recognizer_texts(training)
    _say(progress, f"{phase}: event classifiers")
    started = ner_train.now()
    events = train_events([piece for parsed in training for _o, piece, _b in parsed.pieces], run.lexicon_types)
    # The event classifiers' time is not the recognizer's: it keeps its share of the bound (up to
    # the run's own deadline), which they once used up, leaving it one epoch (entity F1 near 0).
    deadline = min(run.deadline, deadline + (ner_train.now() - started))

    def step(done: int, total: int) -> None:
        # The recognizer stops early when its held-out F1 stops rising: the bar may end early.
        if progress:
            progress(f"{phase}: recognizer epochs", done, total)

    has_entities = finetune and any(t[1] for t in texts)
    epochs = finetune_ner(nlp, texts, deadline, step=step) if has_entities else 0
    suggester = Suggester(nlp, schema, rules, base)
    # The base recognizer kept as it is suggests exactly what the untrained suggester does.
    labels = sorted({label for _t, gold, _b in texts for _s, _e, label in gold}) if has_entities else []
    # A layer without entities leaves the recognizer as it was: all of its labels stay.
    kept = sorted(rehearsed_labels(texts)) if has_entities else None
    suggester.use_trained(events, "trained", labels, {"kept_labels": kept})
    suggester.trained_meta = {"entity_labels": labels, "kept_labels": kept}
    return suggester, events, epochs


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
