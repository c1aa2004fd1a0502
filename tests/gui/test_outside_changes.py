"""Outside writes (the suggester's process, another window) refresh what they change, cheaply.

While the suggester writes into a 100,000-document project the window looks for outside
changes every second; what it does then runs on the GUI thread, so it must not parse the
schema again or repaint the article when neither changed (bench_gui_responsive.py --trace).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from annotator.model.layer import DocStatus, LayerKind
from annotator.model.schema import EntityLabel, LabelSchema
from annotator.store.project import ProjectStore


def test_an_outside_write_to_another_document_parses_no_schema_and_repaints_no_article(
    qtbot, make_window, gui_project: Path, monkeypatch
) -> None:
    window = make_window(gui_project, worker=None)
    current = window.session.current.id
    other = next(row.id for row in window.list_panel.model.rows if row.id != current)
    window._check_external()
    parsed: list[object] = []
    original = LabelSchema.from_dict
    monkeypatch.setattr(LabelSchema, "from_dict", lambda *a, **k: parsed.append(a) or original(*a, **k))
    updates: list[object] = []
    # The arcs are painted by the article (issue 23): no repaint of its viewport for nothing.
    monkeypatch.setattr(window.view.viewport(), "update", lambda *a: updates.append(a))
    total = len(window.store.document_ids())
    with ProjectStore.open(gui_project) as outside:  # another process marks another document done
        layer = outside.ensure_layer("alice", LayerKind.ANNOTATOR)
        outside.set_status(layer.id, other, DocStatus.DONE)  # type: ignore[arg-type]
    window._check_external()
    assert window.status.progress_label.text() == f"Done: 1 / {total}"  # the change still shows
    assert parsed == [] and updates == []
    assert window.session.current.id == current


def test_an_outside_schema_change_still_shows(qtbot, make_window, gui_project: Path) -> None:
    window = make_window(gui_project, worker=None)
    window._check_external()
    with ProjectStore.open(gui_project) as outside:
        schema = outside.schema()
        outside.set_schema(replace(schema, entities=schema.entities + (EntityLabel("VEHICLE", "#123456"),)))
    window._check_external()
    assert "VEHICLE" in [label.name for label in window.session.schema.entities]
