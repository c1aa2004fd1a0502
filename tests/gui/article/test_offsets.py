"""Code points and Qt positions: emoji, flags, ZWJ sequences, combining accents, CJK, right-to-left.

Checked against Qt itself: the position QTextDocument gives a character must be the one the
conversion computes, and a selection made in Qt must come back as the right code points.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.gui.article.offsets import Utf16Offsets

TEXTS = {
    "emoji": "Troops 😀 left Kabul 🚁 on Friday.",
    "flags": "Talks 🇺🇸🇦🇫 in Doha 🇶🇦.",
    "zwj": "The family 👨‍👩‍👧‍👦 fled; 👩🏽‍⚕️ stayed.",
    "combining": "Café naïve e\u0301le\u0300ve Zoë.",
    "cjk": "北京 and 𠮷野家 met 東京.",
    "rtl": "Delegates from كابول and ירושלים met.",
    "astral_math": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 at 𝟚𝟘𝟚𝟙.",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_character_is_where_qt_puts_it(qapp, name: str) -> None:
    text = TEXTS[name]
    offsets = Utf16Offsets(text)
    document = QTextDocument(text)
    assert document.characterCount() - 1 == offsets.length
    for cp, ch in enumerate(text):
        q = offsets.to_qt(cp)
        cursor = QTextCursor(document)
        cursor.setPosition(q)
        cursor.setPosition(q + len(ch.encode("utf-16-le")) // 2, QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == ch
        assert offsets.from_qt(q) == cp


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_word_selected_in_qt_comes_back_as_code_points(qapp, name: str) -> None:
    text = TEXTS[name]
    offsets = Utf16Offsets(text)
    document = QTextDocument(text)
    for word in text.split():
        start = text.index(word)
        cursor = QTextCursor(document)
        cursor.setPosition(offsets.to_qt(start))
        cursor.setPosition(offsets.to_qt(start + len(word)), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == word
        assert text[offsets.from_qt(cursor.selectionStart()) : offsets.from_qt(cursor.selectionEnd())] == word


def test_inside_a_surrogate_pair_rounds_to_the_character_start() -> None:
    offsets = Utf16Offsets("a😀b")
    assert [offsets.from_qt(q) for q in range(5)] == [0, 1, 1, 2, 3]
    assert Utf16Offsets("plain").identity and not offsets.identity


@given(st.text(max_size=60))
def test_round_trip_for_any_text(text: str) -> None:
    offsets = Utf16Offsets(text)
    assert offsets.length == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        assert offsets.from_qt(offsets.to_qt(cp)) == cp
