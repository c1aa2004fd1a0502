"""An argument filler's extent: which words around the filler's head word belong to the filler.

The role classifier decides, per head word of a candidate filler, which role it plays; this
module then decides how far the filler reaches. Gold fillers follow their guidelines' own
conventions, which no fixed choice among a noun phrase's extents matches: one corpus measured
here marks "vulnerability" rather than "the vulnerability" but "a set of severe vulnerabilities"
rather than "a set", "this week" rather than "week", and a recognizer's entity where there is one.
Before this model, candidates of one head word ("the vulnerability", "vulnerability who ...")
also split the role's probability between them and taught it contradictory examples.

A binary classifier (in / out, the same kind of linear model as the trigger extent's) looks at
each word of the head's subtree, in its sentence and within :data:`WINDOW` words: its side and
distance, its dependency chain up to the head, its part of speech and word (closed-class words by
their form), whether it lies inside the entity the head belongs to, and the role. The extent grows
outwards from the head while the next word is "in" and stops at the first "out" or at the
trigger's own words, so it is always contiguous and never overlaps the trigger.
"""

from __future__ import annotations

from typing import Any, Sequence

from annotator.suggest.linear_model import LinearModel
from annotator.suggest.trigger_extent import IN, OUT, outwards

WINDOW = 12
"""Words on each side of the head that may join its filler."""

_CLOSED = frozenset({"DET", "PRON", "ADP", "CCONJ", "SCONJ", "PART", "PUNCT", "AUX", "NUM"})


def window(head: Any, stop: tuple[int, int]) -> tuple[list[Any], list[Any]]:
    """The words of ``head``'s subtree left of it (nearest first) and right of it, inside its
    sentence and :data:`WINDOW`, each side ending before the words ``stop`` (the trigger's)."""
    doc, sent = head.doc, head.sent
    lo = max(sent.start, head.left_edge.i, head.i - WINDOW)
    hi = min(sent.end, head.right_edge.i + 1, head.i + 1 + WINDOW)
    left = []
    for i in range(head.i - 1, lo - 1, -1):
        if stop[0] <= i < stop[1]:
            break
        left.append(doc[i])
    right = []
    for i in range(head.i + 1, hi):
        if stop[0] <= i < stop[1]:
            break
        right.append(doc[i])
    return left, right


def _chain(head: Any, token: Any) -> str:
    """The dependency labels from ``token`` up to ``head`` (at most three, nearest first)."""
    steps = []
    current = token
    while current.i != head.i and len(steps) < 3:
        steps.append(current.dep_)
        if current.head.i == current.i:
            break
        current = current.head
    return "/".join(steps) + ("" if current.i == head.i else "/..")


def extent_features(head: Any, token: Any, role: str, entity: tuple[int, int] | None, candidate: tuple[int, int, str]) -> list[str]:
    """What the extent classifier sees of ``token`` as a possible part of the filler headed by
    ``head`` playing ``role`` (``entity``: the tokens of the entity ``head`` lies in, if any;
    ``candidate``: the candidate that stood for the head word, its tokens and label)."""
    side = "L" if token.i < head.i else "R"
    distance = abs(token.i - head.i)
    bucket = str(distance) if distance <= 4 else ("far" if distance <= 8 else "very_far")
    chain = _chain(head, token)
    word = token.lower_ if token.pos_ in _CLOSED else token.lemma_.lower()
    in_entity = "none" if entity is None else str(entity[0] <= token.i < entity[1])
    # Inside the candidate's own extent (the entity, the noun chunk): what a few examples teach first.
    in_candidate = candidate[2].split(":")[0] + "|" + str(candidate[0] <= token.i < candidate[1])
    return [
        "bias",
        "sd=" + side + bucket,
        "ch=" + chain,
        "s|ch=" + side + "|" + chain,
        "s|pos=" + side + "|" + token.pos_,
        "s|dep|pos=" + side + "|" + token.dep_ + "|" + token.pos_,
        "hp|s|ch=" + head.pos_ + "|" + side + "|" + chain,
        "w=" + word,
        "s|w=" + side + "|" + word,
        "ro|s|ch=" + role + "|" + side + "|" + chain,
        "ro|w=" + role + "|" + word,
        "ro|s|pos=" + role + "|" + side + "|" + token.pos_,
        "ent=" + in_entity,
        "ro|ent=" + role + "|" + in_entity,
        "inc=" + in_candidate,
        "ro|inc=" + role + "|" + in_candidate,
        "s|inc=" + side + "|" + in_candidate,
        "sh=" + token.shape_ if token.pos_ in ("NUM", "PROPN", "X", "SYM") else "sh=word",
        "punct=" + str(token.is_punct),
    ]


def entity_of(head: Any, entities: Sequence[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The longest of ``entities`` (token offsets) that contains ``head``."""
    inside = [(s, e) for s, e, _l in entities if s <= head.i < e]
    return max(inside, key=lambda se: se[1] - se[0]) if inside else None


def extent_examples(
    head: Any, first: int, end: int, role: str, trigger: tuple[int, int], entities: Sequence[tuple[int, int, str]], candidate: tuple[int, int, str]
) -> list[tuple[list[str], str]]:
    """Training examples of one gold filler (tokens ``first``..``end-1``, head word ``head``)."""
    left, right = window(head, trigger)
    entity = entity_of(head, entities)
    return [(extent_features(head, t, role, entity, candidate), IN if first <= t.i < end else OUT) for t in left + right]


def grow(
    model: LinearModel, head: Any, role: str, trigger: tuple[int, int], entities: Sequence[tuple[int, int, str]], candidate: tuple[int, int, str]
) -> tuple[int, int]:
    """The filler's tokens ``first``..``end-1``: from ``head`` outwards while the next word is in."""
    left, right = window(head, trigger)
    words = left + right
    if not words or IN not in model.classes:
        return head.i, head.i + 1
    entity = entity_of(head, entities)
    inside = model.probabilities_many([extent_features(head, t, role, entity, candidate) for t in words])[:, model.classes.index(IN)]
    first, end = outwards(head, left, right, inside)
    doc = head.doc
    # A filler neither starts nor ends on punctuation, nor ends on a conjunction or preposition.
    while first < head.i and (doc[first].is_punct or doc[first].is_space):
        first += 1
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].pos_ in ("CCONJ", "ADP")):
        end -= 1
    return first, end

