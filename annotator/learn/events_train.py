"""Training the event classifiers of :mod:`annotator.suggest.learned` from parsed gold documents.

Each gold trigger teaches the trigger classifier its head word's event type (every other
candidate word teaches "no trigger"); each gold event teaches the role classifier, for the head
word of every candidate filler in its sentence, the role that filler plays or "none", and the
filler extent classifier which words around a gold filler's head belong to it. The classifiers are
multinomial logistic regressions (scikit-learn, L-BFGS) over sparse binary features
(:mod:`annotator.learn.sparse_fit`); only their arrays are kept. An averaged perceptron was the
other candidate; logistic regression measured as well or better here and gives calibrated
confidences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from annotator.model.annotations import AnnotationSet
from annotator.suggest.learned import (
    NONE,
    TOKEN_LABEL,
    Candidate,
    EventModel,
    LinearModel,
    argument_candidates,
    argument_features,
    by_head,
    trigger_candidates,
    trigger_features,
)
from annotator.learn.sparse_fit import ROLE_MIN_COUNT, Examples, fit_linear
from annotator.suggest.filler_extent import extent_examples as filler_examples
from annotator.suggest.trigger_extent import extent_examples, no_extent_model

PLAIN_LABELS = frozenset({TOKEN_LABEL, "NP", "NPX", "NPP"})
"""Candidate labels that are no entity label (a word, a noun chunk, its longer extents)."""

TRIGGER_C = 1.0
"""Inverse regularisation of the trigger and extent classifiers (the role classifier keeps ``c``):
stronger than the roles' because a trigger's features are mostly its own word, which tens of
articles see only a few times. Chosen on the cybersecurity corpus (50 articles, 100 held out:
trigger F1 0.448 at 1.0, 0.446 at 3, 0.429 at 10); on the news paragraphs and BioNLP EPI it
changed no trigger (see the README)."""

MIN_RULE_EXAMPLES = 5
"""Event types with fewer training triggers than this keep the rule lexicon's suggestions."""


@dataclass
class ParsedDoc:
    """A parsed piece of a training document, its gold (in token offsets) and the rules' triggers."""

    doc: Any
    entities: list[tuple[int, int, str]]
    triggers: list[tuple[int, int, str]]
    """Gold triggers: first token, end token, type; the head word is the span's root."""
    arguments: list[dict[tuple[int, int], str]]
    """Per gold trigger: filler token span to role."""
    rule_types: dict[int, str] = field(default_factory=dict)
    """Token index to the event type the rule lexicon gives it."""


def token_span(doc: Any, start: int, end: int, offset: int = 0) -> tuple[int, int] | None:
    """The tokens covering code points ``start``..``end`` of the text (``offset``: the doc's start)."""
    span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def parsed_gold(
    doc: Any, gold: AnnotationSet, offset: int, rule_events: Iterable[Any], found_entities: Sequence[tuple[int, int, str]] = ()
) -> ParsedDoc:
    """``gold`` (code points into the whole text) moved onto ``doc``, a piece starting at ``offset``.

    A document whose gold has events but no entities (an events-only layer) takes the recognizer's
    ``found_entities`` (token offsets) as its entities, so that the role classifier learns from the
    same kind of candidates it will see when suggesting."""
    length = len(doc.text)

    def inside(start: int, end: int) -> bool:
        return offset <= start and end <= offset + length

    entities = []
    for annotation in gold.spans:
        if inside(annotation.start, annotation.end):
            found = token_span(doc, annotation.start, annotation.end, offset)
            if found:
                entities.append((*found, annotation.label))
    if not gold.spans:
        entities = list(found_entities)
    by_uid = {e.uid: e for e in gold.events}
    triggers, arguments = [], []
    for event in gold.events:
        if not inside(event.trigger.start, event.trigger.end):
            continue
        found = token_span(doc, event.trigger.start, event.trigger.end, offset)
        if not found:
            continue
        roles: dict[tuple[int, int], str] = {}
        for argument in event.arguments:
            filler = argument.span if argument.span is not None else getattr(by_uid.get(argument.event_uid or ""), "trigger", None)
            if filler is not None and inside(filler.start, filler.end):
                where = token_span(doc, filler.start, filler.end, offset)
                if where:
                    roles.setdefault(where, argument.role)
        triggers.append((*found, event.type))
        arguments.append(roles)
    by_start = {token.idx + offset: token.i for token in doc}
    rules = {by_start[t.start]: t.label for t, _a in rule_events if t.start in by_start}
    return ParsedDoc(doc, entities, triggers, arguments, rules)


