"""CoNLL-2003 export: -DOCSTART-, one stored token a line with its IOB2 tag, sentences apart,
overlaps resolved first-starting-then-longest and counted."""

from __future__ import annotations

from pathlib import Path

from export_samples import PLAIN, build_gold

from annotator.formats.conll_writer import sentence_starts
from annotator.formats.exporter import export_layer
from annotator.store.project import ProjectStore


def _documents(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents as lists of sentences of (token, tag), checking the line format on the way."""
    documents: list[list[list[tuple[str, str]]]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        if lines == ["-DOCSTART- -X- O O"]:
            documents.append([])
            continue
        sentence = []
        for line in lines:
            token, pos, chunk, tag = line.split(" ")
            assert (pos, chunk) == ("-X-", "-X-")
            sentence.append((token, tag))
        documents[-1].append(sentence)
    return documents


def _tokens(texts: list[str]) -> list[dict]:
    tokens, at = [], 0
    for text in texts:
        tokens.append({"text": text, "start": at, "end": at + len(text)})
        at += len(text)
    return tokens


def test_sentences_end_at_final_punctuation_after_closing_quotes_and_at_line_breaks() -> None:
    words = ["He", "said", ".", '"', "Yes", "!", '"', "Then", "Mr.", "Kirby", "left", "\n", "Headline", "Next"]
    starts = sentence_starts(_tokens(words))
    # Like spaCy's sentencizer, punctuation after a full stop stays with its sentence (a closing quote
    # is taken along; an opening one is too, which is the rule's known price).
    assert [w for w, s in zip(words, starts) if s] == ["He", "Yes", "Then", "Headline"]


def test_tokens_tags_and_sentences(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    out = tmp_path / "gold.conll"
    summary = export_layer(store, "conll", out)
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART- -X- O O\n\n")
    unicode, plain = _documents(out)
    assert [t for s in plain for t in s] == [
        ("Pentagon", "O"),
        ("spokesman", "O"),
        ("John", "B-PERSON"),
        ("Kirby", "I-PERSON"),
        ("spoke", "O"),
        ("on", "O"),
        ("Monday", "B-DATE"),
        (".", "O"),
    ]
    assert " ".join(t for s in plain for t, _ in s).replace(" .", ".") == PLAIN
    tagged = [t for s in unicode for t in s]
    assert ("🇦", "B-GPE") in tagged and ("🇫", "I-GPE") in tagged  # a flag is two tokens
    assert ("Jose\u0301", "B-PERSON") in tagged  # written as in the text, combining accent kept
    assert (
        ("בירושלים", "B-GPE") in tagged and ("مرحبا", "B-WORK_OF_ART") in tagged and ("بكم", "I-WORK_OF_ART") in tagged
    )
    # 東京 (GPE) and 東京都 (LOC) start together: the longer wins, the other is counted.
    assert ("東京都", "B-LOC") in tagged
    assert summary.left_out["overlapping span(s) (CoNLL allows one tag a token)"] == 1
    assert not any(t.isspace() for t, _ in tagged)  # the blank line inside the text is no token line
    # The EVENT span `left!\n\n"Later` crosses the line break: the sentence is not cut inside it
    # but right after it.
    assert [s[0][0] for s in unicode] == ["Kabul", "Then", ",", "Mr."]
    assert summary.adjusted["sentence end(s) inside an entity moved to the entity's end"] == 1
    assert summary.left_out["event(s) (CoNLL holds entity tags only)"] == 3
    assert summary.spans == 12 + 2
