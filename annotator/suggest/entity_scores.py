"""How sure the recognizer was of each entity it found: a confidence for entity suggestions.

spaCy's greedy recognizer (``ner``, a transition-based parser) reads a text token by token and at
each token takes the best-scoring valid action: ``O`` (outside), ``B-X``/``I-X``/``L-X`` (begin,
inside, last of an entity of label ``X``) or ``U-X`` (a one-token entity). It keeps no score.

:func:`recognize` does the same greedy walk in Python over the same model (the step model that
spaCy's own beam search uses), so the entities are the ones ``ner`` gives (the choice at each
step is the best valid action, checked with the transition system's own validity test), and
keeps, at each step, the probability of the action taken among the actions open at that point
(a softmax of the scores). An entity's confidence is the product of the probabilities of the
actions that made it (``U-X``, or ``B-X`` ``I-X``... ``L-X``): the model's probability of that
exact extent and label given the text, along the greedy path.

Why not spaCy's beam search (``beam_parse`` and ``scored_ents``)? Measured on 60 seed-sized
articles (``en_core_web_sm``): beam scoring is a second pass of the recognizer (1.1-3.1 times its
time, +46 % to +133 % of the whole pipeline's), and its beams drop many greedy entities altogether
(8-28 % of them got probability 0, by width and density), so it scores a different set of entities
than the one suggested. This walk costs no second pass: the recognizer runs once.

A pipeline with a span categorizer (``spancat``) gives its own probabilities: an entity that the
categorizer also found (same extent and label) takes the categorizer's score instead.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy

EntityScores = dict[tuple[int, int, str], float]
"""``(token start, token end, label) -> confidence`` for one doc."""

RECOGNIZER = "ner"
SUB_BATCH = 64
"""Docs walked together: every step is one model call for all of them, so more docs, fewer calls."""


class EntityScorer:
    """The pipeline's recognizer, run by :func:`recognize` so that its entities carry a confidence."""

    def __init__(self, component: Any, spans_key: str | None):
        self.component = component
        self.moves = _Moves(component)
        self.spans_key = spans_key

    @classmethod
    def for_pipeline(cls, nlp: Any) -> EntityScorer | None:
        """The scorer for ``nlp``, or None when its recognizer cannot be walked: there must be a
        transition-based ``ner`` as the last component (nothing after it reads its entities)."""
        if not nlp.pipe_names or nlp.pipe_names[-1] != RECOGNIZER:
            return None
        component = nlp.get_pipe(RECOGNIZER)
        if not all(hasattr(component, a) for a in ("moves", "set_annotations", "model")):
            return None
        return cls(component, spancat_key(nlp))

    def pipe(self, nlp: Any, texts: Sequence[str]) -> tuple[list[Any], list[EntityScores]]:
        """The docs of ``texts`` through the whole pipeline, and each one's entity confidences."""
        docs = list(nlp.pipe(texts, batch_size=max(1, len(texts)), disable=[RECOGNIZER]))
        scores = recognize(self.component, docs, self.moves)
        if self.spans_key is not None:
            for doc, found in zip(docs, scores):
                found.update((k, v) for k, v in spancat_scores(doc, self.spans_key).items() if k in found)
        return docs, scores


class _Moves:
    """The recognizer's actions by kind, and which may follow which (for the softmax)."""

    def __init__(self, component: Any):
        moves = component.moves
        self.names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        count = len(self.names)
        self.closed = numpy.zeros(count, dtype=bool)
        """Actions that may come when no entity is open: ``O``, ``B-*``, ``U-*``."""
        self.open: dict[str, numpy.ndarray] = {}
        """Per label, the actions that may come while an entity of it is open: ``I-X``, ``L-X``."""
        for i, name in enumerate(self.names):
            kind, _, label = name.partition("-")
            if name == "O" or (kind in ("B", "U") and label):
                self.closed[i] = True
            elif kind in ("I", "L") and label:
                self.open.setdefault(label, numpy.zeros(count, dtype=bool))[i] = True


