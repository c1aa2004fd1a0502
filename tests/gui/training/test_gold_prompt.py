"""Review: taking a version that calls a gold span's characters something else asks to relabel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project

TEXT = "Rebels attacked Kabul and killed ten people; officials met in Doha."


@pytest.fixture
def clash(tmp_path: Path) -> Path:
    """alice: "Kabul" GPE; bob: an attack whose Target "Kabul" is PERSON (the issue's "Google")."""
    path = tmp_path / "clash.db"
    with create_project(path) as store:
        doc = store.add_document(Document(TEXT), None)
        alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
        bob = store.ensure_layer("bob", LayerKind.ANNOTATOR)
        store.add_annotations(alice.id, doc, AnnotationSet((SpanAnnotation(Span(16, 21, "GPE")),)))  # type: ignore[arg-type]
        store.add_annotations(bob.id, doc, AnnotationSet((), (Event(Span(7, 15, "Conflict:Attack"), (Argument("Target", Span(16, 21, "PERSON")),)),)))  # type: ignore[arg-type]
    return path


def _answer(button: str, seen: list) -> None:
    def click() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "gold_conflict":
            QTimer.singleShot(20, click)
            return
        seen.append(dialog.text())
        next(b for b in dialog.buttons() if b.objectName() == button).click()

    QTimer.singleShot(0, click)


def _take(qtbot, window, kind: str, number: int) -> None:
    index = next(i for i, item in enumerate(window.review.items) if item.kind == kind and not item.decided)
    window.review.select_item(f"item:{index}")
    window.review.take(number)


def _gold(path: Path) -> AnnotationSet:
    with ProjectStore.open(path) as store:
        layer = store.layer("gold")
        return store.annotations(layer.id, store.document_ids()[0])  # type: ignore[union-attr,arg-type]


@pytest.mark.parametrize(("button", "label"), [("relabel_others", "GPE"), ("relabel_taken", "PERSON")])
def test_taking_a_clashing_version_asks_and_relabels_gold_consistently(qtbot, make_window, clash: Path, button: str, label: str) -> None:
    window = make_window(clash, annotator="rita", worker=None)
    window.review.start(["alice", "bob"])
    qtbot.waitUntil(lambda: bool(window.review.items), timeout=10000)
    _take(qtbot, window, "event", 2)  # bob's event: its Target "Kabul" is PERSON; no clash yet
    seen: list[str] = []
    _answer(button, seen)
    _take(qtbot, window, "span", 1)  # alice's span "Kabul" GPE
    assert seen and "'Kabul' (16-21) is GPE in the version taken but PERSON" in seen[0]
    gold = _gold(clash)
    assert [a.label for a in gold.spans if not a.provenance.is_rejected] == [label]
    assert [a.span.label for e in gold.events for a in e.arguments] == [label]


def test_keep_both_leaves_gold_as_taken(qtbot, make_window, clash: Path) -> None:
    window = make_window(clash, annotator="rita", worker=None)
    window.review.start(["alice", "bob"])
    qtbot.waitUntil(lambda: bool(window.review.items), timeout=10000)
    _take(qtbot, window, "span", 1)
    seen: list[str] = []
    _answer("keep_both", seen)
    _take(qtbot, window, "event", 2)
    assert seen and "is PERSON in the version taken but GPE" in seen[0]
    gold = _gold(clash)
    assert [a.label for a in gold.spans] == ["GPE"] and [a.span.label for e in gold.events for a in e.arguments] == ["PERSON"]
