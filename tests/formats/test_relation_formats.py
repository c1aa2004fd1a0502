"""Relations through the formats that carry them: this project's JSONL both ways (free relations
apart from the ones mirroring event arguments), Prodigy rel.manual records, DocBin user_data, and
the command's exit status on the brat samples (issue 10)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.store.project import ProjectStore
from annotator.suggest.tokenizer import blank_english


def _news_store(data: Path, tmp_path: Path) -> ProjectStore:
    source = tmp_path / "news"
    source.mkdir()
    for stem in ("060-relation_annotation", "090-event_structures"):
        for suffix in (".txt", ".ann"):
            shutil.copy(data / "brat-news" / f"{stem}{suffix}", source / f"{stem}{suffix}")
    # An extra relation from an event to a span, which brat allows.
    with (source / "090-event_structures.ann").open("a") as ann:
        ann.write("R1\tReported_by Arg1:E2 Arg2:T4\t\n")
    store = ProjectStore.memory()
    report = import_paths(store, [source], layer_name="news")
    assert report.ok and report.relations_added == 3
    return store


def test_own_jsonl_round_trip_keeps_free_relations_groups_and_event_ends(data: Path, tmp_path: Path) -> None:
    store = _news_store(data, tmp_path)
    first = tmp_path / "first.jsonl"
    summary = export_layer(store, "jsonl", first, layer="news")
    assert summary.relations == 3 and summary.left_out == {}
    records = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    with_events = next(r for r in records if r["events"])
    free = [r for r in with_events["relations"] if "head_event" in r]
    assert len(free) == 1 and free[0]["label"] == "Reported_by"
    assert with_events["events"][free[0]["head_event"]]["type"] == "Report"
    groups = next(r for r in records if r.get("equivalences"))["equivalences"]
    assert [(g["type"], len(g["members"])) for g in groups] == [("Alias", 3)]
    again = ProjectStore.memory()
    report = import_paths(again, [first], layer_name="news")
    # The event-argument mirrors are not read as relations a second time.
    assert report.ok and report.relations_added == 3 and report.events_added == summary.events
    second = tmp_path / "second.jsonl"
    export_layer(again, "jsonl", second, layer="news")
    assert second.read_bytes() == first.read_bytes()
    layer = again.layer("news")
    ends = [
        r.head for d in again.documents() for r in again.annotations(layer.id, d.id).relations  # type: ignore[union-attr, arg-type]
        if r.type == "Reported_by"
    ]
    assert len(ends) == 1 and ends[0].event_uid is not None


def test_prodigy_rel_manual_records_come_in_and_go_out(tmp_path: Path) -> None:
    text = "Alice works for Acme."
    record = {
        "text": text, "_input_hash": 11, "_task_hash": 22, "_view_id": "relations", "answer": "accept",
        "spans": [{"start": 0, "end": 5, "label": "PERSON", "token_start": 0, "token_end": 0},
                  {"start": 16, "end": 20, "label": "ORG", "token_start": 3, "token_end": 3}],
        "relations": [{"head": 0, "child": 3, "label": "WORKS_FOR",
                       "head_span": {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "PERSON"},
                       "child_span": {"start": 16, "end": 20, "token_start": 3, "token_end": 3, "label": "ORG"}}],
    }
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps(record) + "\n")
    store = ProjectStore.memory()
    report = import_paths(store, [path], layer_name="rel")
    assert report.ok and report.relations_added == 1
    layer = store.layer("rel")
    (relation,) = store.annotations(layer.id, next(iter(store.documents())).id).relations  # type: ignore[union-attr, arg-type]
    assert (relation.type, relation.head.span.start, relation.child.span.start) == ("WORKS_FOR", 0, 16)  # type: ignore[union-attr]
    out = tmp_path / "out.jsonl"
    summary = export_layer(store, "jsonl", out, layer="rel")
    assert [json.loads(line) for line in out.read_text().splitlines()] == [record]
    assert summary.relations == 1 and summary.left_out == {}


def test_docbin_keeps_relations_in_user_data(data: Path, tmp_path: Path) -> None:
    store = _news_store(data, tmp_path)
    out = tmp_path / "news.spacy"
    summary = export_layer(store, "spacy", out, layer="news")
    assert summary.relations == 3
    docs = list(DocBin().from_disk(out).get_docs(blank_english().vocab))
    relations = [r for d in docs for r in d.user_data.get("relations", [])]
    located = next(r for r in relations if r["type"] == "Located")
    doc = next(d for d in docs if d.user_data.get("relations"))
    assert doc.text[located["head"]["start"] : located["head"]["end"]] == "Terry Pratchett"
    assert any(r.get("symmetric") and len(r["members"]) == 3 for r in relations)
    reported = next(r for r in relations if r["type"] == "Reported_by")
    assert set(reported["head"]) == {"event"} and set(reported["child"]) == {"start", "end", "label"}


@pytest.mark.parametrize("corpus", ["brat-news", "bionlp-epi"])
def test_the_import_command_exits_0_with_every_relation(data: Path, tmp_path: Path, corpus: str) -> None:
    db = tmp_path / "p.db"
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(db), "import", str(data / corpus), "--annotator", "c"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    expected = sum(
        1 for ann in (data / corpus).glob("*.ann") for line in ann.read_text().splitlines() if line.startswith(("R", "*"))
    )
    stats = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(db), "stats", "--format", "json"], capture_output=True, text=True
    )
    assert json.loads(stats.stdout)["layers"]["c"]["relations"] == expected
