"""brat standoff: entities, events (one as another's argument), attributes, notes; checks against the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.brat_reader import read_brat
from annotator.formats.records import Problem


def _read(folder: Path, stem: str) -> tuple:
    problems: list[Problem] = []
    record = read_brat(folder / f"{stem}.txt", folder / f"{stem}.ann", stem + ".txt", problems)
    return record, problems


def _text(record, span) -> str:
    return record.document.text[span.start : span.end]


def test_events_with_numbered_roles(data: Path) -> None:
    record, problems = _read(data / "brat-news", "080-event-annotation")
    assert not problems
    events = {(_text(record, e.trigger), e.trigger.start): e for e in record.annotations.events}
    merged = events[("merged", 382)]
    assert merged.type == "Merge-org"
    assert [(a.role, _text(record, a.span)) for a in merged.arguments] == [
        ("Org-Arg", "Amazon"), ("Org-Arg", "Apple"), ("Org-Arg", "Google"), ("Org-Arg", "Facebook")
    ]
    # Triggers are events, not entity spans; the 17 Organization T lines are.
    assert len(record.annotations.events) == 4
    assert {a.label for a in record.annotations.spans} == {"Organization"} and len(record.annotations.spans) == 17


def test_an_event_can_be_an_argument_of_another(data: Path) -> None:
    record, problems = _read(data / "brat-news", "090-event_structures")
    assert not problems
    by_uid = {e.uid: e for e in record.annotations.events}
    told = next(e for e in record.annotations.events if _text(record, e.trigger) == "told")
    chain = []
    event = told
    while True:
        chain.append(_text(record, event.trigger))
        nested = [a for a in event.arguments if a.event_uid]
        if not nested:
            break
        event = by_uid[nested[0].event_uid]
    assert chain == ["told", "posted", "reported", "merged"]


def test_attributes_and_notes_are_kept(data: Path) -> None:
    record, _ = _read(data / "brat-news", "100-attribute_annotation")
    somebody = next(a for a in record.annotations.spans if a.start == 497)
    assert somebody.attributes == {"Individual": True}
    twitted = next(e for e in record.annotations.events if e.trigger.start == 506)
    assert twitted.attributes == {"Confidence": "Neutral"}


def test_relations_and_equivalences_are_read(data: Path) -> None:
    record, problems = _read(data / "brat-news", "060-relation_annotation")
    assert len(record.annotations.spans) == 10
    assert problems == []
    text = record.document.text
    shown = sorted(
        (r.type, r.symmetric, tuple(text[e.span.start : e.span.end] for e in r.ends)) for r in record.annotations.relations
    )
    assert shown == [
        ("Alias", True, ("Joanne Rowling", "Jo Rowling", "J. K. Rowling")),
        ("Located", False, ("Terry Pratchett", "England")),
    ]
    located = next(r for r in record.annotations.relations if r.type == "Located")
    assert (located.head.span.start, located.child.span.start) == (139, 164)


def test_spans_that_disagree_with_the_text_or_leave_it_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("Taliban fighters entered Kabul.\r\nTalks\tbegan.")
    (tmp_path / "doc.ann").write_text(
        "T1\tORG 0 7\tTaliban\n"
        "T2\tGPE 25 30\tKandahar\n"
        "T3\tGPE 25 300\tKabul\n"
        "T4\tMovement 17 24\tentered\n"
        "E1\tMovement:T4 Agent:T1 Destination:T2\n"
        "T5\tEVT 33 38;39 44\tTalks began\n"
        "X1\tsomething odd\n"
        "T6\tORG 0 x\tTaliban\n"
    )
    record, problems = _read(tmp_path, "doc")
    assert [(a.label, _text(record, a)) for a in record.annotations.spans] == [("ORG", "Taliban"), ("EVT", "Talks\tbegan")]
    assert record.annotations.spans[1].fragments == ((32, 37), (38, 43))  # moved by the dropped \r
    messages = [str(p) for p in problems]
    assert "doc.ann, line 2: span skipped: span 25-30 (GPE) says 'Kandahar' but the text there is 'Kabul'" in messages
    assert "doc.ann, line 3: span skipped: span 25-300 (GPE) ends after the text, which has 45 characters" in messages
    assert "doc.ann, line 7: annotation skipped: unknown annotation kind 'X1'" in messages
    assert "doc.ann, line 8: annotation skipped: offsets '0 x' are not 'START END' pairs" in messages
    # E1's Destination was skipped, so E1 is skipped too, with a message.
    assert any("line 5: event skipped" in m for m in messages)
    assert not record.annotations.events


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_empty_ann_gives_an_annotated_document_without_annotations(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "doc.txt").write_text("Nothing happened.")
    (tmp_path / "doc.ann").write_bytes(content)
    record, problems = _read(tmp_path, "doc")
    assert record.annotated and not record.annotations and not problems


def test_brat_names_are_mapped_back_to_the_schema(tmp_path: Path) -> None:
    from annotator.formats.brat_reader import brat_name, schema_names
    from annotator.app.bundled import default_schema

    assert brat_name("Conflict:Attack") == "Conflict_Attack" and brat_name("Org-Arg 2") == "Org-Arg_2"
    names = schema_names(default_schema())
    assert names["Conflict_Attack"] == "Conflict:Attack" and "PERSON" not in names
    (tmp_path / "a.txt").write_text("Troops attacked Kabul.")
    (tmp_path / "a.ann").write_text(
        "T1\tConflict_Attack 7 15\tattacked\nT2\tGPE 16 21\tKabul\nE1\tConflict_Attack:T1 Place:T2\n"
    )
    problems: list[Problem] = []
    record = read_brat(tmp_path / "a.txt", tmp_path / "a.ann", "a.txt", problems, names)
    (event,) = record.annotations.events
    assert (event.type, event.arguments[0].role) == ("Conflict:Attack", "Place") and not problems
    unmapped = read_brat(tmp_path / "a.txt", tmp_path / "a.ann", "a.txt", problems)
    assert unmapped.annotations.events[0].type == "Conflict_Attack"


def test_a_filler_labelled_with_its_role_stays_an_argument(tmp_path: Path) -> None:
    """How this project writes a noun phrase that fills a role but is no entity: T labelled
    with the role's name. Read back, it is the argument again, not a new entity span."""
    (tmp_path / "doc.txt").write_text("The troops were sent to Kabul.")
    (tmp_path / "doc.ann").write_text(
        "T1\tArtifact 0 10\tThe troops\n"
        "T2\tGPE 24 29\tKabul\n"
        "T3\tMovement_Transport 16 20\tsent\n"
        "E1\tMovement_Transport:T3 Artifact:T1 Destination:T2\n"
    )
    problems: list[Problem] = []
    names = {"Movement_Transport": "Movement:Transport"}
    record = read_brat(tmp_path / "doc.txt", tmp_path / "doc.ann", "doc.txt", problems, names, {"GPE", "PERSON"})
    assert not problems
    assert [(a.label, _text(record, a)) for a in record.annotations.spans] == [("GPE", "Kabul")]
    (event,) = record.annotations.events
    assert [(a.role, a.span.label) for a in event.arguments] == [("Artifact", "Artifact"), ("Destination", "GPE")]
    # A label the schema knows as an entity label stays an entity even where it equals the role.
    record = read_brat(tmp_path / "doc.txt", tmp_path / "doc.ann", "doc.txt", [], names, {"GPE", "Artifact"})
    assert {a.label for a in record.annotations.spans} == {"GPE", "Artifact"}
