"""Learned events: a trigger classifier and an argument-role classifier over the parse.

Both are linear models (multinomial logistic regression, trained in :mod:`annotator.learn`)
over sparse string features of the pipeline's parse: word, lemma, part of speech, dependency,
head, neighbours and the rule lexicon's own guess for a trigger; for a (trigger, candidate filler)
pair the dependency path between them, the filler's label, distance and direction. Prediction is
plain numpy, so a stored model needs nothing but its arrays (no pickle: a mailed project file
must not run code).

Candidate fillers of a trigger are the entities found in its sentence, its noun chunks, its single
nouns, names and symbols (where the recognizer missed a filler) and the other triggers found there (an event can be another event's argument); a role is decided per head word and
the filler's extent learned around it (:mod:`annotator.suggest.filler_extent`). Event types the layer had
too few examples of keep the rule lexicon's suggestions (``rule_types``).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from annotator.model.annotations import Argument, Span
from annotator.suggest.event_features import (  # noqa: F401  (re-exported: the trainer imports them from here)
    MAX_PATH,
    TRIGGER_POS,
    argument_features,
    dependency_path,
    trigger_candidates,
    trigger_features,
)
from annotator.suggest.filler_extent import grow as filler_grow
from annotator.suggest.linear_model import LinearModel
from annotator.suggest.trigger_extent import grow

NONE = "-"
"""The class of a token that triggers nothing, and of a candidate that fills no role."""

TOKEN_CANDIDATE_POS = frozenset({"NOUN", "PROPN", "X", "NUM", "SYM"})
"""Single words of these parts of speech are candidate fillers too: a filler the recognizer missed
(a protein name it does not know) is often one such word, rarely a whole noun chunk."""

TOKEN_LABEL = "TOK"
"""The candidate label of such a single word (output as ``NP``)."""

EXTENT_LABELS = {"NPX": "NP", "NPP": "NP"}
"""Longer extents of a noun chunk, output as ``NP``: ``NPX`` its head's whole subtree (coordination,
prepositional and relative modifiers: "their phone numbers and addresses", "a member of staff who
..."), ``NPP`` the same without clauses (relative, participial). Gold fillers are often these longer
phrases rather than the chunk ("a member"); the role classifier learns from the gold's own extents
which one a role takes, and at most one candidate per head word is suggested."""

GROWN_LABELS = frozenset({TOKEN_LABEL, "NP", "NPX", "NPP"})
"""Candidates that are no entity: their filler's extent is learned (:mod:`annotator.suggest.filler_extent`)."""

MAX_EXTENT = 16
"""Longer subtrees are not candidates (they are clauses rather than fillers)."""

_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis"})


# -- candidates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A possible filler: tokens ``first``..``end-1`` of the doc, its label, and its head token."""

    first: int
    end: int
    label: str
    contains_entity: bool = False


def argument_candidates(
    doc: Any,
    sentence: Any,
    entities: Sequence[tuple[int, int, str]],
    triggers: Sequence[tuple[int, int, str]],
    doc_chunks: Sequence[Any] | None = None,
) -> list[Candidate]:
    """Entities, noun chunks and other triggers inside ``sentence`` (token offsets), each span once.
    ``doc_chunks``: the document's noun chunks, found once for all its triggers (finding a
    sentence's chunks walks the whole document)."""
    found: dict[tuple[int, int], Candidate] = {}
    lo, hi = sentence.start, sentence.end
    inside = [(s, e, label) for s, e, label in entities if lo <= s and e <= hi]
    for s, e, label in inside:
        found.setdefault((s, e), Candidate(s, e, label))
    for s, e, event_type in triggers:
        if lo <= s and e <= hi:
            found.setdefault((s, e), Candidate(s, e, "EV:" + event_type))
    if doc_chunks is not None:
        chunks = [c for c in doc_chunks if lo <= c.start and c.end <= hi]
    else:
        try:
            chunks = list(sentence.noun_chunks)
        except (ValueError, AttributeError):  # no parse
            chunks = []
    heads = set()
    for chunk in chunks:
        key = (chunk.start, chunk.end)
        heads.add(chunk.root.i)
        if key not in found:
            has_entity = any(chunk.start <= s and e <= chunk.end for s, e, _ in inside)
            found[key] = Candidate(chunk.start, chunk.end, "NP", has_entity)
    for chunk in chunks:
        for label, extent in _extents(chunk.root, lo, hi):
            if extent not in found and extent[1] - extent[0] <= MAX_EXTENT:
                has_entity = any(extent[0] <= s and e <= extent[1] for s, e, _ in inside)
                found[extent] = Candidate(extent[0], extent[1], label, has_entity)
    for token in sentence:
        key = (token.i, token.i + 1)
        # A chunk's head word stands for its chunk (the filler is "the police", not "police").
        if key not in found and token.i not in heads and token.pos_ in TOKEN_CANDIDATE_POS and not token.is_punct and not token.is_space:
            found[key] = Candidate(token.i, token.i + 1, TOKEN_LABEL)
    return list(found.values())


