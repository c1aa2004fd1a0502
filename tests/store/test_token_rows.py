"""Stored tokens: finding documents without them, and filling them in without replacing any."""

from __future__ import annotations

from annotator.model.document import Document
from annotator.model.tokens import encode_tokens
from annotator.store.token_rows import documents_without_tokens, fill_tokens


def test_documents_without_tokens_and_filling_them(store) -> None:
    kept = encode_tokens("Kabul", [(0, 5, False)])
    with_tokens = store.add_document(Document("Kabul", title="a"), kept)
    without = [store.add_document(Document(f"Qatar {n} 😀", title=str(n)), None) for n in range(3)]
    assert documents_without_tokens(store, [with_tokens, *without, 999]) == set(without)
    assert documents_without_tokens(store, []) == set()

    made = encode_tokens("Qatar 0 😀", [(0, 5, True), (6, 7, True), (8, 9, False)])
    other = encode_tokens("x", [(0, 1, False)])
    fill_tokens(store, [(without[0], made), (with_tokens, other)])
    assert store.tokens(without[0]) == made
    assert store.tokens(with_tokens) == kept  # stored tokens are never replaced
    assert documents_without_tokens(store, [with_tokens, *without]) == set(without[1:])
