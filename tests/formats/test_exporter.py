"""Driving an export: which layer and documents, progress, cancelling, and output that is either
the old file or the complete new one, never a partial one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from export_samples import add_document, build_gold

from annotator.formats import jsonl_writer
from annotator.formats.exporter import FORMATS, ExportError, export_layer
from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


def test_the_layer_defaults_to_gold_and_mistakes_name_the_layers(store: ProjectStore, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no 'gold' layer.*--layer.*none yet"):
        export_layer(store, "jsonl", tmp_path / "out.jsonl")
    store.ensure_layer("alice", LayerKind.ANNOTATOR)
    with pytest.raises(ExportError, match=r"its layers: alice \(annotator\)"):
        export_layer(store, "jsonl", tmp_path / "out.jsonl")
    with pytest.raises(ExportError, match="no layer 'bob'; its layers: alice"):
        export_layer(store, "jsonl", tmp_path / "out.jsonl", layer="bob")
    with pytest.raises(ExportError, match="unknown export format 'csv'"):
        export_layer(store, "csv", tmp_path / "out.csv", layer="alice")
    with pytest.raises(ExportError, match="unknown status 'new'"):
        export_layer(store, "jsonl", tmp_path / "out.jsonl", layer="alice", status="new")
    assert not list(tmp_path.iterdir())


def test_an_annotators_layer_exports_done_documents_unless_asked_for_all(store: ProjectStore, tmp_path: Path) -> None:
    ids = [add_document(store, f"Article {n} about Kabul.") for n in range(3)]
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    for document_id, status in zip(ids, (DocStatus.DONE, DocStatus.IN_PROGRESS, None)):
        store.add_annotations(alice.id, document_id, AnnotationSet((SpanAnnotation(Span(18, 23, "GPE")),)))  # type: ignore[arg-type]
        if status:
            store.set_status(alice.id, document_id, status)  # type: ignore[arg-type]
    out = tmp_path / "alice.jsonl"
    assert export_layer(store, "jsonl", out, layer="alice").documents == 1
    assert [json.loads(line)["text"] for line in out.read_text().splitlines()] == ["Article 0 about Kabul."]
    # "any": every document the layer holds, also one it has annotations in but no status for.
    summary = export_layer(store, "jsonl", out, layer="alice", status="any")
    assert summary.documents == 3 and summary.status == "any"


def test_progress_reports_every_document_against_the_total(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    calls = []
    export_layer(
        store, "jsonl", tmp_path / "out.jsonl", progress=lambda phase, done, total: calls.append((phase, done, total))
    )
    assert calls == [("exporting", 2, 2)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_cancelling_leaves_the_old_output(store: ProjectStore, tmp_path: Path, fmt: str) -> None:
    build_gold(store)
    out = tmp_path / ("out" if fmt == "brat" else f"out.{fmt}")
    export_layer(store, fmt, out)
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir()) if out.is_dir() else out.read_bytes()
    gold = store.layer("gold")
    store.add_annotations(gold.id, 1, AnnotationSet((SpanAnnotation(Span(0, 5, "LOC")),)))  # type: ignore[union-attr, arg-type]
    asked = []
    summary = export_layer(store, fmt, out, should_stop=lambda: len(asked) > 0 or bool(asked.append(1)))
    assert summary.cancelled and "cancelled" in summary.lines()[0]
    after = sorted((p.name, p.read_bytes()) for p in out.iterdir()) if out.is_dir() else out.read_bytes()
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no partial output left behind


def test_a_failure_midway_leaves_the_old_file(
    store: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_gold(store)
    out = tmp_path / "out.jsonl"
    export_layer(store, "jsonl", out)
    before = out.read_bytes()
    written = []

    def fail_on_second(self, item):
        if written:
            raise OSError(28, "No space left on device", str(out) + ".partial")
        written.append(item)
        self.handle.write(b"{}\n")

    monkeypatch.setattr(jsonl_writer.JsonlWriter, "write", fail_on_second)
    with pytest.raises(ExportError, match="No space left on device"):
        export_layer(store, "jsonl", out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_killing_the_export_leaves_the_old_file_or_the_complete_new_one(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    text = "Kabul airport reopened on Monday, officials said. " * 40
    with create_project(db) as store:
        with store.transaction():
            gold = store.ensure_layer("gold", LayerKind.GOLD)
            first = add_document(store, text + "0")
            blob = store.tokens(first)
            for n in range(1, 1500):
                document_id = store.add_document(type(store.document(first))(text + str(n)), blob)
                store.add_annotations(gold.id, document_id, AnnotationSet((SpanAnnotation(Span(0, 5, "GPE")),)))  # type: ignore[arg-type]
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n")
    process = subprocess.Popen([sys.executable, "-m", "annotator", "--db", str(db), "export", "jsonl", str(out)])
    partial = out.with_name(out.name + ".partial")
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if partial.exists() and partial.stat().st_size > 100_000:  # kill it in the middle of writing
            break
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    content = out.read_text(encoding="utf-8")
    if content != "the previous export\n":  # the export won the race: then it is whole
        assert len(content.splitlines()) == 1499 and all(json.loads(line) for line in content.splitlines())
    # The next export clears what the killed one left and completes.
    with ProjectStore.open(db) as store:
        assert export_layer(store, "jsonl", out).documents == 1499
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1499 and not partial.exists()


def test_brat_replaces_an_earlier_export_but_no_other_folder(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    out = tmp_path / "brat"
    out.mkdir()
    (out / "old.txt").write_text("an earlier export")
    (out / "old.ann").write_text("")
    export_layer(store, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf",
        "kabul.ann",
        "kabul.txt",
        "pentagon.ann",
        "pentagon.txt",
    ]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(ExportError, match="not a brat export.*thesis.docx"):
        export_layer(store, "brat", mine)
    assert (mine / "thesis.docx").read_text() == "precious"
    with pytest.raises(ExportError, match="is a folder"):
        export_layer(store, "jsonl", mine)
    with pytest.raises(ExportError, match="does not exist"):
        export_layer(store, "conll", tmp_path / "nowhere" / "out.conll")


def test_every_format_exports_the_seeds_and_samples_with_exact_offsets(
    store: ProjectStore, tmp_path: Path, seeds: Path, data: Path
) -> None:
    sources = [seeds, data / "seed_events.jsonl", data / "brat-news", data / "prodigy", data / "doccano"]
    import_paths(store, sources, layer_name="gold")
    gold = store.layer("gold")
    expected = {}
    for document in store.documents():
        annotations = store.annotations(gold.id, document.id)  # type: ignore[union-attr, arg-type]
        if annotations or store.status_times(gold.id, document.id):  # type: ignore[union-attr, arg-type]
            kept = annotations.without_rejected().spans
            expected[document.text] = sorted((document.text[a.start : a.end], a.label) for a in kept)
    summaries = {fmt: export_layer(store, fmt, tmp_path / f"out-{fmt}") for fmt in FORMATS}
    assert {s.documents for s in summaries.values()} == {len(expected)}

    jsonl = [json.loads(line) for line in (tmp_path / "out-jsonl").read_text(encoding="utf-8").splitlines()]
    # Documents imported from Prodigy records go out as those records (several a text, rejected
    # spans included); the others as one record each.
    assert {r["text"] for r in jsonl} == set(expected)
    own = {r["text"]: sorted((r["text"][s["start"] : s["end"]], s["label"]) for s in r["spans"]) for r in jsonl if "events" in r}
    assert own == {text: spans for text, spans in expected.items() if text in own} and len(own) > 40

    brat = {}
    for txt in (tmp_path / "out-brat").glob("*.txt"):
        text = txt.read_text(encoding="utf-8")
        found = []
        for line in txt.with_suffix(".ann").read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _, label_offsets, shown = line.split("\t")
                label, start, end = label_offsets.split(" ")
                assert text[int(start) : int(end)] == shown
                found.append((shown, label))
        brat[text] = found
    for text, spans in expected.items():
        assert set(spans) <= set(brat[text])  # plus event triggers

    import spacy
    from spacy.tokens import DocBin

    docs = DocBin().from_disk(tmp_path / "out-spacy").get_docs(spacy.blank("en").vocab)
    spacy_spans = {doc.text: sorted((s.text, s.label_) for s in doc.spans["sc"]) for doc in docs}
    assert spacy_spans == expected  # every sample span lies on token boundaries

    conll = (tmp_path / "out-conll").read_text(encoding="utf-8")
    assert conll.count("-DOCSTART-") == len(expected)
    assert summaries["conll"].spans + summaries["conll"].left_out.get(
        "overlapping span(s) (CoNLL allows one tag a token)", 0
    ) == sum(len(spans) for spans in expected.values())


def test_nothing_done_says_how_to_export_the_rest(store: ProjectStore, tmp_path: Path) -> None:
    document_id = add_document(store, "Kabul airport reopened.")
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    store.add_annotations(alice.id, document_id, AnnotationSet((SpanAnnotation(Span(0, 5, "GPE")),)))  # type: ignore[arg-type]
    summary = export_layer(store, "conll", tmp_path / "out.conll", layer="alice")
    assert summary.documents == 0 and "--status any" in summary.lines()[-1]


def test_a_document_without_stored_tokens_is_tokenised_for_the_export(store: ProjectStore, tmp_path: Path) -> None:
    from annotator.model.document import Document

    document_id = store.add_document(Document("Troops left Kabul."), None)
    gold = store.ensure_layer("gold", LayerKind.GOLD)
    store.add_annotations(gold.id, document_id, AnnotationSet((SpanAnnotation(Span(12, 17, "GPE")),)))  # type: ignore[arg-type]
    summary = export_layer(store, "jsonl", tmp_path / "out.jsonl")
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [t["text"] for t in record["tokens"]] == ["Troops", "left", "Kabul", "."]
    assert record["spans"][0]["token_start"] == record["spans"][0]["token_end"] == 2
    # Import stores no tokens, so making them at export is the normal case, not an adjustment.
    assert summary.adjusted == {}


def test_done_documents_with_undecided_suggestions_are_counted_and_named(store: ProjectStore, tmp_path: Path) -> None:
    from annotator.model.annotations import Decision, Origin, Provenance
    from annotator.model.editing import accept

    ids = [add_document(store, f"Article {n} about Kabul and Herat.") for n in range(3)]
    suggested = store.ensure_layer("spacy:fake", LayerKind.SUGGESTIONS)
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    pending = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="spacy:fake")
    for document_id in ids:
        store.add_annotations(suggested.id, document_id, AnnotationSet((  # type: ignore[arg-type]
            SpanAnnotation(Span(16, 21, "GPE"), uid=f"k{document_id}", provenance=pending),
            SpanAnnotation(Span(26, 31, "GPE"), uid=f"h{document_id}", provenance=pending),
        )))
    # 0: done, one of two decided (by a copy); 1: done, both decided (one by a span of her own in
    # the same place); 2: done with nothing decided.
    decided = accept([store.annotations(suggested.id, ids[0]).spans[0]], "alice")  # type: ignore[arg-type]
    store.apply(alice.id, ids[0], decided.changes)  # type: ignore[arg-type]
    both = accept([store.annotations(suggested.id, ids[1]).spans[0]], "alice")  # type: ignore[arg-type]
    store.apply(alice.id, ids[1], both.changes)  # type: ignore[arg-type]
    store.add_annotations(alice.id, ids[1], AnnotationSet((SpanAnnotation(Span(26, 31, "GPE")),)))  # type: ignore[arg-type]
    for document_id in ids:
        store.set_status(alice.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]
    for status in ("done", "any"):
        summary = export_layer(store, "jsonl", tmp_path / "alice.jsonl", layer="alice", status=status)
        assert [(d.document_id, d.spans) for d in summary.undecided] == [(ids[0], 1), (ids[2], 2)]
        line = next(line for line in summary.lines() if line.startswith("Marked done with undecided"))
        assert "2 document(s) (3 span(s), 0 event(s)" in line and f"#{ids[0]}" in line and f"#{ids[2]}" in line
    # Gold is not an analyst's work against suggestions: nothing to count there.
    gold = store.ensure_layer("gold", LayerKind.GOLD)
    store.set_status(gold.id, ids[2], DocStatus.DONE)  # type: ignore[arg-type]
    assert export_layer(store, "jsonl", tmp_path / "gold.jsonl").undecided == []
