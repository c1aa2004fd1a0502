"""brat export: .txt/.ann pairs and annotation.conf that brat and the importer read, with exact
offsets, brat-safe names mapped back on import, and a byte-identical round trip."""

from __future__ import annotations

import filecmp
from pathlib import Path

from export_samples import TEXT, build_gold

from annotator.formats.brat_writer import brat_fragments
from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.app.bundled import default_schema
from annotator.store.project import ProjectStore


def _new_store() -> ProjectStore:
    store = ProjectStore.memory()
    store.set_schema(default_schema())
    return store


def _ann(folder: Path, name: str) -> dict[str, str]:
    lines = (folder / f"{name}.ann").read_text(encoding="utf-8").splitlines()
    return {line.split("\t", 1)[0]: line.split("\t", 1)[1] for line in lines}


def test_fragments_split_at_line_breaks_but_keep_the_span_ends() -> None:
    text = 'left!\n\n"Later" \u2028x'
    assert brat_fragments(text, ((0, 14),)) == ("0 5;7 14", 'left! "Later"', True)
    assert brat_fragments(text, ((0, 5),)) == ("0 5", "left!", False)
    assert brat_fragments(text, ((5, 8),)) == ("5 8", '  "', False)  # breaks at the edges stay inside
    assert brat_fragments(text, ((14, 17),)) == ("14 15;16 17", "  x", True)  # U+2028 ends a line too


def test_folder_holds_text_annotations_and_config(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    out = tmp_path / "brat"
    summary = export_layer(store, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf",
        "kabul.ann",
        "kabul.txt",
        "pentagon.ann",
        "pentagon.txt",
    ]
    assert (out / "kabul.txt").read_text(encoding="utf-8") == TEXT
    ann = _ann(out, "kabul")
    spans = {}
    for ident, rest in ann.items():
        if ident.startswith("T"):
            label_offsets, shown = rest.split("\t")
            label, offsets = label_offsets.split(" ", 1)
            pieces = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
            assert " ".join(TEXT[a:b] for a, b in pieces).replace("\n", " ") == shown  # exact code-point offsets
            spans[ident] = (label, TEXT[pieces[0][0] : pieces[-1][1]])
    assert ("GPE", "🇦🇫") in spans.values() and ("PERSON", "Jose\u0301") in spans.values()
    assert ("Reporter", "she") in spans.values()  # an argument that is no entity still gets its T
    by_text = {value: ident for ident, value in spans.items()}
    kirby = next(rest for rest in ann.values() if rest.startswith("PERSON") and ";" in rest)
    assert kirby.split("\t")[1] == "Mr. Kirby"
    # Event types and repeated roles in brat's form; an event as another's argument.
    meet = next(rest for ident, rest in ann.items() if ident.startswith("E") and rest.startswith("Contact_Meet:"))
    assert meet == (
        f"Contact_Meet:{by_text[('Contact_Meet', 'met')]} Entity:{by_text[('PERSON', 'Ахмад Шах')]} "
        f"Entity2:{by_text[('PERSON', 'José')]} Place:{by_text[('GPE', 'בירושלים')]}"
    )
    transport = next(ident for ident, rest in ann.items() if rest.startswith("Movement_Transport:"))
    report = next(rest for ident, rest in ann.items() if rest.startswith("Report:"))
    assert report.endswith(f"Event:{transport}")
    assert f"Modality {transport} Asserted" in ann.values()
    assert f"Confidence {by_text[('ORG', 'AP')]} High" in ann.values()
    assert f"AnnotatorNotes {by_text[('ORG', 'AP')]}\tnews agency" in ann.values()
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    entities = conf.split("[entities]")[1].split("[relations]")[0].split()
    assert (
        entities[:3] == ["CARDINAL", "DATE", "EVENT"] and "Reporter" in entities
    )  # the schema's labels and those the data uses, sorted
    events = dict(
        line.split("\t", 1) for line in conf.split("[events]")[1].split("[attributes]")[0].strip().splitlines()
    )
    assert "Conflict_Attack" in events and "Event*:" in events["Report"] and "<EVENT>" in events["Report"]
    assert "Confidence\tArg:<ENTITY>, Value:High" in conf
    assert summary.adjusted["span(s) crossing a line break written as fragments"] == 1


def test_import_reads_the_export_back_with_the_schema_names(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    out = tmp_path / "brat"
    export_layer(store, "brat", out)
    again = _new_store()
    report = import_paths(again, [out], layer_name="gold")
    assert report.problems == []
    assert not any("event type Contact_Meet" in added for added in report.schema_added)  # mapped back
    gold = again.layer("gold")
    document = next(d for d in again.documents() if d.source == "kabul.txt")
    annotations = again.annotations(gold.id, document.id)  # type: ignore[union-attr, arg-type]
    assert {e.type for e in annotations.events} == {"Contact:Meet", "Movement:Transport", "Report"}
    meet = next(e for e in annotations.events if e.type == "Contact:Meet")
    assert [(a.role, document.text[a.span.start : a.span.end]) for a in meet.arguments] == [  # type: ignore[union-attr]
        ("Entity", "Ахмад Шах"),
        ("Entity", "José"),
        ("Place", "בירושלים"),
    ]


def test_export_import_export_is_byte_identical(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    first = tmp_path / "first"
    export_layer(store, "brat", first)
    again = _new_store()
    import_paths(again, [first], layer_name="gold")
    second = tmp_path / "second"
    export_layer(again, "brat", second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_round_trip_of_the_brat_samples_and_the_seeds_events(tmp_path: Path, data: Path) -> None:
    store = _new_store()
    report = import_paths(store, [data / "brat-news", data / "seed_events.jsonl"], layer_name="ann")
    first = tmp_path / "first"
    summary = export_layer(store, "brat", first, layer="ann")
    assert summary.events == report.events_added > 20
    again = _new_store()
    import_paths(again, [first], layer_name="ann")
    second = tmp_path / "second"
    export_layer(again, "brat", second, layer="ann")
    names = sorted(p.name for p in first.iterdir())
    assert filecmp.cmpfiles(first, second, names, shallow=False)[1:] == ([], [])
    attributes = sorted(v.split()[0] for k, v in _ann(first, "100-attribute_annotation").items() if k.startswith("A"))
    assert attributes == ["Confidence"] * 5 + ["Individual"]  # the sample's five event and one entity attributes


def test_file_names_come_from_sources_and_never_collide(tmp_path: Path, data: Path) -> None:
    store = _new_store()
    import_paths(store, [data / "doccano" / "sequence_labeling.jsonl"], layer_name="gold")  # 3 records, one source
    out = tmp_path / "brat"
    export_layer(store, "brat", out)
    assert sorted(p.stem for p in out.glob("*.txt")) == [
        "sequence_labeling",
        "sequence_labeling-2",
        "sequence_labeling-3",
    ]


def test_replacing_a_folder_swaps_it_whole(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from annotator.formats import brat_writer

    for exchange in (True, False):  # the one-step swap (Linux), and moving the old one aside elsewhere
        if not exchange:
            monkeypatch.setattr(brat_writer, "_exchange", lambda first, second: False)
        out, new = tmp_path / "out", tmp_path / "out.partial"
        out.mkdir(exist_ok=True)
        (out / "old.txt").write_text("old")
        new.mkdir()
        (new / "new.txt").write_text("new")
        brat_writer.replace_folder(new, out)
        assert [p.name for p in out.iterdir()] == ["new.txt"]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
        (out / "new.txt").unlink()
