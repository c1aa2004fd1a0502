"""Argument fillers: a role per head word, the filler's extent learned from the gold's own extents
(on hand-built parses, no pipeline loaded)."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from annotator.learn.events_train import ParsedDoc, train_events
from annotator.suggest.filler_extent import IN, OUT, grow, window
from annotator.suggest.learned import Candidate, EventModel, by_head
from annotator.suggest.linear_model import LinearModel

VOCAB = spacy.blank("en").vocab


def _exploit(attacker: str, flaw: str, device: str) -> Doc:
    """"ATTACKER exploited the FLAW in the DEVICE ." parsed by hand."""
    words = [attacker, "exploited", "the", flaw, "in", "the", device, "."]
    pos = ["NOUN", "VERB", "DET", "NOUN", "ADP", "DET", "NOUN", "PUNCT"]
    heads = [1, 1, 3, 1, 3, 6, 4, 1]
    deps = ["nsubj", "ROOT", "det", "dobj", "prep", "det", "pobj", "punct"]
    lemmas = [attacker.lower(), "exploit", "the", flaw, "in", "the", device, "."]
    return Doc(VOCAB, words=words, pos=pos, heads=heads, deps=deps, lemmas=lemmas, sent_starts=[True] + [False] * 7)


def _gold(doc: Doc) -> ParsedDoc:
    # The guideline: the flaw without its determiner but with where it is ("flaw in the router").
    return ParsedDoc(doc, [], [(1, 2, "Attack")], [{(0, 1): "Attacker", (3, 7): "Vulnerability"}])


@pytest.mark.training
def test_a_filler_takes_the_extent_the_gold_gives_it_even_where_no_noun_chunk_has_it() -> None:
    names = [("Hackers", "bug", "router"), ("Criminals", "flaw", "browser"), ("Thieves", "hole", "kernel"),
             ("Spies", "weakness", "driver"), ("Attackers", "error", "plugin"), ("Crooks", "defect", "firmware")]
    model = EventModel.from_bytes(train_events([_gold(_exploit(*n)) for n in names], []).to_bytes())
    assert model.filler_extent is not None  # the stored form keeps it
    doc = _exploit("Intruders", "glitch", "camera")
    (_trigger, arguments, _p), = model.predict(doc, [], [])
    found = {(a.role, doc.text[a.span.start : a.span.end]) for a in arguments}
    # Neither "the glitch" (the chunk) nor "the glitch in the camera" (its subtree): the gold's extent.
    assert found == {("Attacker", "Intruders"), ("Vulnerability", "glitch in the camera")}


def test_the_extent_grows_from_the_head_and_never_into_the_trigger() -> None:
    doc = _exploit("Hackers", "bug", "router")
    always_in = LinearModel([IN, OUT], {"bias": 0}, np.array([[1.0, 0.0]], np.float32), np.zeros(2, np.float32))
    # "bug"'s subtree is "the bug in the router": all of it is in, up to the trigger, the final stop never.
    assert grow(always_in, doc[3], "Vulnerability", (1, 2), [], (2, 4, "NP")) == (2, 7)
    # "an attacker who exploited the flaw": the filler "attacker" of the trigger "exploited" stops before it.
    words = ["an", "attacker", "who", "exploited", "the", "flaw"]
    relative = Doc(VOCAB, words=words, pos=["DET", "NOUN", "PRON", "VERB", "DET", "NOUN"], heads=[1, 1, 3, 1, 5, 3],
                   deps=["det", "ROOT", "nsubj", "relcl", "det", "dobj"], sent_starts=[True] + [False] * 5)
    left, right = window(relative[1], (3, 4))
    assert [t.text for t in left] == ["an"] and [t.text for t in right] == ["who"]
    assert grow(always_in, relative[1], "Attacker", (3, 4), [], (0, 2, "NP")) == (0, 3)


def test_candidates_of_one_head_word_stand_as_one_the_entity_first() -> None:
    doc = _exploit("Hackers", "bug", "router")
    candidates = [Candidate(2, 4, "NP"), Candidate(2, 7, "NPX"), Candidate(3, 4, "Vulnerability"), Candidate(0, 1, "TOK"), Candidate(1, 2, "EV:Attack")]
    heads = by_head(doc, candidates, (1, 2))
    assert heads[3] == Candidate(3, 4, "Vulnerability")  # the entity stands for "bug", not the chunk
    assert heads[0] == Candidate(0, 1, "TOK")
    assert 1 not in heads  # the trigger itself fills none of its own roles


def test_a_model_stored_before_filler_extents_still_suggests_its_arguments() -> None:
    names = [("Hackers", "bug", "router"), ("Criminals", "flaw", "browser"), ("Thieves", "hole", "kernel")]
    model = train_events([_gold(_exploit(*n)) for n in names], [])
    model.filler_extent = None  # what an older project file holds: roles decided per candidate extent
    old = EventModel.from_bytes(model.to_bytes())
    assert old.filler_extent is None
    doc = _exploit("Intruders", "glitch", "camera")
    (_trigger, arguments, _p), = old.predict(doc, [], [])
    assert arguments  # the per-candidate path still runs
