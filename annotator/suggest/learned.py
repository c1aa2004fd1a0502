"""Learned events: a trigger classifier and an argument-role classifier over the parse.

Both are linear models (multinomial logistic regression, trained in :mod:`annotator.learn`)
over sparse string features of the pipeline's parse: word, lemma, part of speech, dependency,
head, neighbours and the rule lexicon's own guess for a trigger; for a (trigger, candidate filler)
pair the dependency path between them, the filler's label, distance and direction. Prediction is
plain numpy, so a stored model needs nothing but its arrays (no pickle: a mailed project file
must not run code).

Candidate fillers of a trigger are the entities found in its sentence, its noun chunks, its single
nouns, names and symbols (where the recognizer missed a filler) and the other triggers found there (an event can be another event's argument). Event types the layer had
too few examples of keep the rule lexicon's suggestions (``rule_types``).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from annotator.model.annotations import Argument, Span

NONE = "-"
"""The class of a token that triggers nothing, and of a candidate that fills no role."""

TRIGGER_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN", "ADV", "NUM", "X"})
"""Parts of speech a trigger may have (others are never triggers: punctuation, determiners, ...)."""

MAX_PATH = 6
"""Dependency paths longer than this are described by their length only."""

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

MAX_EXTENT = 16
"""Longer subtrees are not candidates (they are clauses rather than fillers)."""

_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis"})


@dataclass
class LinearModel:
    """``scores = sum(W[feature]) + b`` over the features present; softmax gives probabilities."""

    classes: list[str]
    vocab: dict[str, int]
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)

    def probabilities(self, features: Iterable[str]) -> np.ndarray:
        rows = [self.vocab[f] for f in features if f in self.vocab]
        scores = self.bias + (self.weights[rows].sum(axis=0) if rows else 0.0)
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def probabilities_many(self, feature_lists: Sequence[Iterable[str]]) -> np.ndarray:
        """:meth:`probabilities` of many examples at once (one numpy pass: suggesting stays fast)."""
        vocab = self.vocab
        rows: list[int] = []
        owners: list[int] = []
        for n, features in enumerate(feature_lists):
            for feature in features:
                index = vocab.get(feature)
                if index is not None:
                    rows.append(index)
                    owners.append(n)
        scores = np.tile(self.bias, (len(feature_lists), 1))
        if rows:
            np.add.at(scores, np.asarray(owners), self.weights[np.asarray(rows)])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def best(self, features: Iterable[str]) -> tuple[str, float]:
        probs = self.probabilities(features)
        index = int(probs.argmax())
        return self.classes[index], float(probs[index])

    def best_other_than(self, features: Iterable[str], none: str) -> tuple[str, float]:
        """The likeliest class other than ``none`` and its probability (``none``, 0.0 when there is none)."""
        probs = self.probabilities(features)
        best, chance = none, 0.0
        for name, p in zip(self.classes, probs):
            if name != none and p > chance:
                best, chance = name, float(p)
        return best, chance

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        return {
            f"{prefix}_weights": self.weights.astype(np.float32),
            f"{prefix}_bias": self.bias.astype(np.float32),
            f"{prefix}_vocab": np.array(names, dtype=object).astype(str),
            f"{prefix}_classes": np.array(self.classes, dtype=str),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> LinearModel:
        names = [str(n) for n in data[f"{prefix}_vocab"]]
        return cls(
            [str(c) for c in data[f"{prefix}_classes"]],
            {n: i for i, n in enumerate(names)},
            np.asarray(data[f"{prefix}_weights"], dtype=np.float32),
            np.asarray(data[f"{prefix}_bias"], dtype=np.float32),
        )


# -- features ---------------------------------------------------------------------------------


def trigger_candidates(doc: Any) -> Iterator[Any]:
    for token in doc:
        if token.pos_ in TRIGGER_POS and not token.is_space and not token.is_punct:
            yield token


def trigger_features(token: Any, rule_type: str | None) -> list[str]:
    """What the trigger classifier sees of ``token`` (``rule_type``: the lexicon's guess)."""
    doc = token.doc
    lower, lemma = token.lower_, token.lemma_.lower()
    head = token.head
    features = [
        "bias",
        "w=" + lower,
        "l=" + lemma,
        "p=" + token.pos_,
        "t=" + token.tag_,
        "d=" + token.dep_,
        "lp=" + lemma + "|" + token.pos_,
        "s3=" + lower[-3:],
        "s4=" + lower[-4:],
        "p4=" + lower[:4],
        "sh=" + token.shape_,
        "hl=" + head.lemma_.lower(),
        "hd=" + token.dep_ + "|" + head.pos_,
        "e=" + (token.ent_type_ or "O"),
        "r=" + (rule_type or "none"),
        "pr=" + (doc[token.i - 1].lemma_.lower() if token.i > 0 else "<s>"),
        "nx=" + (doc[token.i + 1].lemma_.lower() if token.i + 1 < len(doc) else "</s>"),
    ]
    if len(lower) >= 6 and token.is_alpha:
        # Character 5-grams: "hypermethylated" shares "methy" with "methylation", "ubiqu" with "ubiquitinated".
        features.extend("ng=" + lower[i : i + 5] for i in range(len(lower) - 4))
    for child in token.children:
        features.append("cd=" + child.dep_)
        if child.dep_ in ("prep", "prt", "dobj", "nsubj", "nsubjpass", "amod", "compound"):
            features.append("cl=" + child.dep_ + "|" + child.lemma_.lower())
    return features


def _ancestors(token: Any) -> list[Any]:
    # Compare indices: spaCy makes a new Token object on every access, so ``head is token`` never holds.
    chain = [token]
    while len(chain) < 40:
        head = chain[-1].head
        if head.i == chain[-1].i:
            break
        chain.append(head)
    return chain


def dependency_path(trigger: Any, filler: Any, cache: dict[int, list[Any]] | None = None) -> tuple[str, int]:
    """The path from ``trigger`` up to the common ancestor and down to ``filler`` (dependency
    labels, ``^`` going up, ``v`` going down; prepositions by word) and its length. ``cache`` keeps
    each token's ancestors for the next pair of the same document."""
    if cache is None:
        up, down = _ancestors(trigger), _ancestors(filler)
    else:
        up = cache.get(trigger.i) or cache.setdefault(trigger.i, _ancestors(trigger))
        down = cache.get(filler.i) or cache.setdefault(filler.i, _ancestors(filler))
    down_index = {t.i: n for n, t in enumerate(down)}
    for n, token in enumerate(up):
        if token.i in down_index:
            m = down_index[token.i]
            steps = [("^" + _step(t)) for t in up[:n]] + [("v" + _step(t)) for t in reversed(down[:m])]
            length = len(steps)
            return ("/".join(steps) if length <= MAX_PATH else f"long{min(length, 12)}"), length
    return "none", 99


def _step(token: Any) -> str:
    return token.lower_ if token.dep_ == "prep" or token.pos_ == "ADP" else token.dep_


def argument_features(
    trigger: Any, event_type: str, filler: Any, filler_label: str, contains_entity: bool, cache: dict[int, list[Any]] | None = None
) -> list[str]:
    """What the role classifier sees of one (trigger, candidate filler) pair."""
    path, length = dependency_path(trigger, filler, cache)
    distance = filler.i - trigger.i
    direction = "after" if distance > 0 else "before"
    bucket = str(min(abs(distance), 10)) if abs(distance) <= 10 else ("far" if abs(distance) <= 25 else "very_far")
    lemma = trigger.lemma_.lower()
    head = filler.head
    prep = head.lower_ if head.pos_ == "ADP" else "noprep"
    return [
        "bias",
        "ty=" + event_type,
        "lab=" + filler_label,
        "ty|lab=" + event_type + "|" + filler_label,
        "path=" + path,
        "ty|path=" + event_type + "|" + path,
        "ty|path|lab=" + event_type + "|" + path + "|" + filler_label,
        "tl|path=" + lemma + "|" + path,
        "plen=" + str(min(length, 12)),
        "ty|plen=" + event_type + "|" + str(min(length, 12)),
        "dist=" + bucket,
        "dir=" + direction,
        "ty|dir|lab=" + event_type + "|" + direction + "|" + filler_label,
        "fl=" + filler.lemma_.lower(),
        "fsh=" + filler.shape_,
        "ty|fsh=" + event_type + "|" + filler.shape_,
        "fp=" + filler.pos_,
        "ty|fl=" + event_type + "|" + filler.lemma_.lower(),
        "fd=" + filler.dep_,
        "ty|fd=" + event_type + "|" + filler.dep_,
        "prep=" + prep,
        "ty|prep=" + event_type + "|" + prep,
        "tl=" + lemma,
        "ent_inside=" + str(contains_entity),
        "ty|lab|fl=" + event_type + "|" + filler_label + "|" + filler.lemma_.lower(),
    ]


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
            before, after = self.extents.get(label + "|" + token.lemma_.lower(), (0, 0))
            first = max(token.sent.start, token.i - before)
            end = min(token.sent.end, token.i + 1 + after)
            found.append((first, end, label, p, token))
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
            if self.roles is not None:
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

    def to_bytes(self) -> bytes:
        arrays = self.triggers.arrays("trigger")
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
        return cls(
            triggers,
            roles,
            {k: list(v) for k, v in meta["extents"].items()},
            list(meta["rule_types"]),
            float(meta["trigger_threshold"]),
            float(meta["role_threshold"]),
            list(meta.get("rule_argument_types", [])),
            list(meta.get("rule_argument_roles", [])),
        )


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
