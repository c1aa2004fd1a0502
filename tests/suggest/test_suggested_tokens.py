"""The suggester stores each suggested document's tokens, exactly as they would be made lazily.

Export and agreement otherwise tokenise every document again. The stored tokens must be the
very bytes the lazy path (:func:`annotator.suggest.tokenizer.tokens_of` and the exporters'
``encode_tokens(text, next(tokenize([text])))``) makes: on the seeds, on non-BMP characters
(offsets in code points), on empty texts and on texts cut into chunks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.app.bundled import default_schema
from annotator.formats.text_files import read_plain_text
from annotator.model.document import content_hash
from annotator.model.tokens import Tokens, encode_tokens
from annotator.suggest import pool
from annotator.suggest.runner import suggest_documents
from annotator.suggest.suggester import Suggester
from annotator.suggest.tokenizer import pipeline_keeps_tokens, tokenize, tokens_of

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

ODD = (
    "Biden 🇺🇸 met 𝔘𝔑 envoys in Kabul 😀 on Thursday.\n\n"
    "“Zork” — café, naïve; 👩‍👩‍👧 and 𝟙𝟚𝟛 people… U.S.-led talks (Doha) e-mail: a@b.org\n"
    "Tabs\there,  two spaces, trailing space \n"
)


def lazily_made(text: str) -> bytes:
    """What the exporters make for a document stored without tokens."""
    return encode_tokens(text, next(iter(tokenize([text]))))


def texts() -> list[str]:
    seeds = [read_plain_text(path, path.name, []).document.text for path in sorted(SEEDS.glob("*.txt"))]
    assert len(seeds) == 2
    return seeds + [ODD, "😀", "Kabul", "", "  \n\n "]


@pytest.fixture(scope="module")
def suggester(tiny_model: str) -> Suggester:
    return Suggester.load(tiny_model, default_schema())


def test_the_tokens_of_the_pipelines_docs_are_the_lazily_made_ones(suggester: Suggester) -> None:
    assert suggester.docs_have_plain_tokens  # so the doc's own tokens are what is stored
    items = [(text, content_hash(text or "-"), True) for text in texts()]
    made = list(suggester.analyse(items, batch_size=3))
    assert [tokens for _, tokens in made] == [lazily_made(text) for text in texts()]
    assert Tokens.from_blob(made[2][1]) == tokens_of(ODD, None)
    # Without the wish, no tokens and the same suggestions.
    plain = list(suggester.analyse([(t, h, False) for t, h, _ in items], batch_size=3))
    assert [tokens for _, tokens in plain] == [None] * len(items)
    assert [s for s, _ in plain] == [s for s, _ in made]


def test_a_text_cut_into_chunks_gets_the_lazily_made_tokens_too(suggester: Suggester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suggester, "chunk_chars", 40)
    text = ODD * 3
    ((_, tokens),) = suggester.analyse([(text, content_hash(text), True)])
    assert tokens == lazily_made(text)


def test_a_pipeline_that_merges_tokens_is_tokenised_separately(tiny_model: str) -> None:
    suggester = Suggester.load(tiny_model, default_schema())
    suggester.nlp.add_pipe("merge_entities")
    suggester.docs_have_plain_tokens = pipeline_keeps_tokens(suggester.nlp)
    assert not suggester.docs_have_plain_tokens
    ((_, tokens),) = suggester.analyse([("Biden flew to Kabul.", "h", True)])
    assert tokens == lazily_made("Biden flew to Kabul.")


@pytest.mark.parametrize("processes, fork", [(1, False), (2, True), (2, False)], ids=["one", "forked", "spawned"])
def test_suggest_stores_missing_tokens_and_keeps_stored_ones(
    file_store, add_texts, tiny_model: str, monkeypatch: pytest.MonkeyPatch, processes: int, fork: bool
) -> None:
    monkeypatch.setattr(pool, "fork_is_safe", lambda: fork)
    corpus = [text for text in texts() if text.strip()]  # a document is never empty
    ids = add_texts(file_store, corpus)
    kept = lazily_made("something else entirely")  # tokens that came with a document (a merge, the hub)
    file_store._db.execute("UPDATE documents SET tokens = ? WHERE id = ?", (kept, ids[-1]))
    file_store._db.conn.commit()
    report = suggest_documents(file_store, tiny_model, processes=processes, batch_size=2)
    assert report.documents == len(corpus)
    stored = file_store.tokens_of(ids)
    assert [stored[i] for i in ids[:-1]] == [lazily_made(text) for text in corpus[:-1]]
    assert stored[ids[-1]] == kept


@pytest.mark.pipeline
def test_the_real_pipeline_stores_the_lazily_made_tokens() -> None:
    suggester = Suggester.load(None, default_schema())
    assert suggester.docs_have_plain_tokens
    made = list(suggester.analyse([(text, content_hash(text or "-"), True) for text in texts()]))
    assert [tokens for _, tokens in made] == [lazily_made(text) for text in texts()]


def test_an_export_after_suggesting_is_the_same_as_with_tokens_made_lazily(
    file_store, add_texts, tiny_model: str, tmp_path: Path
) -> None:
    from annotator.formats.exporter import export_layer

    add_texts(file_store, [text for text in texts() if text.strip()])
    suggest_documents(file_store, tiny_model, processes=1)
    layer = "spacy:tiny-1.0.0"
    stored = tmp_path / "stored.jsonl"
    export_layer(file_store, "jsonl", stored, layer=layer)
    file_store._db.execute("UPDATE documents SET tokens = NULL")
    file_store._db.conn.commit()
    lazy = tmp_path / "lazy.jsonl"
    export_layer(file_store, "jsonl", lazy, layer=layer)
    assert stored.read_bytes() == lazy.read_bytes()
    assert "😀" in stored.read_text(encoding="utf-8")