def train_events(docs: Sequence[ParsedDoc], lexicon_types: Iterable[str], c: float = 10.0, trigger_c: float = TRIGGER_C) -> EventModel:
    """Trigger and role classifiers, trigger extents and the rule-kept types from ``docs``."""
    trigger_examples, role_examples, extent_data, filler_data = Examples(), Examples(), Examples(), Examples()
    counts: Counter[str] = Counter()
    extents: dict[str, Counter[tuple[int, int]]] = {}
    for parsed in docs:
        doc = parsed.doc
        heads: dict[int, str] = {}
        # Found once per document, as suggesting does: a sentence's noun chunks walk the whole
        # document, and each filler's ancestors serve every trigger of it.
        doc_chunks = _noun_chunks(doc) if parsed.triggers else []
        ancestors: dict[int, list[Any]] = {}
        chunk_of = {chunk.root.i: (chunk.start, chunk.end) for chunk in doc_chunks}
        for (first, end, event_type), roles in zip(parsed.triggers, parsed.arguments):
            head = doc[first:end].root
            heads[head.i] = event_type
            counts[event_type] += 1
            key = event_type + "|" + head.lemma_.lower()
            extents.setdefault(key, Counter())[(head.i - first, end - 1 - head.i)] += 1
            extent_data.extend(extent_examples(head, first, end, event_type))
            candidates = argument_candidates(doc, head.sent, parsed.entities, parsed.triggers, doc_chunks)
            seen = {(c.first, c.end) for c in candidates}
            for where, _role in roles.items():
                if where not in seen:  # a filler no candidate covers: still teach what it looks like
                    label = next((lab for s, e, lab in parsed.entities if (s, e) == where), "NP")
                    candidates.append(Candidate(where[0], where[1], label))
            gold_heads = {doc[s:e].root.i: (role, s, e) for (s, e), role in roles.items()}
            for head_i, candidate in by_head(doc, candidates, (first, end)).items():
                filler = doc[head_i]
                role = gold_heads.get(head_i, (NONE, 0, 0))[0]
                features = argument_features(head, event_type, filler, candidate.label, candidate.contains_entity, ancestors)
                role_examples.add(features, role)
                if role == NONE or candidate.label.startswith("EV:"):
                    continue
                _r, s, e = gold_heads[head_i]
                filler_data.extend(filler_examples(filler, s, e, role, (first, end), parsed.entities, (candidate.first, candidate.end, candidate.label)))
                if candidate.label not in PLAIN_LABELS:
                    # The same filler as a plain word or noun phrase, as it looks when the recognizer
                    # misses it: the gold's entities teach the roles, the recognizer's find them.
                    plain = "NP" if head_i in chunk_of else TOKEN_LABEL
                    role_examples.add(argument_features(head, event_type, filler, plain, False, ancestors), role)
                    # Its extent as the recognizer's missing entity leaves it: a chunk or a word.
                    chunk = chunk_of.get(head_i, (head_i, head_i + 1))
                    filler_data.extend(filler_examples(filler, s, e, role, (first, end), (), (*chunk, plain)))
        for token in trigger_candidates(doc):
            trigger_examples.add(trigger_features(token, parsed.rule_types.get(token.i)), heads.get(token.i, NONE))
    triggers = fit_linear(trigger_examples, trigger_c) if trigger_examples else LinearModel([NONE], {}, np.zeros((0, 1), np.float32), np.zeros(1, np.float32))
    roles = fit_linear(role_examples, c, ROLE_MIN_COUNT) if role_examples else None
    kept_extents = {}
    for key, seen in extents.items():
        (shape, n), = seen.most_common(1)
        if shape != (0, 0) and n * 2 > sum(seen.values()):
            kept_extents[key] = list(shape)
    extent_model = fit_linear(extent_data, trigger_c) if extent_data else no_extent_model()
    model = EventModel(triggers, roles, kept_extents, rule_types(counts, lexicon_types))
    model.extent_model = extent_model
    model.filler_extent = fit_linear(filler_data, trigger_c) if filler_data else no_extent_model()
    return model


def _noun_chunks(doc: Any) -> list[Any]:
    try:
        return list(doc.noun_chunks)
    except (ValueError, AttributeError):  # no parse
        return []


def rule_types(counts: Counter[str], lexicon_types: Iterable[str]) -> list[str]:
    """The event types whose suggestions the rule lexicon keeps making.

    A layer without events was not about events: every type stays with the rules. A layer whose
    events are all of types the lexicon does not know (another domain) drops the rules, which
    would only add noise there. Otherwise the types the layer has fewer than
    :data:`MIN_RULE_EXAMPLES` examples of stay with the rules.
    """
    lexicon = sorted(set(lexicon_types))
    if not counts:
        return lexicon
    if not any(counts[t] for t in lexicon):
        return []
    return [t for t in lexicon if counts[t] < MIN_RULE_EXAMPLES]
