"""The learned event classifiers' arithmetic and storage (no pipeline: plain arrays)."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.suggest.learned import NONE, EventModel, LinearModel


def _model() -> LinearModel:
    weights = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 3.0]], np.float32)
    return LinearModel([NONE, "Attack", "Meet"], {"w=hit": 0, "w=met": 1}, weights, np.array([0.5, 0.0, 0.0], np.float32))


def test_probabilities_are_a_softmax_of_the_summed_weights() -> None:
    model = _model()
    scores = np.array([1.5, 2.0, 3.0])  # bias + both features' rows; the unknown feature adds nothing
    expected = np.exp(scores) / np.exp(scores).sum()
    assert model.probabilities(["w=hit", "w=met", "w=unknown"]) == pytest.approx(expected, rel=1e-6)
    many = model.probabilities_many([["w=hit"], ["w=hit", "w=met", "w=unknown"], []])
    assert many[1] == pytest.approx(expected, rel=1e-6)
    assert many[2] == pytest.approx(np.exp([0.5, 0, 0]) / np.exp([0.5, 0, 0]).sum(), rel=1e-6)
    assert model.best(["w=met"])[0] == "Meet"
    label, chance = model.best_other_than([], NONE)  # "none" is likeliest; the best other class still comes back
    assert label == "Attack" and chance == pytest.approx(float(many[2][1]), rel=1e-6)


def test_an_event_model_survives_its_byte_form_without_pickle() -> None:
    model = EventModel(_model(), _model(), {"Attack|hit": [0, 1]}, ["Contact:Meet"], 0.3, 0.25)
    data = model.to_bytes()
    back = EventModel.from_bytes(data)
    assert back.triggers.classes == model.triggers.classes and back.triggers.vocab == model.triggers.vocab
    assert np.array_equal(back.triggers.weights, model.triggers.weights)
    assert back.roles is not None and back.extents == {"Attack|hit": [0, 1]} and back.rule_types == ["Contact:Meet"]
    assert (back.trigger_threshold, back.role_threshold) == (0.3, 0.25)
    without_roles = EventModel.from_bytes(EventModel(_model(), None).to_bytes())
    assert without_roles.roles is None


def test_find_triggers_keeps_words_whose_likeliest_type_reaches_the_threshold() -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    words = ["Rebels", "hit", "the", "town", "and", "met", "."]
    doc = Doc(
        spacy.blank("en").vocab, words=words, pos=["NOUN", "VERB", "DET", "NOUN", "CCONJ", "VERB", "PUNCT"],
        heads=[1, 1, 3, 1, 1, 1, 1], deps=["nsubj", "ROOT", "det", "dobj", "cc", "conj", "punct"],
    )
    model = EventModel(_model(), None, trigger_threshold=0.3)
    found = {(doc[first:end].text, label) for first, end, label, _p, _t in model.find_triggers(doc, {})}
    assert ("hit", "Attack") in found and ("met", "Meet") in found
    assert not any(text in ("Rebels", "town", "the") for text, _l in found)  # "none" wins there
    model.trigger_threshold = 0.99  # neither reaches it
    assert model.find_triggers(doc, {}) == []
