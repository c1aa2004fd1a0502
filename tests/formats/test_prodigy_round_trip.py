"""Prodigy records in and out: hashes and every other field come back; binary answers, negative
examples and span-level rejections keep their meaning (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.formats.prodigy_records import input_hash
from annotator.store.project import ProjectStore
from annotator.suggest.tokenizer import blank_english


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _canonical(records: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)


def test_every_prodigy_record_comes_back_with_its_hashes_and_fields(data: Path, tmp_path: Path) -> None:
    source = data / "prodigy" / "annotated_reddit-PRODUCT-ner.head60.jsonl"
    store = ProjectStore.memory()
    report = import_paths(store, [source], layer_name="teach")
    assert report.ok
    out = tmp_path / "out.jsonl"
    summary = export_layer(store, "jsonl", out, layer="teach", status="any")
    original = _lines(source)
    exported = _lines(out)
    assert len(exported) == len(original) == 60
    assert _canonical(exported) == _canonical(original)
    assert summary.left_out == {}
    # And once more through a new project: still the same records.
    again = ProjectStore.memory()
    assert import_paths(again, [out], layer_name="teach").ok
    export_layer(again, "jsonl", tmp_path / "again.jsonl", layer="teach", status="any")
    assert _canonical(_lines(tmp_path / "again.jsonl")) == _canonical(original)


def test_records_made_here_get_prodigy_input_hashes(data: Path) -> None:
    # Prodigy's own dataset: every _input_hash is MurmurHash3 of the text's JSON.
    for record in _lines(data / "prodigy" / "annotated_reddit-PRODUCT-ner.head60.jsonl"):
        assert input_hash(record["text"]) == record["_input_hash"]


def test_accepted_record_without_spans_is_a_done_negative_example(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    records = [
        {"text": "Nothing to see here.", "_input_hash": 1, "_task_hash": 2, "answer": "accept", "_view_id": "ner_manual"},
        {"text": "Apple sells phones.", "_input_hash": 3, "_task_hash": 4, "answer": "accept",
         "spans": [{"start": 0, "end": 5, "label": "ORG"}]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    store = ProjectStore.memory()
    assert import_paths(store, [path], layer_name="a").ok
    layer = store.layer("a")
    statuses = {d.text: store.status(layer.id, d.id).value for d in store.documents()}  # type: ignore[union-attr, arg-type]
    assert statuses == {"Nothing to see here.": "done", "Apple sells phones.": "done"}
    out = tmp_path / "out.jsonl"
    summary = export_layer(store, "jsonl", out, layer="a")
    assert summary.documents == 2
    assert _canonical(_lines(out)) == _canonical(records)
    conll = tmp_path / "out.conll"
    export_layer(store, "conll", conll, layer="a")
    assert conll.read_text(encoding="utf-8").count("-DOCSTART-") == 2


def test_a_span_rejected_inside_an_accepted_record_is_no_entity(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    record = {
        "text": "Apple and Pear merged.", "_input_hash": 7, "_task_hash": 8, "answer": "accept", "_view_id": "ner_manual",
        "spans": [
            {"start": 0, "end": 5, "label": "ORG", "answer": "accept"},
            {"start": 10, "end": 14, "label": "ORG", "answer": "reject", "score": 0.4, "source": "core_web_sm"},
        ],
    }
    path.write_text(json.dumps(record) + "\n")
    store = ProjectStore.memory()
    assert import_paths(store, [path], layer_name="a").ok
    layer = store.layer("a")
    document = next(iter(store.documents()))
    spans = store.annotations(layer.id, document.id).spans  # type: ignore[union-attr, arg-type]
    assert [(s.start, s.provenance.is_rejected) for s in spans] == [(0, False), (10, True)]
    conll = tmp_path / "out.conll"
    export_layer(store, "conll", conll, layer="a")
    tags = [line.split(" ")[-1] for line in conll.read_text(encoding="utf-8").splitlines()[2:] if line]
    assert tags == ["B-ORG", "O", "O", "O", "O"]  # Pear is not an ORG
    out = tmp_path / "out.jsonl"
    export_layer(store, "jsonl", out, layer="a")
    assert _lines(out) == [record]  # written back with the rejected span and its fields


def test_binary_answers_export_to_spacy_as_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "teach.jsonl"
    records = [
        {"text": "Apple makes the iPhone here.", "_input_hash": 1, "_task_hash": 2, "answer": "accept", "_view_id": "ner",
         "spans": [{"start": 0, "end": 5, "label": "ORG", "score": 0.9}]},
        {"text": "Apple makes the iPhone here.", "_input_hash": 1, "_task_hash": 3, "answer": "reject", "_view_id": "ner",
         "spans": [{"start": 16, "end": 22, "label": "ORG", "score": 0.3}]},
        {"text": "A complete one.", "_input_hash": 5, "_task_hash": 6, "answer": "accept", "_view_id": "ner_manual",
         "spans": [{"start": 2, "end": 10, "label": "X"}]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    store = ProjectStore.memory()
    assert import_paths(store, [path], layer_name="teach").ok
    out = tmp_path / "out.spacy"
    summary = export_layer(store, "spacy", out, layer="teach")
    docs = {d.text: d for d in DocBin().from_disk(out).get_docs(blank_english().vocab)}
    teach = docs["Apple makes the iPhone here."]
    # Only "Apple" is known; the rejected iPhone and every other token are missing, not O.
    assert [t.ent_iob_ for t in teach] == ["B", "", "", "", "", ""]
    assert [t.ent_iob_ for t in docs["A complete one."]] == ["O", "B", "O", "O"]
    assert summary.adjusted["document(s) of binary answers: tokens outside their spans left missing, not O"] == 1
    jsonl = tmp_path / "out.jsonl"
    export_layer(store, "jsonl", jsonl, layer="teach")
    assert _canonical(_lines(jsonl)) == _canonical(records)
    # The formats that cannot mark tokens unknown say so.
    conll = export_layer(store, "conll", tmp_path / "out.conll", layer="teach")
    assert any("binary answers" in what for what in conll.adjusted)
    brat = export_layer(store, "brat", tmp_path / "brat", layer="teach")
    assert any("binary answers" in what for what in brat.adjusted)


@pytest.mark.parametrize("answer", ["reject", "ignore"])
def test_manual_reject_and_ignore_records_come_back_but_carry_no_spans(tmp_path: Path, answer: str) -> None:
    path = tmp_path / "manual.jsonl"
    record = {"text": "Bad example.", "_input_hash": 1, "_task_hash": 2, "answer": answer, "_view_id": "ner_manual",
              "spans": [{"start": 0, "end": 3, "label": "X"}]}
    path.write_text(json.dumps(record) + "\n")
    store = ProjectStore.memory()
    assert import_paths(store, [path], layer_name="m").ok
    assert store.stats()["layers"]["m"]["spans"] == 0
    out = tmp_path / "out.jsonl"
    export_layer(store, "jsonl", out, layer="m", status="any")
    assert _lines(out) == [record]