def by_head(doc: Any, candidates: Sequence[Candidate], trigger: tuple[int, int]) -> dict[int, Candidate]:
    """Candidates of one trigger grouped by head word, each group standing as one candidate: an
    entity the head is the root of (the longest), else another trigger, a noun chunk, a longer
    extent, a single word. Candidates overlapping the trigger's own words are left out."""
    rank = {"EV": 1, "NP": 2, "NPX": 3, "NPP": 3, TOKEN_LABEL: 4}
    chosen: dict[int, Candidate] = {}
    for candidate in candidates:
        if candidate.first < trigger[1] and trigger[0] < candidate.end:
            continue
        head = doc[candidate.first : candidate.end].root.i
        mine = (rank.get(candidate.label.split(":")[0], 0), candidate.first - candidate.end)
        other = chosen.get(head)
        if other is None or mine < (rank.get(other.label.split(":")[0], 0), other.first - other.end):
            chosen[head] = candidate
    return chosen


def _extents(root: Any, lo: int, hi: int) -> list[tuple[str, tuple[int, int]]]:
    """``NPX`` and ``NPP`` extents of the chunk headed by ``root`` (token offsets, inside the sentence)."""
    def trimmed(first: int, end: int) -> tuple[int, int]:
        doc = root.doc
        while end - 1 > first and (doc[end - 1].is_punct or doc[end - 1].pos_ in ("CCONJ", "ADP", "PART") or doc[end - 1].is_space):
            end -= 1
        return max(first, lo), min(end, hi)

    whole = trimmed(root.left_edge.i, root.right_edge.i + 1)
    clauses = [c for c in root.children if c.dep_ in _CLAUSES and c.i > root.i]
    result = [("NPX", whole)]
    if clauses:
        cut = trimmed(root.left_edge.i, min(c.left_edge.i for c in clauses))
        if cut != whole and cut[1] > root.i:
            result.append(("NPP", cut))
    return result


# -- the model --------------------------------------------------------------------------------


