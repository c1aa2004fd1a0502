"""Relation disagreements in the review window: shown like spans and events, decided with the
version keys into gold (issue 10)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from test_review_mode import gold

from annotator.formats.importer import import_paths
from annotator.app.workspace import create_project


def test_relation_disagreement_is_decided_into_gold(qtbot, make_window, tmp_path: Path, data: Path) -> None:
    stem = "060-relation_annotation"
    for name, relation in (("alice", "Located"), ("bob", "Employment")):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(data / "brat-news" / f"{stem}.txt", folder / f"{stem}.txt")
        ann = (data / "brat-news" / f"{stem}.ann").read_text(encoding="utf-8")
        (folder / f"{stem}.ann").write_text(ann.replace("R1\tLocated", f"R1\t{relation}"), encoding="utf-8")
    path = tmp_path / "team.db"
    with create_project(path) as store:
        for name in ("alice", "bob"):
            assert import_paths(store, [tmp_path / name], layer_name=name).ok
    window = make_window(path, annotator="rita", worker=None)
    window.review.start(["alice", "bob"])
    qtbot.waitUntil(lambda: bool(window.review.items), timeout=10000)
    document = window.session.current.id
    relation_items = [item for item in window.review.items if item.kind == "relation"]
    assert [item.agreed for item in relation_items] == [False, True]  # R1 differs, the Alias group agrees
    assert "Located" in relation_items[0].describe() and "Employment" in relation_items[0].describe()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    _, item = window.review.current_item()
    assert item.kind == "relation"  # the only disagreement
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    held = gold(path, document)
    assert [(r.type, r.provenance.author) for r in held.relations] == [("Employment", "rita")]
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    held = gold(path, document)
    assert sorted(r.type for r in held.relations) == ["Alias", "Employment"]
    window.relations.refresh("annotations")
    assert window.relations.list.count() == 2
