"""A long document shared between the suggestion processes: its chunks cut into parts, suggested
side by side and joined, give exactly what one process gives for the whole text."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.app.bundled import seed_files
from annotator.formats.text_files import read_plain_text
from annotator.suggest import chunks, pool
from annotator.suggest.pool import SHARED_CHUNKS, split_parts
from annotator.suggest.runner import suggest_documents

TINY_TEXT = "\n\n".join(f"Biden flew to Kabul on Thursday, report {n}. Then Qatar, and Zork." for n in range(40))


def _everything(store, layer_name: str) -> dict:
    layer = store.layer(layer_name)
    found = {}
    for document_id in store.document_ids():
        annotations = store.annotations(layer.id, document_id)
        found[document_id] = (
            [(s.uid, s.start, s.end, s.label, s.confidence) for s in annotations.spans],
            [(e.uid, e.trigger, tuple((a.role, a.span) for a in e.arguments), e.confidence) for e in annotations.events],
        )
    return found


def _shared_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the documents suggest_shared splits, so a test knows the shared path ran."""
    calls: list[int] = []
    original = pool._shared_document

    def counting(suggester, pool_, helpers, document):
        calls.append(document.id)
        return original(suggester, pool_, helpers, document)

    monkeypatch.setattr(pool, "_shared_document", counting)
    return calls


def test_parts_cover_the_pieces_in_order_and_share_the_characters() -> None:
    pieces = [(n * 100, "x" * (50 + n % 7)) for n in range(11)]
    for count in (1, 2, 3, 20):
        parts = split_parts(pieces, count)
        assert [p for part in parts for p in part] == pieces
        assert len(parts) == min(count, len(pieces)) and all(parts)
    halves = [sum(len(p) for _, p in part) for part in split_parts(pieces, 2)]
    assert abs(halves[0] - halves[1]) < 80


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "spawned"])
def test_a_long_document_shared_by_two_processes_gets_what_one_process_gives(
    file_store, add_texts, tiny_model: str, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    monkeypatch.setattr(pool, "fork_is_safe", lambda: fork)
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 300)
    add_texts(file_store, [TINY_TEXT, "Biden in Kabul.", TINY_TEXT.replace("Kabul", "Qatar")])
    calls = _shared_calls(monkeypatch)
    # One document per batch: the long ones are shared, the short one goes as a batch.
    report = suggest_documents(file_store, tiny_model, processes=2, batch_size=1)
    assert report.ok and report.documents == 3 and len(calls) >= 1
    shared = _everything(file_store, "spacy:tiny-1.0.0")
    suggest_documents(file_store, tiny_model, force=True, processes=1)
    assert _everything(file_store, "spacy:tiny-1.0.0") == shared
    assert sum(len(spans) for spans, _ in shared.values()) == 2 * 40 * 4 + 2  # Biden, Kabul (or Qatar), Thursday, Qatar per report; Zork is no label


def test_a_single_long_document_starts_a_helper_for_itself(
    file_store, add_texts, tiny_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "fork_is_safe", lambda: True)
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 300)
    add_texts(file_store, [TINY_TEXT])
    calls = _shared_calls(monkeypatch)
    assert suggest_documents(file_store, tiny_model, processes=2).documents == 1
    assert len(calls) == 1  # without a helper, the one batch would have run here alone


@pytest.mark.pipeline
def test_with_the_real_pipeline_confidences_and_events_are_the_same_too(
    file_store, add_texts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "fork_is_safe", lambda: True)
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 1_500)
    seeds = [read_plain_text(Path(str(f)), Path(str(f)).name, []).document.text for f in seed_files()]
    text = "\n\n".join(seeds)
    assert len(chunks.split_text(text, 1_500)) >= SHARED_CHUNKS
    add_texts(file_store, [text])
    calls = _shared_calls(monkeypatch)
    report = suggest_documents(file_store, None, processes=2)
    assert report.ok and len(calls) == 1 and report.spans > 20 and report.events > 0
    layer = report.layer
    shared = _everything(file_store, layer)
    assert any(c is not None for spans, _ in shared.values() for *_, c in spans)
    suggest_documents(file_store, None, force=True, processes=1)
    assert _everything(file_store, layer) == shared
