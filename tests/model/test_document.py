"""Documents: text checks, line-ending normalisation with offset mapping, hashing, titles."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.model.document import (
    MAX_DOCUMENT_CHARS,
    Document,
    TextError,
    check_text,
    content_hash,
    default_title,
    normalize_text,
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("  \n\t ", "empty"),
        ("a\x00b", "NUL character at offset 1"),
        ("ok \ud83d then", "lone surrogate (U+D83D) at offset 3"),
    ],
)
def test_bad_text_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(TextError, match=re.escape(problem)):
        check_text(text)


def test_too_long_text_is_refused() -> None:
    with pytest.raises(TextError, match="limit"):
        check_text("a" * (MAX_DOCUMENT_CHARS + 1))


def test_crlf_and_cr_become_lf_and_offsets_follow() -> None:
    original = "\ufeffOne\r\nTwo\rThree\r\n\r\nFour"
    stored, offsets = normalize_text(original)
    assert stored == "One\nTwo\nThree\n\nFour"
    for word in ("One", "Two", "Three", "Four"):
        start = original.index(word)
        assert stored[offsets(start) : offsets(start + len(word))] == word


@given(st.text(alphabet=st.sampled_from(["a", "b", "\r", "\n", "😀", "é"]), max_size=40))
def test_normalised_offsets_always_point_at_the_same_characters(original: str) -> None:
    stored, offsets = normalize_text(original)
    assert "\r" not in stored
    for i, ch in enumerate(original):
        if ch not in "\r\n":
            assert stored[offsets(i)] == ch


def test_text_without_carriage_returns_is_unchanged() -> None:
    stored, offsets = normalize_text("plain\ntext 😀")
    assert stored == "plain\ntext 😀" and offsets.is_identity


def test_document_gets_hash_and_title_from_its_text() -> None:
    document = Document("\n  Headline here  \nBody text.")
    assert document.title == "Headline here"
    assert document.content_hash == content_hash("\n  Headline here  \nBody text.")
    assert Document("x" * 10).content_hash != Document("y" * 10).content_hash


def test_long_first_line_is_shortened_at_a_word() -> None:
    title = default_title("word " * 100)
    assert len(title) <= 121 and title.endswith("…") and not title.endswith(" …")


def test_meta_gathers_title_date_source_and_extra() -> None:
    document = Document("Text", title="T", date="2021-08-16", source="x.txt", extra={"section": "news"})
    assert document.meta == {"title": "T", "date": "2021-08-16", "source": "x.txt", "section": "news"}
