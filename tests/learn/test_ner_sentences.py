"""The recognizer trains on sentences: a text is cut at sentence ends, never through a span."""

from annotator.learn.ner_train import sentence_texts

TEXT = "Acme was hit. The attackers took 3 GB. Nobody knew.  "
#       0         1         2         3         4         5
SENTENCES = [(0, 13), (14, 38), (39, 51)]


def test_a_text_is_cut_at_sentence_ends_with_its_spans_moved_into_each_sentence():
    gold = [(0, 4, "Victim"), (18, 27, "Attacker")]
    base = [(33, 37, "QUANTITY")]
    pieces = sentence_texts((TEXT, gold, base), SENTENCES)
    assert [p[0].strip() for p in pieces] == ["Acme was hit.", "The attackers took 3 GB.", "Nobody knew."]
    assert pieces[0][1] == [(0, 4, "Victim")]
    text, spans, base_spans = pieces[1]
    assert [(text[s:e], label) for s, e, label in spans] == [("attackers", "Attacker")]
    assert [(text[s:e], label) for s, e, label in base_spans] == [("3 GB", "QUANTITY")]
    # A sentence without spans stays: it teaches the recognizer where nothing is.
    assert pieces[2][1] == [] and pieces[2][2] == []


def test_a_span_across_a_sentence_end_joins_the_two_sentences():
    gold = [(9, 18, "Attacker")]  # "hit. The " crosses the first sentence's end
    pieces = sentence_texts((TEXT, gold, []), SENTENCES)
    assert len(pieces) == 2
    text, spans, _ = pieces[0]
    assert text.startswith("Acme was hit. The attackers")
    assert [text[s:e] for s, e, _l in spans] == ["hit. The "]


def test_every_span_is_kept_exactly_once_and_blank_tails_are_dropped():
    gold = [(0, 4, "A"), (14, 17, "B"), (39, 45, "C")]
    pieces = sentence_texts((TEXT, gold, []), SENTENCES + [(51, 53)])
    found = []
    at = 0
    for text, spans, _ in pieces:
        start = TEXT.index(text, at)
        found += [(s + start, e + start, label) for s, e, label in spans]
        at = start + len(text)
    assert found == gold
    assert all(text.strip() for text, _, _ in pieces)
