"""The agreement panel: readable headers, values and counts, "no data" apart from 0.0, jump, Close."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotator.formats.importer import import_paths
from annotator.gui.review.agreement_view import FIGURES, LabelBarChart
from annotator.review.agreement import agreement_counter
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


@pytest.fixture
def team_project(tmp_path: Path, data: Path) -> Path:
    path = tmp_path / "team.db"
    with create_project(path) as store:
        import_paths(store, [data / "review" / "alice.jsonl"], layer_name="alice")
        import_paths(store, [data / "review" / "bob.jsonl"], layer_name="bob")
    return path


def open_panel(qtbot, window):
    window.actions_by_id["agreement"].trigger()
    picker = window.chooser  # which annotators (all ticked but the reviewer's own)
    qtbot.waitUntil(picker.isVisible, timeout=2000)
    picker.accept()
    dialog = window.chooser
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    return dialog


def test_headers_are_readable_and_close_closes(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    dialog = open_panel(qtbot, window)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert not set(FIGURES) & set(headers) and not any("_" in h for h in headers)
    assert "Spans F1\n(exact)" in headers
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    assert close is not None and dialog.isVisible()
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_counts_on_bars_and_no_data_apart_from_zero(qtbot, team_project: Path) -> None:
    report = {
        "pairs": [
            {"a": "alice", "b": "bob", "per_label": {"ORG": {"span_f1_exact": 0.0}, "GPE": {"span_f1_exact": 0.5}}},
            {"a": "alice", "b": "carol", "per_label": {"GPE": {"span_f1_exact": 1.0}}},
        ]
    }
    counts = {("alice", "bob"): {"ORG": (3, 2, 0), "GPE": (2, 2, 1)}, ("alice", "carol"): {"GPE": (2, 2, 2)}}
    chart = LabelBarChart()
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    chart.set_report(report, counts)
    bars = {(label, pair): (value, rect) for label, pair, value, rect in chart.bars()}
    assert bars[("ORG", "alice / bob")][0] == 0.0 and bars[("ORG", "alice / bob")][1].height() == 0
    assert bars[("ORG", "alice / carol")][0] is None  # carol never used ORG: no data, not 0.0
    assert bars[("ORG", "alice / carol")][1].height() > 0  # drawn as a full "no data" box
    assert chart.counts[("ORG", "alice / bob")] == (3, 2, 0)
    chart.grab()  # paints the values, counts and "no data" without error


def test_the_counts_match_the_report(team_project: Path) -> None:
    with ProjectStore.open(team_project) as store:
        counter = agreement_counter(store, ["alice", "bob"])
    report, counts = counter.to_dict(), counter.label_counts()
    for label, scores in report["pairs"][0]["per_label"].items():
        a, b, both = counts[("alice", "bob")][label]
        assert scores["span_f1_exact"] == pytest.approx(2 * both / (a + b) if a + b else 1.0)


def test_a_labels_bar_leads_to_its_disagreements(qtbot, make_window, team_project: Path) -> None:
    window = make_window(team_project, annotator="rita", worker=None)
    dialog = open_panel(qtbot, window)
    chart = dialog.chart
    chart.resize(800, 320)
    label, _, _, rect = next(bar for bar in chart.bars() if bar[2] is not None and bar[2] < 1.0)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert not dialog.isVisible()
    assert window.review.active and window.review.label_filter == label
    qtbot.waitUntil(lambda: bool(window.review.items) and window.review.queue.rowCount() > 0, timeout=10000)
    window.review.next_disagreement(1, after=-1)
    found = window.review.current_item()
    assert found is not None
    labels = {getattr(a, "label", None) or a.type for version in found[1].versions.values() for a in version}
    assert label in labels


def test_agreement_asks_which_annotators_and_leaves_the_reviewer_unticked(qtbot, make_window, tmp_path: Path, data: Path) -> None:
    """Issue 23 item 7: the reviewer's own spans must not join the comparison unasked."""
    path = tmp_path / "three.db"
    with create_project(path) as store:
        for name in ("alice", "bob", "rita"):  # rita, the reviewer, has a layer of her own
            import_paths(store, [data / "review" / f"{'bob' if name == 'rita' else name}.jsonl"], layer_name=name)
    window = make_window(path, annotator="rita", worker=None)
    window.actions_by_id["agreement"].trigger()
    picker = window.chooser
    qtbot.waitUntil(picker.isVisible, timeout=2000)
    assert {box.text(): box.isChecked() for box in picker.boxes} == {"alice": True, "bob": True, "rita": False}
    picker.accept()
    dialog = window.chooser
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert dialog.report["annotators"] == ["alice", "bob"]
    with ProjectStore.open(path) as store:
        assert dialog.report["pairs"] == agreement_counter(store, ["alice", "bob"]).to_dict()["pairs"]
    dialog.reject()
    # Start review asks the same way.
    from annotator.gui.review.review_mode import LayerPicker

    start = LayerPicker(["alice", "bob", "rita"], window, unticked="rita")
    qtbot.addWidget(start)
    assert start.chosen() == ["alice", "bob"]


def test_values_are_upright_on_wide_bars_and_long_labels_are_not_cut(qtbot) -> None:
    """Issue 23 item 8: values were written at 90° even on wide bars, long labels elided."""
    from PySide6.QtGui import QFontMetricsF

    report = {"pairs": [{"a": "alice", "b": "bob", "per_label": {"WORK_OF_ART": {"span_f1_exact": 0.5}, "GPE": {"span_f1_exact": 1.0}}}]}
    chart = LabelBarChart()
    qtbot.addWidget(chart)
    chart.resize(700, 320)
    chart.set_report(report, {("alice", "bob"): {"GPE": (2, 2, 2), "WORK_OF_ART": (2, 2, 1)}})
    metrics = QFontMetricsF(chart.font())
    for _, _, value, rect in chart.bars():
        assert chart.upright(rect, [f"{value:.2f}", "1/2/2"], metrics)
    narrow = LabelBarChart.upright(QRectF(0, 0, 6, 100), ["0.50"], metrics)
    assert not narrow  # a thin bar still writes up its column
    chart.grab()  # paints without error
