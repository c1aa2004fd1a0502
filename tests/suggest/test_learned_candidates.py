"""Candidate fillers of the role classifier, on a hand-built parse (no pipeline loaded)."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from annotator.suggest.learned import TOKEN_LABEL, argument_candidates


def _doc() -> Doc:
    # "Methylation of the COL1A2 gene by DNMT1 ." with its parse written out.
    words = ["Methylation", "of", "the", "COL1A2", "gene", "by", "DNMT1", "."]
    pos = ["NOUN", "ADP", "DET", "PROPN", "NOUN", "ADP", "PROPN", "PUNCT"]
    heads = [0, 0, 4, 4, 1, 0, 5, 0]
    deps = ["ROOT", "prep", "det", "compound", "pobj", "prep", "pobj", "punct"]
    return Doc(spacy.blank("en").vocab, words=words, pos=pos, heads=heads, deps=deps, sent_starts=[True] + [False] * 7)


def test_a_name_inside_a_chunk_is_a_candidate_of_its_own_but_a_chunk_head_is_not() -> None:
    doc = _doc()
    sentence = next(iter(doc.sents))
    candidates = {(c.first, c.end): c.label for c in argument_candidates(doc, sentence, [], [(0, 1, "DNA_methylation")])}
    assert candidates[(2, 5)] == "NP"  # "the COL1A2 gene"
    assert candidates[(3, 4)] == TOKEN_LABEL  # "COL1A2", a protein the recognizer missed, still fills a role
    assert (4, 5) not in candidates  # "gene" heads its chunk: the chunk stands for it
    assert (7, 8) not in candidates and (1, 2) not in candidates  # punctuation and prepositions are never fillers
    assert candidates[(0, 1)] == "EV:DNA_methylation"


def test_a_recognised_entity_keeps_its_label() -> None:
    doc = _doc()
    sentence = next(iter(doc.sents))
    candidates = {(c.first, c.end): c.label for c in argument_candidates(doc, sentence, [(3, 4, "Protein")], [])}
    assert candidates[(3, 4)] == "Protein"


def _staff_doc() -> Doc:
    # "accessed by a member of staff who breached their privacy ." with its parse written out.
    words = ["accessed", "by", "a", "member", "of", "staff", "who", "breached", "their", "privacy", "."]
    pos = ["VERB", "ADP", "DET", "NOUN", "ADP", "NOUN", "PRON", "VERB", "PRON", "NOUN", "PUNCT"]
    heads = [0, 0, 3, 1, 3, 4, 7, 3, 9, 7, 0]
    deps = ["ROOT", "agent", "det", "pobj", "prep", "pobj", "nsubj", "relcl", "poss", "dobj", "punct"]
    return Doc(spacy.blank("en").vocab, words=words, pos=pos, heads=heads, deps=deps, sent_starts=[True] + [False] * 10)


def test_a_chunk_also_stands_with_its_longer_extents_the_gold_may_use() -> None:
    doc = _staff_doc()
    sentence = next(iter(doc.sents))
    chunks = [doc[2:4], doc[5:6], doc[8:10]]  # what spaCy's noun_chunks gives for this parse
    candidates = {(c.first, c.end): c.label for c in argument_candidates(doc, sentence, [], [], chunks)}
    assert candidates[(2, 4)] == "NP"  # "a member"
    assert candidates[(2, 6)] == "NPP"  # "a member of staff"
    assert candidates[(2, 10)] == "NPX"  # "a member of staff who breached their privacy"


def test_a_copula_heading_its_phrase_may_be_a_trigger_but_not_an_auxiliary() -> None:
    from annotator.suggest.learned import trigger_candidates

    # "The flaw is present and was fixed ." : "is" heads "is present"; "was" only helps "fixed".
    words = ["The", "flaw", "is", "present", "and", "was", "fixed", "."]
    pos = ["DET", "NOUN", "AUX", "ADJ", "CCONJ", "AUX", "VERB", "PUNCT"]
    heads = [1, 2, 2, 2, 2, 6, 2, 2]
    deps = ["det", "nsubj", "ROOT", "acomp", "cc", "auxpass", "conj", "punct"]
    doc = Doc(spacy.blank("en").vocab, words=words, pos=pos, heads=heads, deps=deps, sent_starts=[True] + [False] * 7)
    found = [t.text for t in trigger_candidates(doc)]
    assert "is" in found and "was" not in found
    assert found == ["flaw", "is", "present", "fixed"]
