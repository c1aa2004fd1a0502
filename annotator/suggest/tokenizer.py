"""Tokenisation with spaCy's English rules, for code outside this package (import, export, review).

Only the tokenizer is built (``spacy.blank("en")``): no trained pipeline is loaded, so this is
fast to start and gives the same tokens as ``en_core_web_sm``.

The suggester stores the tokens of each document it suggests for (see :func:`token_blob` and
:func:`pipeline_keeps_tokens`), so that export and agreement need not make them later; what it
stores is exactly what :func:`tokens_of` would make from the text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Iterator

from annotator.model.tokens import TokenOffsets, Tokens, encode_tokens

KEEPS_TOKENS = frozenset({
    "tok2vec", "transformer", "tagger", "morphologizer", "senter", "sentencizer", "parser", "attribute_ruler",
    "lemmatizer", "trainable_lemmatizer", "ner", "beam_ner", "entity_ruler", "span_ruler", "spancat",
    "textcat", "textcat_multilabel", "annotator_paragraph_breaks",
})
"""Pipeline components (by factory) known never to merge or split tokens."""


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

    Import stores no tokens (tokenising was most of its time); the suggester stores them for each
    document it suggests for; whoever first needs the tokens of another (the window snapping a
    selection, agreement) makes them from the text here.
    """
    if blob:
        return Tokens.from_blob(blob)
    return Tokens.from_offsets(next(iter(tokenize([text]))))


def token_blob(text: str) -> bytes:
    """The stored form of ``text``'s tokens, made with the tokenizer alone (as when made lazily)."""
    return encode_tokens(text, next(iter(tokenize([text]))))


def doc_token_blob(text: str, doc: Any) -> bytes:
    """The stored form of the tokens of ``doc``, a whole ``text`` run through a pipeline that
    :func:`pipeline_keeps_tokens`: the same bytes as :func:`token_blob` without tokenising again."""
    from spacy.attrs import IDX, LENGTH, SPACY

    # One array call instead of three attribute reads per token object.
    rows = doc.to_array([IDX, LENGTH, SPACY]).tolist() if len(doc) else []
    return encode_tokens(text, [(start, start + length, bool(space)) for start, length, space in rows])


def pipeline_keeps_tokens(nlp: Any) -> bool:
    """Whether ``nlp``'s docs have exactly the tokens :func:`tokenize` makes: the same tokenizer
    rules as blank English, and no component that could merge or split tokens."""
    try:
        if any(nlp.get_pipe_meta(name).factory not in KEEPS_TOKENS for name in nlp.pipe_names):
            return False
        return bool(nlp.tokenizer.to_bytes(exclude=["vocab"]) == _english().tokenizer.to_bytes(exclude=["vocab"]))
    except Exception:  # a custom tokenizer or component that cannot say: tokenise separately, to be sure
        return False


def blank_english() -> Any:
    """A blank English ``Language`` (tokenizer only), for building ``Doc`` objects from our tokens."""
    return _english()
