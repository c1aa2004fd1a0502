"""What the learned event classifiers see: sparse string features of the pipeline's parse.

For a trigger candidate: word, lemma, part of speech, dependency, head, neighbours, character
n-grams and the rule lexicon's own guess; for a (trigger, candidate filler) pair the dependency
path between them, the filler's label, distance and direction.
"""

from __future__ import annotations

from typing import Any, Iterator

TRIGGER_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN", "ADV", "NUM", "X"})
"""Parts of speech a trigger may have (others are never triggers: punctuation, determiners, ...)."""

MAX_PATH = 6
"""Dependency paths longer than this are described by their length only."""


def trigger_candidates(doc: Any) -> Iterator[Any]:
    for token in doc:
        if (token.pos_ in TRIGGER_POS or _copula(token)) and not token.is_space and not token.is_punct:
            yield token


def _copula(token: Any) -> bool:
    """A copula heading its clause ("is vulnerable", "is present"): the parse makes the verb the
    head of the phrase, so a trigger the gold marks as the phrase has it as its head word."""
    return token.pos_ == "AUX" and (token.head.i == token.i or any(c.dep_ in ("acomp", "attr") for c in token.children))


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
