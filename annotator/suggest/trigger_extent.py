"""A trigger's extent: which words around the trigger's head word belong to the trigger.

Many annotation guidelines mark a trigger as a phrase rather than one word ("has been
compromised", "paying the ransom", "a ransomware attack"): in one corpus measured here over half
of the gold triggers span several words, and a one-word trigger then never matches. A binary
classifier (in / out, the same kind of linear model as the trigger classifier) looks at each word
within :data:`WINDOW` words of the head, in its sentence: its side and distance, its dependency
and part of speech, how it attaches to the head (a child, a grandchild, the head's own head) and
the words involved; it is trained on the gold's own extents. The extent grows outwards from the
head while the next word is "in" and stops at the first "out", so it is always contiguous.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from annotator.suggest.linear_model import LinearModel

WINDOW = 4
"""Words on each side of the head that may join its trigger."""

IN, OUT = "in", "out"


def window(head: Any) -> tuple[list[Any], list[Any]]:
    """The words left of ``head`` (nearest first) and right of it that may join it, inside its sentence."""
    doc, sent = head.doc, head.sent
    left = [doc[i] for i in range(head.i - 1, max(sent.start, head.i - WINDOW) - 1, -1)]
    right = [doc[i] for i in range(head.i + 1, min(sent.end, head.i + 1 + WINDOW))]
    return left, right


def _relation(head: Any, token: Any) -> str:
    if token.head.i == head.i and token.i != head.i:
        return "child"
    if token.head.head.i == head.i:
        return "grandchild"
    if head.head.i == token.i:
        return "parent"
    if head.head.i == token.head.i:
        return "sibling"
    return "other"


def extent_features(head: Any, token: Any, event_type: str) -> list[str]:
    """What the extent classifier sees of ``token`` as a possible part of the trigger headed by ``head``."""
    side = "L" if token.i < head.i else "R"
    distance = str(abs(token.i - head.i))
    relation = _relation(head, token)
    lemma, head_lemma = token.lemma_.lower(), head.lemma_.lower()
    attach = token.head.lemma_.lower()
    return [
        "bias",
        "sd=" + side + distance,
        "s|dep=" + side + "|" + token.dep_,
        "s|pos=" + side + "|" + token.pos_,
        "rel=" + relation,
        "rel|dep=" + relation + "|" + token.dep_,
        "s|rel|dep|pos=" + side + "|" + relation + "|" + token.dep_ + "|" + token.pos_,
        "hp|s|rel|dep=" + head.pos_ + "|" + side + "|" + relation + "|" + token.dep_,
        "l=" + lemma,
        "s|l=" + side + "|" + lemma,
        "hl|l=" + head_lemma + "|" + lemma,
        "hl|s|dep=" + head_lemma + "|" + side + "|" + token.dep_,
        "ty|s|dep=" + event_type + "|" + side + "|" + token.dep_,
        "ty|l=" + event_type + "|" + lemma,
        # A determiner or modifier joins when the word it belongs to does ("paying the ransom").
        "att=" + relation + "|" + token.dep_ + "|" + attach,
        "hl|att=" + head_lemma + "|" + attach,
        "punct=" + str(token.is_punct),
    ]


def extent_examples(head: Any, first: int, end: int, event_type: str) -> list[tuple[list[str], str]]:
    """Training examples of one gold trigger (tokens ``first``..``end-1``, head word ``head``)."""
    left, right = window(head)
    return [(extent_features(head, t, event_type), IN if first <= t.i < end else OUT) for t in left + right]


def grow(model: LinearModel, head: Any, event_type: str) -> tuple[int, int]:
    """The trigger's tokens ``first``..``end-1``: from ``head`` outwards while the next word is in."""
    left, right = window(head)
    words = left + right
    if not words or IN not in model.classes:
        return head.i, head.i + 1
    inside = model.probabilities_many([extent_features(head, t, event_type) for t in words])[:, model.classes.index(IN)]
    first, end = outwards(head, left, right, inside)
    doc = head.doc
    # A trigger neither starts nor ends on punctuation.
    while first < head.i and doc[first].is_punct:
        first += 1
    while end - 1 > head.i and doc[end - 1].is_punct:
        end -= 1
    return first, end


def outwards(head: Any, left: list[Any], right: list[Any], inside: Any) -> tuple[int, int]:
    """Tokens ``first``..``end-1`` from ``head`` outwards on each side while the next word's
    probability of being in (``inside``: the left words', nearest first, then the right's) is at least 0.5."""
    first, end = head.i, head.i + 1
    for token, p in zip(left, inside[: len(left)]):
        if p < 0.5:
            break
        first = token.i
    for token, p in zip(right, inside[len(left) :]):
        if p < 0.5:
            break
        end = token.i + 1
    return first, end


def no_extent_model() -> LinearModel:
    """The model of a layer whose triggers (or fillers) are all one word: every neighbour is out."""
    return LinearModel([OUT], {}, np.zeros((0, 1), np.float32), np.zeros(1, np.float32))
