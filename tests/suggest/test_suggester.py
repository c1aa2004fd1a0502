"""The suggester on a tiny rule-based pipeline: mapped entities, provenance, stable uids, long texts."""

from __future__ import annotations

import pytest

from annotator.app.bundled import default_schema
from annotator.model.annotations import Decision, Origin
from annotator.model.document import content_hash
from annotator.suggest.suggester import SuggestError, Suggester, suggestion_uid

TEXT = "Biden sent troops to Kabul on Thursday. Zork stayed in Qatar."


@pytest.fixture(scope="module")
def suggester(tiny_model: str) -> Suggester:
    return Suggester.load(tiny_model, default_schema())


def test_layer_is_named_after_the_model_and_records_what_made_it(suggester: Suggester, tiny_model: str) -> None:
    assert suggester.layer_name == "spacy:tiny-1.0.0"
    info = suggester.layer_info
    assert info["model"] == tiny_model and info["model_version"] == "1.0.0"
    assert info["lexicon_version"].startswith("triggers 2024.1") and len(info["lexicon_fingerprint"]) == 12


def test_entities_are_mapped_and_unmapped_labels_dropped(suggester: Suggester) -> None:
    result = suggester.suggest(TEXT, content_hash(TEXT))
    assert [(TEXT[s.start : s.end], s.label) for s in result.spans] == [
        ("Biden", "PERSON"),
        ("Kabul", "GPE"),
        ("Thursday", "DATE"),
        ("Qatar", "GPE"),
    ]  # "Zork" (ZORK) has no place in the schema's label_map
    assert result.events == ()  # the tiny pipeline has no parser: entities only
    for span in result.spans:
        assert span.provenance.origin is Origin.SUGGESTED
        assert span.provenance.decision is Decision.PENDING
        assert span.provenance.suggester == "spacy:tiny-1.0.0"


def test_uids_are_the_same_on_every_run_and_differ_between_texts(suggester: Suggester) -> None:
    first = suggester.suggest(TEXT, content_hash(TEXT))
    again = suggester.suggest(TEXT, content_hash(TEXT))
    assert [s.uid for s in first.spans] == [s.uid for s in again.spans]
    assert len({s.uid for s in first.spans}) == len(first.spans)
    other = TEXT + " "
    assert not {s.uid for s in suggester.suggest(other, content_hash(other)).spans} & {s.uid for s in first.spans}
    kabul = first.spans[1]
    assert kabul.uid == suggestion_uid("spacy:tiny-1.0.0", content_hash(TEXT), "span", kabul.start, kabul.end, "GPE")


def test_empty_texts_give_empty_sets_and_order_is_kept(suggester: Suggester) -> None:
    assert not suggester.suggest("", "x")
    assert not suggester.suggest(" \n\n ", "y")
    texts = ["Kabul.", "", "Nothing here.", "Biden and Biden."]
    results = list(suggester.suggest_many((t, content_hash(t or "-")) for t in texts))
    assert [len(r.spans) for r in results] == [1, 0, 0, 2]


def test_a_million_character_document_is_processed_in_chunks_with_exact_offsets(suggester: Suggester) -> None:
    paragraph = "Troops were sent to Kabul. " * 30 + "\n\n"
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    assert len(text) > 1_000_000 > suggester.chunk_chars
    result = suggester.suggest(text, content_hash(text))
    assert len(result.spans) == text.count("Kabul")
    assert all(text[s.start : s.end] == "Kabul" for s in result.spans)
    assert result.spans[-1].end > 990_000  # the last chunk's offsets were shifted back


def test_small_chunks_give_the_same_suggestions_as_one_piece(suggester: Suggester) -> None:
    text = ("Biden flew to Qatar.\nThen on Thursday to Kabul.\n\n" * 50).strip()
    whole = suggester.suggest(text, content_hash(text))
    suggester.chunk_chars, saved = 120, suggester.chunk_chars
    try:
        pieces = suggester.suggest(text, content_hash(text))
    finally:
        suggester.chunk_chars = saved
    assert [(s.start, s.end, s.label, s.uid) for s in pieces.spans] == [(s.start, s.end, s.label, s.uid) for s in whole.spans]


def test_a_missing_model_says_what_to_install() -> None:
    with pytest.raises(SuggestError, match=r"'no_such_pipeline_xyz' is not installed\. Install it with: pip install no-such-pipeline-xyz"):
        Suggester.load("no_such_pipeline_xyz", default_schema())
