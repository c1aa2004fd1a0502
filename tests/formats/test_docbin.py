"""spaCy DocBin export: Docs built from the stored tokens, spans aligned and counted, entities
without overlaps, triggers and event structure kept, written in spaCy's exact layout while
streaming; and ``spacy train`` runs on the file."""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import spacy
from export_samples import PLAIN, TEXT, build_gold
from spacy.tokens import DocBin

from annotator.formats import docbin
from annotator.formats.exporter import export_layer
from annotator.store.project import ProjectStore


def _docs(path: Path) -> list:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_docs_hold_the_text_spans_entities_triggers_and_events(store: ProjectStore, tmp_path: Path) -> None:
    build_gold(store)
    out = tmp_path / "gold.spacy"
    summary = export_layer(store, "spacy", out)
    unicode, plain = _docs(out)
    assert (unicode.text, plain.text) == (TEXT, PLAIN)  # built from the stored tokens, nothing lost
    spans = {(s.start_char, s.end_char, s.label_) for s in unicode.spans["sc"]}
    for piece, label in [
        ("🇦🇫", "GPE"),
        ("Jose\u0301", "PERSON"),
        ("👩\u200d👩\u200d👧", "NORP"),
        ("مرحبا بكم", "WORK_OF_ART"),
    ]:
        start = TEXT.index(piece)
        assert (start, start + len(piece), label) in spans
    tokyo = TEXT.index("東京")
    assert (tokyo, tokyo + 3, "GPE") in spans  # 東京 grew to the whole token 東京都, and was counted
    assert summary.adjusted["span(s) expanded to token boundaries"] == 1
    ents = [(e.start_char, e.end_char, e.label_) for e in unicode.ents]
    assert (tokyo, tokyo + 3, "LOC") in ents and (tokyo, tokyo + 3, "GPE") not in ents
    assert summary.adjusted["overlapping span(s) kept only in doc.spans['sc'], not in doc.ents"] == 1
    assert len(unicode.ents) == len(unicode.spans["sc"]) - 1
    assert [(t.text, t.label_) for t in unicode.spans["events"]] == [
        ("met", "Contact:Meet"),
        ("left", "Movement:Transport"),
        ("said", "Report"),
    ]
    events = unicode.user_data["events"]
    report = events[2]
    assert report["type"] == "Report" and {"role": "Event", "event": 1} in report["arguments"]
    assert unicode.user_data["meta"]["annotator"] == "gold" and unicode.user_data["meta"]["source"] == "kabul.txt"
    assert [(e.text, e.label_) for e in plain.ents] == [("John Kirby", "PERSON"), ("Monday", "DATE")]


def test_streamed_file_is_exactly_what_docbin_writes(
    store: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: Path
) -> None:
    from annotator.formats.importer import import_paths

    build_gold(store)
    import_paths(store, [data / "brat-news"], layer_name="gold")
    monkeypatch.setattr(docbin, "CHUNK", 2)  # several chunks through the spool
    out = tmp_path / "gold.spacy"
    export_layer(store, "spacy", out)
    docs = _docs(out)
    assert len(docs) == 6
    reference = DocBin(attrs=docbin.ATTRS, store_user_data=True, docs=docs)
    assert zlib.decompress(out.read_bytes()) == zlib.decompress(reference.to_bytes())


@pytest.mark.pipeline
def test_spacy_train_runs_on_the_export(tmp_path: Path, seeds: Path, data: Path) -> None:
    from annotator.formats.importer import import_paths
    from annotator.app.bundled import default_schema

    store = ProjectStore.memory()
    store.set_schema(default_schema())
    build_gold(store)
    import_paths(store, [data / "brat-news"], layer_name="gold")
    corpus = tmp_path / "train.spacy"
    export_layer(store, "spacy", corpus)
    config = tmp_path / "config.cfg"
    python = [sys.executable, "-m", "spacy"]
    subprocess.run(
        python + ["init", "config", str(config), "-l", "en", "-p", "ner", "-o", "efficiency", "-F"],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        python
        + [
            "train",
            str(config),
            "--paths.train",
            str(corpus),
            "--paths.dev",
            str(corpus),
            "--training.max_steps",
            "4",
            "--training.eval_frequency",
            "2",
            "--output",
            str(tmp_path / "model"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    trained = spacy.load(tmp_path / "model" / "model-last")
    assert {"PERSON", "GPE", "Organization"} <= set(trained.get_pipe("ner").labels)
