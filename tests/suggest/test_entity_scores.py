"""Entity confidences: the recognizer walked in Python finds what spaCy's own ``ner`` finds, and
each entity suggestion carries its probability; a span categorizer's scores are taken where found."""

from __future__ import annotations

import pytest

from annotator.app.bundled import seed_files
from annotator.app.bundled import default_schema
from annotator.formats.text_files import read_plain_text
from annotator.suggest.entity_scores import EntityScorer, recognize, spancat_scores
from annotator.suggest.suggester import Suggester


def _seed_texts() -> list[str]:
    from pathlib import Path

    return [read_plain_text(Path(str(f)), Path(str(f)).name, []).document.text for f in seed_files()]


@pytest.mark.pipeline
def test_the_walk_finds_the_entities_spacy_finds_and_scores_each() -> None:
    suggester = Suggester.load(None, default_schema())
    nlp = suggester.nlp
    assert suggester.entity_scorer is not None
    texts = _seed_texts() + ["Biden met Ghani in Kabul on Thursday.", ""]
    expected = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]
    docs = list(nlp.pipe(texts, disable=["ner"]))
    scores = recognize(nlp.get_pipe("ner"), docs)
    assert [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs] == expected
    assert sum(map(len, expected)) > 50
    for doc, found in zip(docs, scores):
        assert set(found) == {(e.start, e.end, e.label_) for e in doc.ents}
        assert all(0.0 < p <= 1.0 for p in found.values())
    everything = [p for found in scores for p in found.values()]
    assert min(everything) < 0.9 < max(everything)  # a score, not a constant
    # The suggestions carry them, and their entities are unchanged.
    made = suggester.suggest(texts[0], "hash")
    assert made.spans and all(s.confidence is not None and 0 < s.confidence <= 1 for s in made.spans)
    suggester.entity_scorer = None
    plain = suggester.suggest(texts[0], "hash")
    assert [(s.span, s.uid) for s in plain.spans] == [(s.span, s.uid) for s in made.spans]
    assert all(s.confidence is None for s in plain.spans)


def test_a_pipeline_without_a_recognizer_gives_no_confidence(tiny_model: str) -> None:
    suggester = Suggester.load(tiny_model, default_schema())
    assert suggester.entity_scorer is None
    made = suggester.suggest("Biden flew to Kabul on Thursday.", "h")
    assert made.spans and all(s.confidence is None for s in made.spans)


def test_span_categorizer_scores_are_read_from_the_doc() -> None:
    import spacy

    nlp = spacy.blank("en")
    doc = nlp("Biden flew to Kabul")
    group = doc.spans.setdefault("sc", [])
    group.append(doc.char_span(0, 5, label="PERSON"))
    group.append(doc.char_span(14, 19, label="GPE"))
    group.attrs["scores"] = [0.75, 0.5]
    assert spancat_scores(doc, "sc") == {(0, 1, "PERSON"): 0.75, (3, 4, "GPE"): 0.5}
    assert spancat_scores(doc, "other") == {}
    assert EntityScorer.for_pipeline(nlp) is None
