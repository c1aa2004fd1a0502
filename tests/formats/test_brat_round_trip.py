"""brat corpus -> import -> brat export gives every T, E, R, *, A and # line back.

Lines are compared twice: with their ids replaced by what they name (a ``T`` by its label,
offsets and text; an ``E`` by its type, trigger and arguments; an ``R`` by its type and ends),
which checks the content whatever the numbering; and as they are, which checks that the corpus's
own ids come back (the import keeps them with the layer).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.store.project import ProjectStore


def _resolved(ann: str) -> set[str]:
    """The ``.ann`` lines with every id replaced by the content it names (recursively for events)."""
    lines = [line.rstrip("\n") for line in ann.splitlines() if line.strip()]
    by_id: dict[str, str] = {}
    fields = {line.split("\t")[0]: line.split("\t") for line in lines if not line.startswith("*")}

    def name(ident: str, depth: int = 0) -> str:
        if ident in by_id:
            return by_id[ident]
        parts = fields[ident]
        if ident.startswith("T"):
            found = f"T[{parts[1]}|{parts[2] if len(parts) > 2 else ''}]"
        elif ident.startswith("E"):
            head, *arguments = parts[1].split()
            type_, _, trigger = head.partition(":")
            shown = [f"{role}={name(target, depth + 1)}" for role, _, target in (a.partition(":") for a in arguments)]
            found = f"E[{type_}:{name(trigger)} {' '.join(sorted(shown))}]"
        elif ident.startswith("R"):
            type_, *arguments = parts[1].split()
            shown = [f"{role}={name(target)}" for role, _, target in (a.partition(":") for a in arguments)]
            found = f"R[{type_} {' '.join(shown)}]"
        else:
            raise AssertionError(f"unexpected id {ident}")
        by_id[ident] = found
        return found

    out = set()
    for line in lines:
        parts = line.split("\t")
        ident = parts[0]
        if ident.startswith(("T", "E", "R")):
            out.add(name(ident))
        elif ident.startswith("*"):
            type_, *members = parts[1].split()
            out.add(f"*[{type_} {' '.join(sorted(name(m) for m in members))}]")
        elif ident.startswith("A"):
            attribute, target, *value = parts[1].split()
            out.add(f"A[{attribute} {name(target)} {' '.join(value)}]")
        elif ident.startswith("#"):
            kind, target = parts[1].split()
            out.add(f"#[{kind} {name(target)}|{parts[2] if len(parts) > 2 else ''}]")
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return out


def _lines(ann: str) -> set[str]:
    return {line.rstrip() for line in ann.splitlines() if line.strip()}


@pytest.mark.parametrize("corpus", ["brat-news", "bionlp-epi"])
def test_brat_corpus_comes_back_line_for_line(data: Path, tmp_path: Path, corpus: str) -> None:
    source = tmp_path / corpus
    shutil.copytree(data / corpus, source)
    store = ProjectStore.memory()
    report = import_paths(store, [source], layer_name="corpus")
    assert report.ok, [str(p) for p in report.problems]
    originals = {p.stem: p.read_text(encoding="utf-8") for p in source.glob("*.ann")}
    expected_relations = sum(
        1 for ann in originals.values() for line in ann.splitlines() if line.startswith(("R", "*"))
    )
    assert report.relations_added == expected_relations > 0

    out = tmp_path / "out"
    summary = export_layer(store, "brat", out, layer="corpus")
    assert summary.left_out == {}
    for stem, original in originals.items():
        exported = (out / f"{stem}.ann").read_text(encoding="utf-8")
        assert _resolved(exported) == _resolved(original), stem
        # And the ids are the corpus's own: the very same lines (trailing blanks aside).
        assert _lines(exported) == _lines(original), stem
        assert (out / f"{stem}.txt").read_bytes() == (source / f"{stem}.txt").read_bytes()
    store.close()


def test_normalised_comparison_sees_a_changed_role(tmp_path: Path) -> None:
    """The comparison above is not blind: a role number that moves makes the sets differ."""
    first = "T1\tProtein 0 3\tabc\nT2\tBinding 4 7\tdef\nT3\tEntity 8 9\tg\nE1\tBinding:T2 Theme:T1 Site2:T3\n"
    second = first.replace("Site2", "Site")
    assert _resolved(first) != _resolved(second)


def test_new_annotations_get_ids_after_the_kept_ones(data: Path, tmp_path: Path) -> None:
    from annotator.model.annotations import Span, SpanAnnotation
    from annotator.model.changes import Change

    store = ProjectStore.memory()
    assert import_paths(store, [data / "brat-news" / "060-relation_annotation.txt"], layer_name="c").ok
    layer = store.layer("c")
    document = next(iter(store.documents()))
    store.apply(layer.id, document.id, [Change(None, SpanAnnotation(Span(0, 4, "Misc")))])  # type: ignore[union-attr, arg-type]
    export_layer(store, "brat", tmp_path / "out", layer="c")
    lines = _lines((tmp_path / "out" / "060-relation_annotation.ann").read_text(encoding="utf-8"))
    original = _lines((data / "brat-news" / "060-relation_annotation.ann").read_text(encoding="utf-8"))
    assert lines - original == {f"T11\tMisc 0 4\t{document.text[0:4]}"}
    assert original <= lines
