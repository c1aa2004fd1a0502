"""Token boundaries: stored form, snapping, growing and shrinking a span by a token."""

from __future__ import annotations

import json
import zlib

from annotator.model.tokens import Tokens, encode_tokens, token_json

TEXT = "US troops 😀 left Kabul."
OFFSETS = [(0, 2, True), (3, 9, True), (10, 11, True), (12, 16, True), (17, 22, False), (22, 23, False)]


def test_stored_tokens_are_the_export_json() -> None:
    tokens = json.loads(token_json(encode_tokens(TEXT, OFFSETS)))
    assert tokens[2] == {"text": "😀", "start": 10, "end": 11, "id": 2, "ws": True}
    assert [t["text"] for t in tokens] == ["US", "troops", "😀", "left", "Kabul", "."]


def test_snap_widens_to_whole_tokens() -> None:
    tokens = Tokens.from_blob(encode_tokens(TEXT, OFFSETS))
    assert tokens.snap(4, 6) == (3, 9)  # inside "troops"
    assert tokens.snap(1, 11) == (0, 11)  # "S troops 😀" -> "US troops 😀"
    assert tokens.snap(9, 10) == (9, 10)  # only a space: nothing to snap to


def test_grow_and_shrink_step_one_token() -> None:
    tokens = Tokens.from_offsets(OFFSETS)
    assert tokens.grow(3, 9, "end") == (3, 11)
    assert tokens.grow(3, 9, "start") == (0, 9)
    assert tokens.grow(0, 2, "start") == (0, 2)
    assert tokens.shrink(0, 11, "end") == (0, 9)
    assert tokens.shrink(0, 11, "start") == (3, 11)
    assert tokens.shrink(3, 9, "end") == (3, 9)


def test_token_lookup() -> None:
    tokens = Tokens.from_offsets(OFFSETS)
    assert tokens.index_at(5) == 1 and tokens.index_at(9) is None
    assert tokens.token_range(3, 16) == (1, 3)
    assert len(Tokens.from_blob(None)) == 0


def test_from_blob_reads_offsets_even_when_token_texts_look_like_token_json() -> None:
    text = 'say "start":1,"end":2,"id":3 {"text":"x"} 👩‍👩‍👧 done'
    words = text.split(" ")
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    offsets = [(s, s + len(w), True) for s, w in zip(starts, words)]
    tokens = Tokens.from_blob(encode_tokens(text, offsets))
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == words
    assert tokens == Tokens.from_offsets(offsets)


def test_from_blob_parses_token_json_of_another_form() -> None:
    # Keys in another order (no match for the fast reading): the JSON is parsed instead.
    other = json.dumps([{"id": 0, "end": 5, "start": 0, "text": "Hello"}, {"id": 1, "start": 6, "end": 11, "text": "world"}])
    tokens = Tokens.from_blob(zlib.compress(other.encode("utf-8")))
    assert (tokens.starts, tokens.ends) == ((0, 6), (5, 11))
