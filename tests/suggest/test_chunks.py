"""Cutting long texts: pieces under the limit, at paragraph boundaries first, offsets exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest.chunks import CHUNK_CHARS, chunk_limit, split_text


def _check(text: str, pieces: list[tuple[int, str]], limit: int) -> None:
    position = 0
    for offset, piece in pieces:
        assert 0 < len(piece) <= limit
        assert text[offset : offset + len(piece)] == piece
        assert offset >= position
        # Nothing but space is ever left out between pieces.
        assert not text[position:offset].strip()
        position = offset + len(piece)
    assert not text[position:].strip()


def test_short_texts_stay_whole_and_empty_ones_give_nothing() -> None:
    assert split_text("One paragraph.", 100) == [(0, "One paragraph.")]
    assert split_text("", 100) == []


def test_cuts_fall_on_blank_lines_first() -> None:
    paragraph = "A sentence here. Another one there.\nA second line.\n\n"
    text = paragraph * 20
    pieces = split_text(text, 200)
    _check(text, pieces, 200)
    assert len(pieces) == 7
    assert all(piece.startswith("A sentence here.") and piece.rstrip().endswith("A second line.") for _, piece in pieces)


def test_then_line_breaks_then_sentences_then_spaces() -> None:
    line = "word " * 30 + "\n"
    pieces = split_text(line * 10, 400)
    _check(line * 10, pieces, 400)
    assert [offset % len(line) for offset, _ in pieces] == [0] * len(pieces)  # each starts a line
    sentences = "This is a sentence. " * 100
    pieces = split_text(sentences, 300)
    _check(sentences, pieces, 300)
    assert all(piece.endswith(".") for _, piece in pieces[:-1])
    unbroken = "x" * 1000
    pieces = split_text(unbroken, 300)
    _check(unbroken, pieces, 300)
    assert [offset for offset, _ in pieces] == [0, 300, 600, 900]


def test_a_million_characters_in_pieces_under_the_limit() -> None:
    text = ("Troops were deployed to Kabul on Thursday. " * 40 + "\n\n") * 600
    assert len(text) > 1_000_000
    pieces = split_text(text, chunk_limit(1_000_000))
    _check(text, pieces, CHUNK_CHARS)
    # Paragraphs of 1,722 characters: five (8,610 with their breaks) fit under 10,000, so 600 / 5.
    assert len(pieces) == 600 // (CHUNK_CHARS // 1722)


def test_the_limit_respects_the_pipeline_max_length() -> None:
    assert chunk_limit(1_000_000) == CHUNK_CHARS
    assert chunk_limit(5_000) == 4_999


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .\n\t😀é"), max_size=400), st.integers(min_value=1, max_value=60))
def test_pieces_always_cover_the_text_exactly(text: str, limit: int) -> None:
    _check(text, split_text(text, limit), limit)
