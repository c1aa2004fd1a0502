"""Suggestion confidence in the window: the Selection panel shows it; the list sorts least confident first."""

from __future__ import annotations

from pathlib import Path

from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.project import ProjectStore

FAKE_LAYER = "spacy:fake-1.0"  # the stand-in suggester's layer (tests/gui/conftest.py)


def _suggest_with_scores(path: Path, scores: list[float | None]) -> list[int]:
    """An event suggestion on the first word of each document, scored ``scores[n]``; the layer is
    marked done for each, so the stand-in suggester leaves it as it is."""
    provenance = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester=FAKE_LAYER)
    with ProjectStore.open(path) as store:
        ids = store.document_ids()
        layer = store.ensure_layer(FAKE_LAYER, LayerKind.SUGGESTIONS)
        for document_id, score in zip(ids, scores):
            event = Event(Span(0, 4, "Conflict:Attack"), (), f"e{document_id}", provenance, confidence=score)
            store.replace_annotations(layer.id, document_id, AnnotationSet((), (event,)))
            store.set_status(layer.id, document_id, DocStatus.DONE)
    return ids


def test_least_confident_first_in_the_list_and_the_score_in_the_selection_panel(qtbot, make_window, gui_project: Path) -> None:
    with ProjectStore.open(gui_project) as store:
        count = len(store.document_ids())
    assert count >= 2
    scores: list[float | None] = [None] + [round(0.9 - 0.2 * n, 2) for n in range(count - 1)]
    ids = _suggest_with_scores(gui_project, scores)
    window = make_window(gui_project)
    panel = window.list_panel
    assert [r.id for r in panel.model.rows] == ids  # import order to begin with
    panel.order.setCurrentIndex(panel.order.findData("least_confident"))
    # The least sure document first, the unscored one last.
    expected = sorted(ids[1:], key=lambda i: scores[ids.index(i)]) + [ids[0]]
    assert [r.id for r in panel.model.rows] == expected
    assert panel.model.rows[0].confidence == min(s for s in scores if s is not None)
    # Open the least sure document and select its suggestion: the panel shows the model's confidence.
    target = expected[0]
    window.open_document(target)
    qtbot.waitUntil(lambda: bool(window.session.current.pending.events), timeout=5000)
    window.editor.select(f"e{target}")
    details = window.side.details.text()
    assert "model confidence" in details and f"{scores[ids.index(target)]:.0%}" in details
    # "Next" follows the list's order.
    window.actions_by_id["next_document"].trigger()
    assert window.session.current.id == expected[1]
