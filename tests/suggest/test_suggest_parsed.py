"""Suggesting from documents already parsed (training parses once): the same suggestions as from text."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.app.bundled import default_schema, seed_files
from annotator.formats.text_files import read_plain_text
from annotator.suggest.suggester import Suggester


def _found(annotations):
    spans = sorted((a.start, a.end, a.label) for a in (s.span for s in annotations.spans))
    events = sorted(
        (e.trigger.start, e.trigger.end, e.trigger.label, tuple(sorted((a.role, a.span.start, a.span.end) for a in e.arguments if a.span)))
        for e in annotations.events
    )
    return spans, events


@pytest.mark.pipeline
def test_suggestions_from_the_parse_are_those_from_the_text_with_or_without_the_recognizer_again() -> None:
    suggester = Suggester.load(None, default_schema())
    texts = [read_plain_text(Path(str(f)), Path(str(f)).name, []).document.text for f in seed_files()]
    texts.append("Troops were deployed to Kabul on Monday, and Biden met Ghani there.")
    for n, text in enumerate(texts):
        expected = _found(suggester.suggest(text, f"h{n}"))
        assert expected[0] and expected[1], "a text with entities and events"
        pieces = [(offset, suggester.nlp(piece)) for offset, piece in suggester.pieces(text)]
        kept = [[(e.start, e.end, e.label_) for e in doc.ents] for _o, doc in pieces]
        assert _found(suggester.suggest_parsed(pieces, f"h{n}", recognize=False)) == expected
        assert _found(suggester.suggest_parsed(pieces, f"h{n}", recognize=True)) == expected
        # The recognizer runs on copies: the parse itself is left as it was, for the next model.
        assert [[(e.start, e.end, e.label_) for e in doc.ents] for _o, doc in pieces] == kept


@pytest.mark.pipeline
def test_the_recognizer_run_again_is_the_suggesters_own() -> None:
    suggester = Suggester.load(None, default_schema())
    text = "Biden met Ghani in Kabul on Thursday."
    pieces = [(0, suggester.nlp(text))]
    with suggester.nlp.select_pipes(disable=["ner"]):
        blank = [(0, suggester.nlp(text))]
    # Docs without entities: recognize=False keeps none, recognize=True finds them as suggest does.
    assert not suggester.suggest_parsed(blank, "h", recognize=False).spans
    assert _found(suggester.suggest_parsed(blank, "h", recognize=True)) == _found(suggester.suggest(text, "h"))
    assert _found(suggester.suggest_parsed(pieces, "h", recognize=False)) == _found(suggester.suggest(text, "h"))
