"""Importing into a project: whole-or-nothing, idempotent, layered, and honest about what it skipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.formats.importer import ImportAborted, import_paths
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore


def test_seeds_give_two_dated_titled_documents_and_reimport_adds_nothing(store: ProjectStore, seeds: Path) -> None:
    report = import_paths(store, [seeds])
    assert (report.documents_added, report.files, report.problems) == (2, 2, [])
    documents = {d.date: d for d in store.documents()}
    assert set(documents) == {"2021-08-16", "2021-08-13"}
    assert documents["2021-08-16"].title == "Pentagon spokesman John Kirby speaks during a briefing at the Pentagon"
    assert store.layers() == []  # plain articles bring no annotations
    again = import_paths(store, [seeds])
    assert (again.documents_added, again.documents_existing) == (0, 2)
    assert store.count_documents() == 2


def test_tokens_are_made_when_first_needed_not_at_import(store: ProjectStore, seeds: Path) -> None:
    from annotator.suggest.tokenizer import tokens_of

    import_paths(store, [seeds])
    for document in store.documents():
        assert store.tokens(document.id) is None  # tokenising was most of an import's time
        tokens = tokens_of(document.text, store.tokens(document.id))
        assert document.text[tokens.starts[0] : tokens.ends[0]] == document.text.split()[0]
        assert all(not document.text[s:e].isspace() or "\n" in document.text[s:e] for s, e in zip(tokens.starts, tokens.ends))


def test_brat_samples_give_their_events_in_the_named_layer(store: ProjectStore, data: Path) -> None:
    report = import_paths(store, [data / "brat-news"], layer_name="ann")
    layer = store.layer("ann")
    assert layer is not None and layer.kind is LayerKind.ANNOTATOR
    assert report.events_added == 4 + 6 + 10
    assert "event type Merge-org" in report.schema_added and "entity label Organization" in report.schema_added
    schema = store.schema()
    assert schema is not None and schema.allows("Report", "Event-Arg")
    for document in store.documents():
        assert store.status(layer.id, document.id) is DocStatus.DONE  # type: ignore[arg-type]
    nested = [
        (document, a)
        for document in store.documents()
        for e in store.annotations(layer.id, document.id).events  # type: ignore[arg-type]
        for a in e.arguments
        if a.event_uid
    ]
    assert len(nested) == 4 + 4  # 090 and 100 each have four Event-Arg links
    # The relation and the equivalence group come in, with their types added to the schema.
    assert report.problems == [] and report.ok and report.relations_added == 2
    assert "relation type Located" in report.schema_added and "relation type Alias" in report.schema_added
    alias = schema.relation_type("Alias")
    assert alias is not None and alias.symmetric and alias.heads == ("Person",)
    assert any("annotation.conf" in str(n) for n in report.notices)


def test_prodigy_and_doccano_spans_go_to_the_named_layer(store: ProjectStore, data: Path) -> None:
    report = import_paths(store, [data / "prodigy", data / "doccano"], layer_name="alice")
    assert report.problems == [] and report.relations_added == 2
    layer = store.layer("alice")
    assert layer is not None
    stats = store.stats()["layers"]["alice"]
    reddit = [json.loads(line) for line in (data / "prodigy" / "annotated_reddit-PRODUCT-ner.head60.jsonl").open()]
    # Binary answers: accepted and rejected spans both come in (rejected ones as rejected).
    accepted_spans = {(r["text"], s["start"], s["end"], s["label"]) for r in reddit if r["answer"] != "ignore" for s in r["spans"]}
    bio = [json.loads(line) for line in (data / "prodigy" / "bio_events.head40.jsonl").open()]
    bio_spans = {(r["text"], s["start"], s["end"], s["label"]) for r in bio for s in r["spans"]}
    assert stats["spans"] == len(accepted_spans) + len(bio_spans) + 3 + 1 + 2 + 4
    assert "entity label GGP" in report.schema_added


def test_reimport_of_annotations_adds_nothing(store: ProjectStore, data: Path) -> None:
    first = import_paths(store, [data / "brat-news", data / "prodigy"])
    before = store.stats()
    second = import_paths(store, [data / "brat-news", data / "prodigy"])
    assert (second.documents_added, second.spans_added, second.events_added) == (0, 0, 0)
    assert store.stats() == before and first.spans_added > 0


def test_bad_items_are_skipped_and_good_ones_kept(store: ProjectStore, tmp_path: Path, data: Path) -> None:
    shutil.copy(data / "doccano" / "sequence_labeling.jsonl", tmp_path / "good.jsonl")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\n{not json}\n{"text": "x", "spans": [{"start": 0, "end": 5, "label": "A"}]}\n')
    (tmp_path / "orphan.ann").write_text("T1\tX 0 1\ta\n")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    report = import_paths(store, [tmp_path, tmp_path / "missing.txt"])
    texts = {d.text for d in store.documents()}
    assert "fine" in texts and "x" in texts and "Peter Blackburn" in texts
    messages = "\n".join(str(p) for p in report.problems)
    for expected in (
        "empty.txt: file skipped: the file is empty",
        "image.txt: file skipped: the file is binary, not text",
        "latin1.txt: file skipped: line 1: the file is not valid UTF-8",
        "bad.jsonl, line 2: record skipped: not valid JSON",
        "bad.jsonl, line 3, span 1: span skipped: span 0-5 (A) ends after the text, which has 1 characters",
        "orphan.ann: brat annotations without their .txt file beside them",
        "missing.txt: no such file or folder",
    ):
        assert expected in messages
    assert any("notes.pdf" in str(n) for n in report.notices)


def test_strict_aborts_at_the_first_problem_and_writes_nothing(store: ProjectStore, tmp_path: Path, seeds: Path) -> None:
    shutil.copytree(seeds, tmp_path / "in")
    (tmp_path / "in" / "zz.jsonl").write_text('{"text": "ok"}\n{oops\n')
    with pytest.raises(ImportAborted, match="zz.jsonl, line 2"):
        import_paths(store, [tmp_path / "in"], strict=True)
    assert store.count_documents() == 0 and store.layers() == []


def test_suggestion_layers_do_not_take_imports(store: ProjectStore, data: Path) -> None:
    store.ensure_layer("spacy", LayerKind.SUGGESTIONS)
    with pytest.raises(StoreError, match="suggester"):
        import_paths(store, [data / "prodigy"], layer_name="spacy")


def test_gold_import_makes_a_gold_layer(store: ProjectStore, data: Path) -> None:
    import_paths(store, [data / "doccano" / "sequence_labeling.jsonl"], layer_name="gold")
    assert store.layer("gold").kind is LayerKind.GOLD  # type: ignore[union-attr]


def test_an_import_is_one_transaction(project_file: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing (here: the disk) leaves the project as it was."""
    from annotator.store import bulk

    with ProjectStore.open(project_file) as store:
        calls = {"n": 0}
        original = bulk.insert_annotations

        def failing(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError("disk full")
            return original(*args, **kwargs)

        monkeypatch.setattr(bulk, "insert_annotations", failing)
        with pytest.raises(OSError):
            import_paths(store, [data / "brat-news"])
    with ProjectStore.open(project_file) as store:
        assert store.count_documents() == 0 and store.layers() == []


def test_import_never_mixes_different_work_into_a_layer(store: ProjectStore, data: Path) -> None:
    alice_file = data / "review" / "alice.jsonl"
    bob_file = data / "review" / "bob.jsonl"
    import_paths(store, [alice_file], layer_name="alice")
    layer = store.layer("alice")
    before = {doc: store.annotations(layer.id, doc) for doc in store.document_ids()}  # type: ignore[union-attr,arg-type]
    again = import_paths(store, [alice_file], layer_name="alice")
    assert again.ok and (again.spans_added, again.events_added) == (0, 0)
    mixed = import_paths(store, [bob_file], layer_name="alice")
    assert not mixed.ok and (mixed.spans_added, mixed.events_added) == (0, 0)
    assert all("already holds different annotations" in p.message for p in mixed.problems)
    assert all(p.path == str(bob_file) and p.location.startswith("line ") for p in mixed.problems)
    assert {doc: store.annotations(layer.id, doc) for doc in store.document_ids()} == before  # type: ignore[union-attr,arg-type]
    with pytest.raises(ImportAborted, match="already holds different annotations"):
        import_paths(store, [bob_file], layer_name="alice", strict=True)
    bob = import_paths(store, [bob_file], layer_name="bob")
    assert bob.ok and bob.spans_added > 0


def test_answers_repeated_for_the_same_text_are_kept_once_and_counted(store: ProjectStore, tmp_path: Path) -> None:
    # Prodigy asks about one span per record: a text comes back once per question, and an
    # answer may repeat a span an earlier record already gave.
    text = "I bought a Kindle and an iPad."
    kindle = {"start": 11, "end": 17, "label": "PRODUCT"}
    ipad = {"start": 25, "end": 29, "label": "PRODUCT"}
    records = [
        {"text": text, "spans": [kindle], "answer": "accept"},
        {"text": text, "spans": [kindle, ipad], "answer": "accept"},
        {"text": text, "spans": [ipad, ipad], "answer": "accept"},
    ]
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = import_paths(store, [path], "alice")
    assert report.documents_added == 1
    assert report.spans_added == 2
    assert report.repeated == 3
    layer = next(l for l in store.layers() if l.name == "alice")
    (document,) = store.document_ids()
    assert sorted((a.start, a.end) for a in store.annotations(layer.id, document).spans) == [(11, 17), (25, 29)]
