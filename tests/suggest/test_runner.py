"""Suggesting for a whole project: batched transactions, resuming without duplicates, --force."""

from __future__ import annotations

import pytest

from annotator.model.layer import DocStatus, LayerKind
from annotator.suggest.pipeline import MODEL_SETTING
from annotator.suggest import pool
from annotator.suggest.runner import suggest_documents
from annotator.suggest.suggester import SuggestError, Suggester

TEXTS = [
    "Biden flew to Kabul.",
    "Nothing to see here.",  # no suggestions at all, and still done
    "Qatar and Kabul on Thursday.",
    "Biden met Biden in Qatar.",
    "Kabul again.",
]


def _layer_counts(store, layer_name: str) -> tuple[int, int]:
    stats = store.stats()["layers"][layer_name]
    return stats["spans"], stats["done"]


def test_every_document_is_suggested_once_and_marked_done(store, add_texts, tiny_model: str) -> None:
    ids = add_texts(store, TEXTS)
    seen: list[tuple[int, int]] = []
    report = suggest_documents(store, tiny_model, batch_size=2, processes=1, progress=lambda phase, done, total: seen.append((done, total)))
    assert (report.layer, report.documents, report.skipped, report.spans, report.events) == ("spacy:tiny-1.0.0", 5, 0, 9, 0)
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    layer = store.layer("spacy:tiny-1.0.0")
    assert layer.kind is LayerKind.SUGGESTIONS and layer.info["model_name"] == "tiny"
    assert store.statuses(layer.id) == {i: DocStatus.DONE for i in ids}
    assert [a.label for a in store.annotations(layer.id, ids[0]).spans] == ["PERSON", "GPE"]

    again = suggest_documents(store, tiny_model)
    assert (again.documents, again.skipped) == (0, 5)
    assert _layer_counts(store, "spacy:tiny-1.0.0") == (9, 5)


def test_force_redoes_everything_with_the_same_uids(store, add_texts, tiny_model: str) -> None:
    ids = add_texts(store, TEXTS)
    suggest_documents(store, tiny_model)
    layer = store.layer("spacy:tiny-1.0.0")
    before = {i: [s.uid for s in store.annotations(layer.id, i).spans] for i in ids}
    report = suggest_documents(store, tiny_model, force=True)
    assert (report.documents, report.skipped) == (5, 0)
    assert {i: [s.uid for s in store.annotations(layer.id, i).spans] for i in ids} == before


def test_stopping_after_a_batch_keeps_it_and_the_next_run_does_the_rest(store, add_texts, tiny_model: str) -> None:
    add_texts(store, TEXTS)
    report = suggest_documents(store, tiny_model, batch_size=2, processes=1, should_stop=lambda: True)
    assert report.cancelled and report.documents == 2
    assert _layer_counts(store, "spacy:tiny-1.0.0")[1] == 2
    rest = suggest_documents(store, tiny_model, batch_size=2, processes=1)
    assert (rest.documents, rest.skipped, rest.cancelled) == (3, 2, False)
    assert _layer_counts(store, "spacy:tiny-1.0.0") == (9, 5)


def test_an_interrupt_in_a_batch_loses_only_that_batch(store, add_texts, tiny_model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    add_texts(store, TEXTS)
    real = Suggester.analyse
    calls = []

    def interrupted(self, items, batch_size=32):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, items, batch_size)

    monkeypatch.setattr(Suggester, "analyse", interrupted)
    with pytest.raises(KeyboardInterrupt):
        suggest_documents(store, tiny_model, batch_size=2, processes=1)
    assert _layer_counts(store, "spacy:tiny-1.0.0") == (2, 2)  # the first batch, whole; nothing of the second
    monkeypatch.setattr(Suggester, "analyse", real)
    suggest_documents(store, tiny_model, batch_size=2, processes=1)
    assert _layer_counts(store, "spacy:tiny-1.0.0") == (9, 5)  # nothing twice


def test_a_document_the_pipeline_fails_on_is_reported_and_tried_again_later(
    store, add_texts, tiny_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = add_texts(store, TEXTS)
    real = Suggester.analyse

    def fragile(self, items, batch_size=32):
        items = list(items)
        if any(text.startswith("Qatar") for text, _, _ in items):
            raise ValueError("the pipeline choked")
        return real(self, items, batch_size)

    monkeypatch.setattr(Suggester, "analyse", fragile)
    report = suggest_documents(store, tiny_model, batch_size=5, processes=1)
    assert report.documents == 4 and not report.ok
    assert report.problems == [f"document {ids[2]} (Qatar and Kabul on T): no suggestions (ValueError: the pipeline choked)"]
    layer = store.layer("spacy:tiny-1.0.0")
    assert store.status(layer.id, ids[2]) is DocStatus.NEW
    monkeypatch.setattr(Suggester, "analyse", real)
    assert suggest_documents(store, tiny_model).documents == 1


def test_the_project_setting_chooses_the_model(store, add_texts, tiny_model: str) -> None:
    add_texts(store, TEXTS[:1])
    store.set_setting(MODEL_SETTING, tiny_model)
    assert suggest_documents(store).layer == "spacy:tiny-1.0.0"


def test_a_missing_model_writes_nothing(store, add_texts) -> None:
    add_texts(store, TEXTS)
    with pytest.raises(SuggestError, match="is not installed"):
        suggest_documents(store, "no_such_pipeline_xyz")
    assert store.layers() == []


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "spawned"])
def test_two_processes_give_the_same_suggestions(
    file_store, add_texts, tiny_model: str, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    monkeypatch.setattr(pool, "fork_is_safe", lambda: fork)
    ids = add_texts(file_store, [f"{text} ({n})" for n in range(3) for text in TEXTS])
    report = suggest_documents(file_store, tiny_model, processes=2, batch_size=4)
    assert (report.documents, report.spans) == (15, 27)
    layer = file_store.layer("spacy:tiny-1.0.0")
    parallel = {i: [(s.uid, s.start, s.end, s.label) for s in file_store.annotations(layer.id, i).spans] for i in ids}
    suggest_documents(file_store, tiny_model, force=True, processes=1)
    assert {i: [(s.uid, s.start, s.end, s.label) for s in file_store.annotations(layer.id, i).spans] for i in ids} == parallel


def test_a_missing_model_in_the_processes_is_an_error_too(file_store, add_texts) -> None:
    add_texts(file_store, TEXTS)
    with pytest.raises(SuggestError, match="is not installed"):
        suggest_documents(file_store, "no_such_pipeline_xyz", processes=2)