@dataclass
class EventModel:
    """Trigger and role classifiers, trigger extents, and the types left to the rule lexicon."""

    triggers: LinearModel
    roles: LinearModel | None
    extents: dict[str, list[int]] = field(default_factory=dict)
    """``"type|lemma"`` to the ``[tokens before, tokens after]`` its trigger usually spans."""
    rule_types: list[str] = field(default_factory=list)
    trigger_threshold: float = 0.3
    role_threshold: float = 0.25
    """A word is a trigger (a candidate a filler) when its likeliest type (role) has at least this
    probability, even if "none" is likelier: measured on BioNLP EPI with 5 folds, 0.3 gave trigger
    F1 0.45 against 0.28 for plain argmax, whose recall is low with few examples per type."""
    rule_argument_types: list[str] = field(default_factory=list)
    """Event types whose arguments come from the rules where the rules found the same trigger."""
    rule_argument_roles: list[str] = field(default_factory=list)
    """``"Type|Role"``: on a trigger the rules found too, that role's fillers come from the rules."""
    extent_model: LinearModel | None = None
    """Which words around a trigger's head belong to it (:mod:`annotator.suggest.trigger_extent`);
    a model stored before it existed uses ``extents`` (the usual extent per type and word)."""
    filler_extent: LinearModel | None = None
    """How far a filler reaches around its head word (:mod:`annotator.suggest.filler_extent`); with
    it the role classifier decides per head word. A model stored before it existed decides per
    candidate extent and suggests the likeliest extent of each head word."""

    def predict(
        self,
        doc: Any,
        entities: Sequence[tuple[int, int, str]],
        rule_events: Sequence[tuple[Span, tuple[Argument, ...]]],
        offset: int = 0,
    ) -> list[tuple[Span, tuple[Argument, ...], float | None]]:
        """Events in ``doc``: ``(trigger, arguments, confidence)``, offsets shifted by ``offset``;
        the confidence is the trigger classifier's probability (None for the rules' events)."""
        rule_at = _rule_types_by_token(doc, rule_events, offset)
        found = self.find_triggers(doc, rule_at)
        events: list[tuple[Span, tuple[Argument, ...], float | None]] = []
        spans = [(first, end, label) for first, end, label, _p, _t in found]
        try:
            doc_chunks = list(doc.noun_chunks) if found else []
        except (ValueError, AttributeError):  # no parse
            doc_chunks = []
        ancestors: dict[int, list[Any]] = {}
        for first, end, label, p, token in found:
            trigger = _char_span(doc, first, end, label, offset)
            arguments: list[Argument] = []
            if self.roles is not None and self.filler_extent is not None:
                arguments = self._arguments(doc, token, (first, end), label, entities, spans, doc_chunks, ancestors, offset)
            elif self.roles is not None:
                # Candidates sharing a head word are extents of one filler: suggest the likeliest only.
                best: dict[int, tuple[float, str, Candidate]] = {}
                for candidate in argument_candidates(doc, token.sent, entities, spans, doc_chunks):
                    if candidate.first <= token.i < candidate.end:
                        continue
                    filler = doc[candidate.first : candidate.end].root
                    role, q = self.roles.best_other_than(
                        argument_features(token, label, filler, candidate.label, candidate.contains_entity, ancestors), NONE
                    )
                    if role != NONE and q >= self.role_threshold and q > best.get(filler.i, (-1.0, "", candidate))[0]:
                        best[filler.i] = (q, role, candidate)
                for _q, role, candidate in sorted(best.values(), key=lambda b: b[2].first):
                    span_label = candidate.label[3:] if candidate.label.startswith("EV:") else candidate.label
                    span_label = "NP" if span_label == TOKEN_LABEL else EXTENT_LABELS.get(span_label, span_label)
                    arguments.append(Argument(role, _char_span(doc, candidate.first, candidate.end, span_label, offset)))
            events.append((trigger, tuple(arguments), p))
        if self.rule_argument_types:
            by_trigger = {(t.start, t.end, t.label): a for t, a in rule_events}
            chosen = set(self.rule_argument_types)
            events = [
                (t, by_trigger.get((t.start, t.end, t.label), a) if t.label in chosen else a, p) for t, a, p in events
            ]
        if self.rule_argument_roles:
            by_trigger = {(t.start, t.end, t.label): a for t, a in rule_events}
            roles = set(self.rule_argument_roles)
            events = [
                (t, _mix_roles(t.label, a, by_trigger[(t.start, t.end, t.label)], roles) if (t.start, t.end, t.label) in by_trigger else a, p)
                for t, a, p in events
            ]
        taken = {(t.start, t.end) for t, _a, _p in events}
        kept = set(self.rule_types)
        for trigger, arguments in rule_events:
            if trigger.label in kept and (trigger.start, trigger.end) not in taken:
                events.append((trigger, arguments, None))  # the rules give no score
        return events

    def _arguments(
        self, doc: Any, token: Any, trigger: tuple[int, int], label: str, entities: Sequence[tuple[int, int, str]],
        spans: list[tuple[int, int, str]], doc_chunks: list[Any], ancestors: dict[int, list[Any]], offset: int,
    ) -> list[Argument]:
        """The fillers of one trigger: a role per head word, then the filler's extent around it."""
        assert self.roles is not None and self.filler_extent is not None
        heads = by_head(doc, argument_candidates(doc, token.sent, entities, spans, doc_chunks), trigger)
        arguments = []
        for head_i, candidate in sorted(heads.items()):
            filler = doc[head_i]
            role, q = self.roles.best_other_than(
                argument_features(token, label, filler, candidate.label, candidate.contains_entity, ancestors), NONE
            )
            if role == NONE or q < self.role_threshold:
                continue
            if candidate.label.startswith("EV:"):  # another event: its trigger is the filler
                first, end, span_label = candidate.first, candidate.end, candidate.label[3:]
            elif candidate.label not in GROWN_LABELS:  # an entity the recognizer found: its extent
                first, end, span_label = candidate.first, candidate.end, candidate.label
            else:
                first, end = filler_grow(
                    self.filler_extent, filler, role, trigger, entities, (candidate.first, candidate.end, candidate.label)
                )
                exact = [lab for s, e, lab in entities if (s, e) == (first, end)]
                span_label = exact[0] if exact else "NP"
            arguments.append(Argument(role, _char_span(doc, first, end, span_label, offset)))
        return arguments

    def find_triggers(self, doc: Any, rule_at: dict[int, str]) -> list[tuple[int, int, str, float, Any]]:
        """Triggers in ``doc``: ``(first token, end token, type, probability, head word)``, no two
        sharing words (``rule_at``: token index to the rule lexicon's type there)."""
        found: list[tuple[int, int, str, float, Any]] = []
        tokens = list(trigger_candidates(doc))
        others = [n for n, name in enumerate(self.triggers.classes) if name != NONE]
        if tokens and others:
            probs = self.triggers.probabilities_many([trigger_features(t, rule_at.get(t.i)) for t in tokens])[:, others]
            columns = probs.argmax(axis=1)
            chances = probs[np.arange(len(tokens)), columns]
        else:
            tokens = []
        for row, token in enumerate(tokens):
            p = float(chances[row])
            if p < self.trigger_threshold:
                continue
            label = self.triggers.classes[others[int(columns[row])]]
            if self.extent_model is not None:
                first, end = grow(self.extent_model, token, label)
            else:
                before, after = self.extents.get(label + "|" + token.lemma_.lower(), (0, 0))
                first = max(token.sent.start, token.i - before)
                end = min(token.sent.end, token.i + 1 + after)
            found.append((first, end, label, p, token))
        return _without_nested(found)

    def to_bytes(self) -> bytes:
        arrays = self.triggers.arrays("trigger")
        if self.extent_model is not None:
            arrays.update(self.extent_model.arrays("extent"))
        if self.filler_extent is not None:
            arrays.update(self.filler_extent.arrays("filler"))
        if self.roles is not None:
            arrays.update(self.roles.arrays("role"))
        meta = {
            "extents": self.extents,
            "rule_types": self.rule_types,
            "trigger_threshold": self.trigger_threshold,
            "role_threshold": self.role_threshold,
            "rule_argument_types": self.rule_argument_types,
            "rule_argument_roles": self.rule_argument_roles,
            "has_roles": self.roles is not None,
            "has_extent": self.extent_model is not None,
            "has_filler_extent": self.filler_extent is not None,
        }
        arrays["meta"] = np.array(json.dumps(meta))
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> EventModel:
        # allow_pickle=False: the arrays are numbers and strings only, never code.
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["meta"]))
            triggers = LinearModel.from_arrays(arrays, "trigger")
            roles = LinearModel.from_arrays(arrays, "role") if meta["has_roles"] else None
            extent = LinearModel.from_arrays(arrays, "extent") if meta.get("has_extent") else None
            filler = LinearModel.from_arrays(arrays, "filler") if meta.get("has_filler_extent") else None
        return cls(
            triggers,
            roles,
            {k: list(v) for k, v in meta["extents"].items()},
            list(meta["rule_types"]),
            float(meta["trigger_threshold"]),
            float(meta["role_threshold"]),
            list(meta.get("rule_argument_types", [])),
            list(meta.get("rule_argument_roles", [])),
            extent,
            filler,
        )


