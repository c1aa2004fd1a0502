"""Agreement of a team where each document has K of N analysts: pairs over what each pair shares."""

from __future__ import annotations

from pathlib import Path

from annotator.model.annotations import Span, SpanAnnotation
from annotator.model.changes import Change
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.review.agreement import agreement_counter, project_agreement
from annotator.review.team_agreement import team_agreement
from annotator.store.project import ProjectStore


def _span(store: ProjectStore, layer: str, document: int, start: int, end: int, label: str) -> None:
    target = store.ensure_layer(layer, LayerKind.ANNOTATOR)
    store.apply(target.id, document, [Change(None, SpanAnnotation(Span(start, end, label)))])  # type: ignore[arg-type]


def test_pairs_over_shared_documents_when_no_document_has_everyone(tmp_path: Path) -> None:
    with ProjectStore.open(tmp_path / "p.db") as store:
        with store.transaction():
            ids = [store.add_document(Document(f"Acme Corp hired Maria Lopez in Lyon, report {i}."), None) for i in range(3)]
        # Each document held by two of three analysts: a+b, b+c, a+c.
        _span(store, "a", ids[0], 0, 9, "ORG")
        _span(store, "b", ids[0], 0, 9, "ORG")
        _span(store, "b", ids[1], 0, 9, "ORG")
        _span(store, "c", ids[1], 0, 9, "PERSON")
        _span(store, "a", ids[2], 16, 27, "PERSON")
        _span(store, "c", ids[2], 16, 27, "PERSON")
        _span(store, "c", ids[2], 31, 35, "GPE")
        assert project_agreement(store, ["a", "b", "c"])["documents"] == 0  # why the team view does not use it
        result = team_agreement(store, ["a", "b", "c", "nobody"])
        assert result.missing == ["nobody"] and result.unshared == []
        pairs = {(p["a"], p["b"]): p for p in result.pairs}
        assert {k: (p["documents"], p["span_f1_exact"]) for k, p in pairs.items()} == {
            ("a", "b"): (1, 1.0),
            ("a", "c"): (1, 2 * 1 / (1 + 2)),
            ("b", "c"): (1, 0.0),
        }
        # Each pair's figures are what the pair compared alone gives; alpha is the three together.
        assert pairs[("a", "c")]["token_kappa"] == agreement_counter(store, ["a", "c"]).to_dict()["pairs"][0]["token_kappa"]
        assert result.alpha == project_agreement(store, ["a", "b", "c"])["krippendorff_alpha_tokens"]
        assert result.alpha_documents == 3


def test_fewer_than_two_layers_with_work_gives_no_figures(tmp_path: Path) -> None:
    with ProjectStore.open(tmp_path / "p.db") as store:
        with store.transaction():
            store.add_document(Document("Acme Corp hired Maria Lopez."), None)
        _span(store, "a", store.document_ids()[0], 0, 9, "ORG")
        store.ensure_layer("b", LayerKind.ANNOTATOR)  # a layer with nothing in it: nothing synced yet
        result = team_agreement(store, ["a", "b"])
        assert (result.annotators, result.missing, result.alpha, result.pairs) == (["a"], ["b"], None, [])
