"""Tokenisation with spaCy's English rules, for code outside this package (import, export, review).

Only the tokenizer is built (``spacy.blank("en")``): no trained pipeline is loaded, so this is
fast to start and gives the same tokens as ``en_core_web_sm``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Iterator

from annotator.model.tokens import TokenOffsets, Tokens


@lru_cache(maxsize=1)
def _english() -> Any:
    import spacy

    return spacy.blank("en")


def tokenize(texts: Iterable[str], batch_size: int = 64) -> Iterator[TokenOffsets]:
    """``(start, end, followed_by_space)`` for every token of every text, in code points."""
    tokenizer = _english().tokenizer
    for doc in tokenizer.pipe(texts, batch_size=batch_size):
        yield [(token.idx, token.idx + len(token), bool(token.whitespace_)) for token in doc]


def tokenize_docs(texts: Iterable[str], batch_size: int = 64) -> Iterator[Any]:
    """spaCy's tokenised ``Doc`` of every text (words and spaces only), in order."""
    return _english().tokenizer.pipe(texts, batch_size=batch_size)  # type: ignore[no-any-return]


def tokens_of(text: str, blob: bytes | None) -> Tokens:
    """A document's token boundaries: from its stored tokens, or made now when none are stored.

    Import stores no tokens (tokenising was most of its time); whoever first needs a document's
    tokens (the window snapping a selection, agreement) makes them from the text here.
    """
    if blob:
        return Tokens.from_blob(blob)
    return Tokens.from_offsets(next(iter(tokenize([text]))))


def blank_english() -> Any:
    """A blank English ``Language`` (tokenizer only), for building ``Doc`` objects from our tokens."""
    return _english()
