"""The hashes of Prodigy records against Prodigy's own: input hashes are Prodigy's, task hashes
are this project's one documented formula, and imported records keep the hashes they came with.

The records are the first 60 of Prodigy's example ``ner.teach`` dataset (``tests/data/prodigy/``,
see ``tests/data/SAMPLES.md``): their ``_input_hash`` and ``_task_hash`` were made by Prodigy.
"""

from __future__ import annotations

import json
from pathlib import Path

from murmurhash.mrmr import hash as murmur

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.formats.prodigy_records import input_hash, task_hash, task_json
from annotator.store.project import ProjectStore

TEACH = Path("prodigy") / "annotated_reddit-PRODUCT-ner.head60.jsonl"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_input_hashes_are_prodigys_own(data: Path) -> None:
    records = _lines(data / TEACH)
    assert len(records) == 60
    assert [input_hash(r["text"]) for r in records] == [r["_input_hash"] for r in records]


def test_records_imported_from_prodigy_keep_their_task_hashes_on_export(data: Path, tmp_path: Path) -> None:
    original = _lines(data / TEACH)
    store = ProjectStore.memory()
    assert import_paths(store, [data / TEACH], layer_name="teach").ok
    out = tmp_path / "out.jsonl"
    export_layer(store, "jsonl", out, layer="teach", status="any")
    hashes = sorted((r["_input_hash"], r["_task_hash"]) for r in original)
    assert sorted((r["_input_hash"], r["_task_hash"]) for r in _lines(out)) == hashes
    # Prodigy's task hashes are not what this project would compute for the same records, which
    # is why they are kept rather than made again.
    assert all(task_hash(r["_input_hash"], task_json(r)) != r["_task_hash"] for r in original)


def test_records_made_here_get_the_documented_task_hash(tmp_path: Path) -> None:
    store = ProjectStore.memory()
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"text": "Café Apple sells phones.", "label": [[5, 10, "ORG"]]}) + "\n", encoding="utf-8")
    assert import_paths(store, [source], layer_name="a").ok
    out = tmp_path / "out.jsonl"
    export_layer(store, "jsonl", out, layer="a", status="any")
    (record,) = _lines(out)
    assert record["_input_hash"] == int(murmur(json.dumps(record["text"])))
    spans = json.dumps(record["spans"], ensure_ascii=False, separators=(",", ":"))
    assert record["_task_hash"] == int(murmur(str(record["_input_hash"]) + '{"spans":' + spans + "}"))


def test_a_kept_record_without_hashes_gets_the_same_formula(tmp_path: Path) -> None:
    source = tmp_path / "manual.jsonl"
    record = {"text": "Apple sells phones.", "answer": "accept", "_view_id": "ner_manual",
              "spans": [{"start": 0, "end": 5, "label": "ORG"}]}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    store = ProjectStore.memory()
    assert import_paths(store, [source], layer_name="a").ok
    out = tmp_path / "out.jsonl"
    export_layer(store, "jsonl", out, layer="a")
    (written,) = _lines(out)
    assert written["_input_hash"] == input_hash(record["text"])
    spans = json.dumps(written["spans"], ensure_ascii=False, separators=(",", ":"))  # as written back
    assert written["_task_hash"] == int(murmur(str(written["_input_hash"]) + '{"spans":' + spans + "}"))
