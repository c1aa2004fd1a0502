"""JSONL export: Prodigy-compatible records with exact code-point offsets, events and relations,
and a round trip through the importer that gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from export_samples import PLAIN, TEXT, TIMES, build_gold

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.formats.jsonl_writer import input_hash
from annotator.app.bundled import default_schema
from annotator.model.tokens import Tokens, token_json
from annotator.store.project import ProjectStore


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _new_store() -> ProjectStore:
    store = ProjectStore.memory()
    store.set_schema(default_schema())
    return store


def test_records_carry_text_meta_tokens_and_spans_with_exact_offsets(store: ProjectStore, tmp_path: Path) -> None:
    ids = build_gold(store)
    out = tmp_path / "gold.jsonl"
    summary = export_layer(store, "jsonl", out)
    first, second = _records(out)  # the document outside the layer is not exported
    assert (first["text"], second["text"]) == (TEXT, PLAIN)
    assert first["meta"] == {
        "title": "Kabul",
        "date": "2021-08-16",
        "source": "kabul.txt",
        "url": "https://example.org/1",
        "annotator": "gold",
        "created_at": TIMES[0],
        "updated_at": TIMES[1],
    }
    assert first["answer"] == "accept"
    # The stored token JSON goes out verbatim.
    stored = json.loads(token_json(store.tokens(ids["unicode"])))  # type: ignore[arg-type]
    assert first["tokens"] == stored
    tokens = Tokens.from_offsets([(t["start"], t["end"], t["ws"]) for t in stored])
    expected = {
        ("Kabul", "GPE"),
        ("🇦🇫", "GPE"),
        ("AP", "ORG"),
        ("Ахмад Шах", "PERSON"),
        ("👩\u200d👩\u200d👧", "NORP"),
        ("José", "PERSON"),
        ("Jose\u0301", "PERSON"),
        ("東京", "GPE"),
        ("東京都", "LOC"),
        ("בירושלים", "GPE"),
        ("مرحبا بكم", "WORK_OF_ART"),
        ('left!\n\n"Later', "EVENT"),
        ("Mr. Kirby", "PERSON"),
    }  # "Then" was rejected
    assert {(TEXT[s["start"] : s["end"]], s["label"]) for s in first["spans"]} == expected
    for span in first["spans"]:
        assert (span["token_start"], span["token_end"]) == tokens.token_range(span["start"], span["end"])
    flag = next(s for s in first["spans"] if TEXT[s["start"] : s["end"]] == "🇦🇫")
    assert first["tokens"][flag["token_end"]]["end"] == flag["end"]  # token_end is inclusive
    kirby = next(s for s in first["spans"] if s["label"] == "PERSON" and "fragments" in s)
    assert [TEXT[a:b] for a, b in kirby["fragments"]] == ["Mr.", "Kirby"]
    ap = next(s for s in first["spans"] if s["label"] == "ORG")
    assert ap["attributes"] == {"Confidence": "High"} and ap["note"] == "news agency"
    assert summary.documents == 2 and summary.spans == 13 + 2 and summary.events == 3
    assert summary.left_out["rejected span(s)"] == 1 and summary.left_out["rejected event(s)"] == 1
    assert summary.adjusted["span(s) off token boundaries (token_start/token_end: the tokens they overlap)"] == 1


def test_events_arguments_and_relations(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    out = tmp_path / "gold.jsonl"
    summary = export_layer(store, "jsonl", out)
    record = _records(out)[0]
    events = record["events"]
    assert [(e["type"], TEXT[e["trigger"]["start"] : e["trigger"]["end"]]) for e in events] == [
        ("Contact:Meet", "met"),
        ("Movement:Transport", "left"),
        ("Report", "said"),
    ]  # text order; the rejected "agreed" is left out
    meet, transport, report = events
    assert [(a["role"], TEXT[a["start"] : a["end"]], a["label"]) for a in meet["arguments"]] == [
        ("Entity", "Ахмад Шах", "PERSON"),
        ("Entity", "José", "PERSON"),
        ("Place", "בירושלים", "GPE"),
    ]
    assert meet["note"] == "the second\nmeeting" and transport["attributes"] == {"Modality": "Asserted"}
    # An event filling a role names it by index; the argument naming the rejected event is gone.
    assert report["arguments"] == [
        {"role": "Reporter", "start": TEXT.index("she"), "end": TEXT.index("she") + 3, "label": "Reporter"},
        {"role": "Event", "event": 1},
    ]
    assert summary.left_out["event argument(s) naming an event that is not exported"] == 1
    tokens = record["tokens"]
    relations = {(r["label"], tokens[r["head"]]["text"], tokens[r["child"]]["text"]) for r in record["relations"]}
    assert relations == {
        ("Entity", "met", "Шах"),
        ("Entity", "met", "José"),
        ("Place", "met", "בירושלים"),
        ("Agent", "left", "Шах"),
        ("Destination", "left", "東京都"),
        ("Reporter", "said", "she"),
        ("Event", "said", "left"),
    }
    for relation in record["relations"]:
        assert relation["head"] == relation["head_span"]["token_end"]
        assert relation["child"] == relation["child_span"]["token_end"]
        assert TEXT[relation["head_span"]["start"] : relation["head_span"]["end"]] in ("met", "left", "said")


def test_hashes_are_stable_signed_32_bit_and_follow_the_annotations(store: ProjectStore, tmp_path: Path) -> None:
    ids = build_gold(store)
    export_layer(store, "jsonl", tmp_path / "a.jsonl")
    export_layer(store, "jsonl", tmp_path / "b.jsonl")
    a, b = _records(tmp_path / "a.jsonl"), _records(tmp_path / "b.jsonl")
    assert [(r["_input_hash"], r["_task_hash"]) for r in a] == [(r["_input_hash"], r["_task_hash"]) for r in b]
    for record in a:
        assert -(2**31) <= record["_input_hash"] < 2**31 and -(2**31) <= record["_task_hash"] < 2**31
    assert a[0]["_input_hash"] == input_hash(store.document(ids["unicode"]).text)
    gold = store.layer("gold")
    annotations = store.annotations(gold.id, ids["plain"])  # type: ignore[union-attr, arg-type]
    store.replace_annotations(gold.id, ids["plain"], type(annotations)(annotations.spans[:1]))  # type: ignore[union-attr, arg-type]
    export_layer(store, "jsonl", tmp_path / "c.jsonl")
    c = _records(tmp_path / "c.jsonl")
    assert c[1]["_input_hash"] == a[1]["_input_hash"] and c[1]["_task_hash"] != a[1]["_task_hash"]
    assert c[0]["_task_hash"] == a[0]["_task_hash"]


def test_export_import_export_is_byte_identical(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    first = tmp_path / "first.jsonl"
    export_layer(store, "jsonl", first)
    again = _new_store()
    report = import_paths(again, [first], layer_name="gold")
    assert report.problems == []
    second = tmp_path / "second.jsonl"
    export_layer(again, "jsonl", second)
    assert second.read_bytes() == first.read_bytes()
    # And the imported project holds the same text at the same offsets.
    gold = again.layer("gold")
    document = next(again.documents())
    spans = again.annotations(gold.id, document.id).spans  # type: ignore[union-attr, arg-type]
    assert ("Jose\u0301", "PERSON") in {(document.text[a.start : a.end], a.label) for a in spans}


def test_round_trip_of_the_seeds_and_the_samples(tmp_path: Path, seeds: Path, data: Path) -> None:
    store = _new_store()
    # The seeds' gold events (seed_events.jsonl) and the samples of every imported format.
    sources = [seeds, data / "seed_events.jsonl", data / "brat-news", data / "prodigy", data / "doccano"]
    report = import_paths(store, sources, layer_name="gold")
    first = tmp_path / "first.jsonl"
    summary = export_layer(store, "jsonl", first)
    assert summary.documents > 60 and summary.events == report.events_added > 20
    for record in _records(first):
        if "events" not in record:
            continue  # a Prodigy record written back as it came (without tokens)
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]].strip()
            assert record["tokens"][span["token_start"]]["start"] <= span["start"]
            assert record["tokens"][span["token_end"]]["end"] >= span["end"]
    again = _new_store()
    import_paths(again, [first], layer_name="gold")
    second = tmp_path / "second.jsonl"
    export_layer(again, "jsonl", second)
    assert second.read_bytes() == first.read_bytes()
