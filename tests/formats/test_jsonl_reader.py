"""JSONL: Prodigy, doccano and this project's own records; bad lines are skipped with their number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.formats.jsonl_reader import read_jsonl
from annotator.formats.records import Problem, ReadError


def _read(path: Path) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    return list(read_jsonl(path, path.name, problems)), problems


def test_prodigy_binary_answers_carry_their_spans_accepted_or_rejected(data: Path) -> None:
    # This sample is ner.teach output: one suggested span a record, answered accept or reject.
    path = data / "prodigy" / "annotated_reddit-PRODUCT-ner.head60.jsonl"
    raw = [json.loads(line) for line in path.read_text().splitlines()]
    records, problems = _read(path)
    assert not problems and len(records) == len(raw)
    for line, record in zip(raw, records):
        assert record.annotated == (line["answer"] != "ignore")
        assert record.partial == (line["answer"] != "ignore")
        if line["answer"] != "ignore":
            assert [(s.start, s.end, s.label) for s in record.annotations.spans] == sorted(
                (s["start"], s["end"], s["label"]) for s in line["spans"]
            )
            rejected = {a.provenance.is_rejected for a in record.annotations.spans}
            assert rejected == {line["answer"] == "reject"}
        else:
            assert not record.annotations
        assert record.document.extra["section"] == line["meta"]["section"]
        # Every field but the text is kept to be written back.
        assert record.envelope == {**line, "text": None}


def test_prodigy_without_answer_carries_spans_and_meta_source(data: Path) -> None:
    records, problems = _read(data / "prodigy" / "bio_events.head40.jsonl")
    assert not problems and len(records) == 40
    first = records[0]
    assert first.document.source == "BioNLP 2011 Genia Shared Task, PMC-1310901"
    assert [first.document.text[a.start : a.end] for a in first.annotations.spans] == [
        "bcr", "abl", "interferon regulatory factor 4", "IRF-4"
    ]


def test_doccano_both_shapes(data: Path) -> None:
    records, problems = _read(data / "doccano" / "sequence_labeling.jsonl")
    assert not problems
    obama = records[2]
    assert [(obama.document.text[a.start : a.end], a.label) for a in obama.annotations.spans] == [
        ("Obama", "PERSON"), ("Paris", "GPE")
    ]
    records, problems = _read(data / "doccano" / "relation_extraction.jsonl")
    assert [(records[0].document.text[a.start : a.end], a.label) for a in records[0].annotations.spans] == [
        ("Google", "ORG"), ("September 4, 1998", "DATE"), ("Larry Page", "PERSON"), ("Sergey Brin", "PERSON")
    ]
    assert problems == []
    text = records[0].document.text
    assert sorted(
        (r.type, text[r.head.span.start : r.head.span.end], text[r.child.span.start : r.child.span.end])
        for r in records[0].annotations.relations
    ) == [("foundedAt", "Google", "September 4, 1998"), ("foundedBy", "Google", "Larry Page")]


def test_own_export_events_with_an_event_as_argument(tmp_path: Path) -> None:
    text = "Wikinews reported that Google and YouTube merged."
    record = {
        "text": text,
        "meta": {"title": "T", "annotator": "alice", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-02T00:00:00Z"},
        "spans": [{"start": 0, "end": 8, "label": "ORG", "token_start": 0, "token_end": 0}],
        "events": [
            {"type": "Merge-org", "trigger": {"start": 42, "end": 48}, "arguments": [
                {"role": "Org-Arg", "start": 23, "end": 29, "label": "ORG"},
                {"role": "Org-Arg", "start": 34, "end": 41, "label": "ORG"}]},
            {"type": "Report", "trigger": {"start": 9, "end": 17}, "arguments": [{"role": "Event-Arg", "event": 0}]},
        ],
        "relations": [{"head": 7, "child": 3, "label": "Org-Arg"}],
    }
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(record) + "\n")
    (result,), problems = _read(path)
    assert not problems
    merged, report = sorted(result.annotations.events, key=lambda e: e.type)
    assert report.arguments[0].event_uid == merged.uid
    assert [text[a.span.start : a.span.end] for a in merged.arguments] == ["Google", "YouTube"]
    assert result.times == ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
    assert "annotator" not in result.document.extra


def test_bad_lines_are_skipped_and_named(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "Good one.", "spans": [{"start": 0, "end": 4, "label": "X"}]}),
        '{"text": "broken", ',
        "[1, 2]",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Out of range.", "spans": [{"start": 3, "end": 99, "label": "X"}, {"start": 0, "end": 3, "label": "Y"}]}),
        json.dumps({"text": "Disagrees here.", "spans": [{"start": 0, "end": 9, "label": "X", "text": "Something"}]}),
        '{"text": "lone \\ud83d surrogate"}',
        "",
        json.dumps({"text": "   "}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    records, problems = _read(path)
    assert [r.document.text for r in records] == ["Good one.", "Out of range.", "Disagrees here."]
    assert [a.label for a in records[1].annotations.spans] == ["Y"]
    assert [str(p) for p in problems] == [
        "mixed.jsonl, line 2: record skipped: not valid JSON (Expecting property name enclosed in double quotes, at character 21)",
        "mixed.jsonl, line 3: record skipped: a record must be a JSON object",
        'mixed.jsonl, line 4: record skipped: it has no "text" string',
        "mixed.jsonl, line 5, span 1: span skipped: span 3-99 (X) ends after the text, which has 13 characters",
        "mixed.jsonl, line 6, span 1: span skipped: span 0-9 (X) says 'Something' but the text there is 'Disagrees'",
        "mixed.jsonl, line 7: record skipped: the text contains a lone surrogate (U+D83D) at offset 5",
        "mixed.jsonl, line 9: record skipped: the text is empty",
    ]


def test_whole_file_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(ReadError, match="empty"):
        _read(empty)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(ReadError, match="binary"):
        _read(binary)
    invalid = tmp_path / "latin.jsonl"
    invalid.write_bytes('{"text": "caf\xe9"}\n{"text": "fine"}\n'.encode("latin-1"))
    records, problems = _read(invalid)
    assert [r.document.text for r in records] == ["fine"]
    assert str(problems[0]) == "latin.jsonl, line 1: record skipped: not valid UTF-8"


def test_json_array_files(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"text": "One."}, {"text": "Two.", "label": [[0, 3, "X"]]}, 5]))
    records, problems = _read(path)
    assert [r.document.text for r in records] == ["One.", "Two."]
    assert str(problems[0]) == "records.json, record 3: record skipped: a record must be a JSON object"


def test_fragments_attributes_and_notes_of_this_projects_export(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    record = {
        "text": "Mr. Kirby met them.",
        "spans": [
            {"start": 0, "end": 9, "label": "PERSON", "fragments": [[0, 3], [4, 9]], "attributes": {"Kind": "name"}, "note": "the spokesman"},
            {"start": 0, "end": 3, "label": "TITLE", "fragments": [[5, 9]]},  # a fragment outside its span
        ],
        "events": [{"type": "Contact:Meet", "trigger": {"start": 10, "end": 13}, "arguments": [], "attributes": {"Tense": "Past"}, "note": "n"}],
    }
    path.write_text(json.dumps(record) + "\n")
    (read,), problems = _read(path)
    (span,) = read.annotations.spans
    assert span.fragments == ((0, 3), (4, 9)) and span.attributes == {"Kind": "name"} and span.note == "the spokesman"
    (event,) = read.annotations.events
    assert event.attributes == {"Tense": "Past"} and event.note == "n"
    assert len(problems) == 1 and "fragment 5-9 lies outside its span 0-3" in str(problems[0])