def _without_nested(found: list[tuple[int, int, str, float, Any]]) -> list[tuple[int, int, str, float, Any]]:
    """Triggers whose head word lies inside a likelier trigger's extent are part of that one
    ("data" in "data breach"): dropped, so one phrase is suggested once."""
    kept: list[tuple[int, int, str, float, Any]] = []
    for item in sorted(found, key=lambda f: -f[3]):
        if not any(k[0] <= item[4].i < k[1] or item[0] <= k[4].i < item[1] for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: f[0])


def _mix_roles(kind: str, learned: tuple[Argument, ...], rules: tuple[Argument, ...], roles: set[str]) -> tuple[Argument, ...]:
    """The learned arguments but those of ``roles`` (``"Type|Role"``), taken from the rules' event."""
    mine = tuple(a for a in learned if f"{kind}|{a.role}" not in roles)
    return mine + tuple(a for a in rules if f"{kind}|{a.role}" in roles)


def _rule_types_by_token(doc: Any, rule_events: Sequence[tuple[Span, tuple[Argument, ...]]], offset: int) -> dict[int, str]:
    if not rule_events:
        return {}
    by_start = {token.idx + offset: token.i for token in doc}
    return {by_start[t.start]: t.label for t, _a in rule_events if t.start in by_start}


def _char_span(doc: Any, first: int, end: int, label: str, offset: int) -> Span:
    last = doc[end - 1]
    return Span(doc[first].idx + offset, last.idx + len(last) + offset, label)