def recognize(component: Any, docs: Sequence[Any], moves: _Moves | None = None) -> list[EntityScores]:
    """Set each doc's entities as ``component`` (a greedy ``ner``) would and return their
    confidences. The docs must have been through the components before it, not through it."""
    moves = moves or _Moves(component)
    results: list[EntityScores] = [{} for _ in docs]
    order = sorted(range(len(docs)), key=lambda i: len(docs[i]))
    for start in range(0, len(order), SUB_BATCH):
        chosen = order[start:start + SUB_BATCH]
        batch = [docs[i] for i in chosen]
        if not any(len(doc) for doc in batch):
            component.set_annotations(batch, component.moves.init_batch(batch))
            continue
        states = component.moves.init_batch(batch)
        scores = _walk(component, batch, states, moves)
        component.set_annotations(batch, states)
        for i, found in zip(chosen, scores):
            results[i] = found
    return results


def _walk(component: Any, docs: Sequence[Any], states: list[Any], moves: _Moves) -> list[EntityScores]:
    transitions = component.moves
    names = moves.names
    model = component.model.predict(docs)
    found: list[EntityScores] = [{} for _ in docs]
    # Per state: the open entity's (label, first token, log-probability so far), or None.
    opened: list[tuple[str, int, float] | None] = [None] * len(states)
    live = [i for i, state in enumerate(states) if not state.is_final()]
    try:
        while live:
            scores = model.predict([states[i] for i in live])
            for row, i in enumerate(live):
                state = states[i]
                current = opened[i]
                mask = moves.closed if current is None else moves.open.get(current[0], moves.closed)
                line = numpy.where(mask, scores[row], -numpy.inf)
                action = _best_valid(transitions, state, scores[row], line, names)
                name = names[action]
                # The probability of the action among those open here (a softmax over them).
                top = line.max()
                if math.isfinite(top) and mask[action]:
                    logp = float(line[action] - top - math.log(numpy.exp(line[mask] - top).sum()))
                else:
                    logp = 0.0  # an action outside the usual set (a preset entity): no evidence either way
                position = state.B(0)
                transitions.apply_transition(state, name)
                kind, _, label = name.partition("-")
                if kind == "B":
                    opened[i] = (label, position, logp)
                elif kind == "I" and current is not None:
                    opened[i] = (current[0], current[1], current[2] + logp)
                elif kind == "L" and current is not None:
                    found[i][(current[1], position + 1, current[0])] = math.exp(current[2] + logp)
                    opened[i] = None
                elif kind == "U" and label:
                    found[i][(position, position + 1, label)] = math.exp(logp)
            live = [i for i in live if not states[i].is_final()]
    finally:
        model.clear_memory()
    return found


def _best_valid(transitions: Any, state: Any, row: numpy.ndarray, line: numpy.ndarray, names: list[str]) -> int:
    """The best-scoring valid action, as spaCy's greedy parse picks it (ties: the first)."""
    best = int(numpy.argmax(line))
    if math.isfinite(line[best]) and transitions.is_valid(state, names[best]):
        return best
    for action in numpy.argsort(-row, kind="stable"):
        if transitions.is_valid(state, names[int(action)]):
            return int(action)
    raise ValueError("the recognizer has no valid action")  # spaCy's own parse fails alike


def spancat_scores(doc: Any, spans_key: str) -> EntityScores:
    """The span categorizer's probabilities of the spans it put in ``doc.spans[spans_key]``."""
    group = doc.spans.get(spans_key) if hasattr(doc.spans, "get") else None
    if group is None:
        return {}
    scores = group.attrs.get("scores")
    if scores is None:
        return {}
    return {(span.start, span.end, span.label_): float(score) for span, score in zip(group, scores)}


def spancat_key(nlp: Any) -> str | None:
    """The ``spans_key`` of the pipeline's span categorizer, if it has one."""
    for name in nlp.pipe_names:
        component = nlp.get_pipe(name)
        if type(component).__name__ in ("SpanCategorizer", "_SpanCategorizer") or name.startswith("spancat"):
            key = getattr(component, "key", None) or getattr(component, "cfg", {}).get("spans_key")
            if key:
                return str(key)
    return None
