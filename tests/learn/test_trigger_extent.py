"""Multi-word trigger extents learned from the gold's own extents, on hand-built parses (no pipeline)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from annotator.learn.events_train import ParsedDoc, train_events
from annotator.suggest.learned import EventModel

VOCAB = spacy.blank("en").vocab


def _passive(subject: str, auxiliaries: list[str], verb: str, lemma: str) -> tuple[Doc, tuple[int, int, str]]:
    """"The SUBJECT AUX... VERB ." parsed by hand; the gold trigger is the auxiliaries and the verb."""
    words = ["The", subject, *auxiliaries, verb, "."]
    root = 2 + len(auxiliaries)
    pos = ["DET", "NOUN", *["AUX"] * len(auxiliaries), "VERB", "PUNCT"]
    heads = [1, root, *[root] * len(auxiliaries), root, root]
    deps = ["det", "nsubjpass", *(["aux"] * (len(auxiliaries) - 1) + ["auxpass"]), "ROOT", "punct"]
    lemmas = ["the", subject, *auxiliaries, lemma, "."]
    doc = Doc(VOCAB, words=words, pos=pos, heads=heads, deps=deps, lemmas=lemmas, sent_starts=[True] + [False] * (len(words) - 1))
    return doc, (2, root + 1, "Breach")


@pytest.mark.training
def test_a_trigger_takes_the_words_the_gold_gives_it_around_its_head() -> None:
    examples = [
        _passive("data", ["has", "been"], "stolen", "steal"),
        _passive("files", ["were"], "stolen", "steal"),
        _passive("accounts", ["have", "been"], "stolen", "steal"),
        _passive("records", ["was"], "stolen", "steal"),
        _passive("emails", ["had", "been"], "stolen", "steal"),
        _passive("names", ["were"], "stolen", "steal"),
    ]
    docs = [ParsedDoc(doc, [], [trigger], [{}]) for doc, trigger in examples]
    model = EventModel.from_bytes(train_events(docs, []).to_bytes())  # the stored form keeps the extent model
    assert model.extent_model is not None
    doc, _gold = _passive("passwords", ["have", "been"], "stolen", "steal")
    found = [(t.start, t.end, t.label) for t, _a, _p in model.predict(doc, [], [])]
    start = doc[2].idx
    assert found == [(start, len("The passwords have been stolen"), "Breach")]  # "have been stolen", not "stolen"
