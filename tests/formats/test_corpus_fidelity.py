"""Minimal cases of what real corpora lost on the way in or out, each fixed (issue 10)."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.store.project import ProjectStore

GE_TEXT = "IL-2 expression induces p50 binding and increases it.\n"


def _brat(folder: Path, name: str, text: str, ann: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder


def test_events_differing_only_in_their_nested_event_argument_stay_two(tmp_path: Path) -> None:
    # E1 and E2 share trigger and type and differ in their theme; E3 and E4 share trigger and
    # type and differ only in which of E1, E2 they take: four events, not three.
    ann = (
        "T1\tProtein 0 4\tIL-2\n"
        "T2\tProtein 24 27\tp50\n"
        "T3\tGene_expression 5 15\texpression\n"
        "T4\tPositive_regulation 16 23\tinduces\n"
        "E1\tGene_expression:T3 Theme:T1\n"
        "E2\tGene_expression:T3 Theme:T2\n"
        "E3\tPositive_regulation:T4 Theme:E1\n"
        "E4\tPositive_regulation:T4 Theme:E2\n"
        "A1\tNegation E4\n"
    )
    store = ProjectStore.memory()
    report = import_paths(store, [_brat(tmp_path / "in", "ge", GE_TEXT, ann)], layer_name="ge")
    assert report.ok and report.events_added == 4
    layer = store.layer("ge")
    document = next(iter(store.documents()))
    events = store.annotations(layer.id, document.id).events  # type: ignore[union-attr, arg-type]
    by_uid = {e.uid: e for e in events}
    regulations = [e for e in events if e.type == "Positive_regulation"]
    themes = sorted(by_uid[e.arguments[0].event_uid].arguments[0].span.start for e in regulations)  # type: ignore[index, union-attr]
    assert themes == [0, 24]
    negated = [e for e in regulations if e.attributes]
    assert len(negated) == 1 and by_uid[negated[0].arguments[0].event_uid].arguments[0].span.start == 24  # type: ignore[index, union-attr]
    # Importing the same file again adds nothing: same annotations compare equal.
    again = import_paths(store, [tmp_path / "in"], layer_name="ge")
    assert again.ok and again.events_added == 0
    export_layer(store, "brat", tmp_path / "out", layer="ge")
    lines = (tmp_path / "out" / "ge.ann").read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith("E") for line in lines) == 4
    store.close()


def test_numbered_roles_keep_their_pairing(tmp_path: Path) -> None:
    text = "p50 and p65 bind at sites A and B.\n"
    ann = (
        "T1\tProtein 0 3\tp50\n"
        "T2\tProtein 8 11\tp65\n"
        "T3\tBinding 12 16\tbind\n"
        "T4\tEntity 26 27\tA\n"
        "T5\tEntity 32 33\tB\n"
        "E1\tBinding:T3 Theme:T1 Theme2:T2 Site2:T5\n"
    )
    store = ProjectStore.memory()
    assert import_paths(store, [_brat(tmp_path / "in", "b", text, ann)], layer_name="b").ok
    export_layer(store, "brat", tmp_path / "out", layer="b")
    out = (tmp_path / "out" / "b.ann").read_text(encoding="utf-8")
    t_of = {line.split("\t")[2]: line.split("\t")[0] for line in out.splitlines() if line.startswith("T")}
    event = next(line for line in out.splitlines() if line.startswith("E"))
    # Site2 still belongs with Theme2 (p65), not with the first Theme.
    assert event.split("\t")[1].split()[1:] == [f"Theme:{t_of['p50']}", f"Theme2:{t_of['p65']}", f"Site2:{t_of['B']}"]
    store.close()


def test_conll_keeps_an_entity_across_a_sentence_end_and_marks_documents_for_spacy(tmp_path: Path) -> None:
    text = "Llegó la Unión de Estibadores. Camioneros y Afines hoy. Fin.\n"
    start = text.index("Unión")
    end = text.index(" hoy")
    ann = f"T1\tORG {start} {end}\t{text[start:end]}\n"
    store = ProjectStore.memory()
    assert import_paths(store, [_brat(tmp_path / "in", "es", text, ann)], layer_name="es").ok
    out = tmp_path / "es.conll"
    summary = export_layer(store, "conll", out, layer="es")
    content = out.read_text(encoding="utf-8")
    assert content.startswith("-DOCSTART- -X- O O\n\n")
    sentences = [block.splitlines() for block in content.split("\n\n")[1:] if block.strip()]
    tags = [[line.split(" ")[-1] for line in sentence] for sentence in sentences]
    whole = next(s for s in tags if "B-ORG" in s)
    # One entity, B- then only I- up to its end, all inside one sentence.
    first = whole.index("B-ORG")
    assert whole[first + 1 : first + 7] == ["I-ORG"] * 6
    assert sum(tag == "B-ORG" for s in tags for tag in s) == 1
    assert summary.adjusted["sentence end(s) inside an entity moved to the entity's end"] == 1
    assert [s[0].split(" ")[0] for s in sentences] == ["Llegó", "hoy", "Fin"]
    store.close()


def test_brat_annotation_conf_relation_types_go_into_the_schema(data: Path) -> None:
    from annotator.app.bundled import default_schema

    store = ProjectStore.memory()
    store.set_schema(default_schema())
    report = import_paths(store, [data / "brat-news"], layer_name="news")
    assert report.ok
    schema = store.schema()
    assert schema is not None
    family = schema.relation_type("Family")  # declared in annotation.conf, used by no annotation
    assert family is not None and (family.heads, family.children, family.symmetric) == (("Person",), ("Person",), False)
    alias = schema.relation_type("Alias")
    assert alias is not None and alias.symmetric
    assert [t.name for t in schema.relation_types_for("Organization", "GPE")] == ["Origin"]


def test_spacy_convert_reads_our_conll_as_documents_with_whole_entities(data: Path, tmp_path: Path) -> None:
    """The real consumer: ``spacy convert --converter ner`` finds the document boundaries and the
    CoNLL-2002 organisation that crosses a full stop stays one entity."""
    import subprocess
    import sys

    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    store = ProjectStore.memory()
    report = import_paths(store, [data / "conll2002", data / "brat-news" / "060-relation_annotation.txt"], layer_name="c")
    assert report.ok
    out = tmp_path / "c.conll"
    export_layer(store, "conll", out, layer="c")
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(out), str(tmp_path), "--converter", "ner"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    docs = list(DocBin().from_disk(tmp_path / "c.spacy").get_docs(Vocab()))
    assert len(docs) == 2
    assert "Unión de Estibadores . Camioneros" in [e.text for d in docs for e in d.ents]
    store.close()


def test_relation_type_names_come_back_from_brats_form(tmp_path: Path) -> None:
    from dataclasses import replace

    from annotator.app.bundled import default_schema
    from annotator.model.relation_schema import RelationType

    text = "Alice works for Acme.\n"
    ann = "T1\tPERSON 0 5\tAlice\nT2\tORG 16 20\tAcme\nR1\tworks_for Arg1:T1 Arg2:T2\t\n"
    store = ProjectStore.memory()
    store.set_schema(replace(default_schema(), relations=(RelationType("works:for", ("PERSON",), ("ORG",)),)))
    assert import_paths(store, [_brat(tmp_path / "in", "a", text, ann)], layer_name="a").ok
    layer = store.layer("a")
    (relation,) = store.annotations(layer.id, next(iter(store.documents())).id).relations  # type: ignore[union-attr, arg-type]
    assert relation.type == "works:for"
    export_layer(store, "brat", tmp_path / "out", layer="a")
    assert "R1\tworks_for Arg1:T1 Arg2:T2" in (tmp_path / "out" / "a.ann").read_text(encoding="utf-8")
