"""The agreement panel: pairwise figures in a table and a bar chart of exact-span F1 per label.

The figures come from :func:`annotator.review.agreement.project_agreement`, computed in a
thread with its own connection; the chart is painted here (grouped bars, one group per label,
one bar per pair of annotators), so no charting add-on is needed.
"""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QDialog, QLabel, QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from annotator.gui.background import TaskThread
from annotator.store.project import ProjectStore

PAIR_COLOURS = ("#4363d8", "#f58231", "#3cb44b", "#911eb4", "#e6194b", "#42d4f4", "#bcbd22", "#808080")
FIGURES = ("span_f1_exact", "span_f1_overlap", "token_kappa", "event_trigger_f1", "event_argument_f1", "relation_f1")


class LabelBarChart(QWidget):
    """Grouped bars: for each label, each pair's exact-span F1 (0 to 1)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agreement_chart")
        self.labels: list[str] = []
        self.pairs: list[str] = []
        self.values: dict[tuple[str, str], float] = {}
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_report(self, report: Mapping[str, Any]) -> None:
        self.pairs = [f"{p['a']} / {p['b']}" for p in report["pairs"]]
        labels: set[str] = set()
        self.values = {}
        for name, pair in zip(self.pairs, report["pairs"]):
            for label, scores in pair["per_label"].items():
                labels.add(label)
                self.values[(label, name)] = float(scores["span_f1_exact"])
        self.labels = sorted(labels)
        self.update()

    def bars(self) -> list[tuple[str, str, float, QRectF]]:
        """``(label, pair, value, rectangle)`` of every bar, as painted (also for tests)."""
        if not self.labels or not self.pairs:
            return []
        left, top, bottom = 40.0, 24.0, 40.0
        width = max(1.0, self.width() - left - 10)
        height = max(1.0, self.height() - top - bottom)
        group = width / len(self.labels)
        bar = max(2.0, group * 0.8 / len(self.pairs))
        out = []
        for i, label in enumerate(self.labels):
            for j, pair in enumerate(self.pairs):
                value = self.values.get((label, pair), 0.0)
                x = left + i * group + group * 0.1 + j * bar
                out.append((label, pair, value, QRectF(x, top + height * (1 - value), bar - 1, height * value)))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        if not self.labels:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No labels to compare yet.")
            return
        left, top, bottom = 40.0, 24.0, 40.0
        height = self.height() - top - bottom
        painter.setPen(QColor("#999999"))
        for tick in (0.0, 0.5, 1.0):
            y = top + height * (1 - tick)
            painter.drawLine(int(left), int(y), self.width() - 10, int(y))
            painter.drawText(QRectF(0, y - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight, f"{tick:.1f}")
        for label, pair, value, rect in self.bars():
            painter.fillRect(rect, QColor(PAIR_COLOURS[self.pairs.index(pair) % len(PAIR_COLOURS)]))
        metrics = QFontMetricsF(self.font())
        group = (self.width() - left - 10) / len(self.labels)
        painter.setPen(QColor("black"))
        for i, label in enumerate(self.labels):
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, group - 2)
            painter.drawText(QRectF(left + i * group, top + height + 4, group, 16), Qt.AlignmentFlag.AlignHCenter, text)
        x = left
        for j, pair in enumerate(self.pairs):
            painter.fillRect(QRectF(x, 4, 10, 10), QColor(PAIR_COLOURS[j % len(PAIR_COLOURS)]))
            painter.drawText(QRectF(x + 14, 0, 200, 18), Qt.AlignmentFlag.AlignLeft, pair)
            x += 24 + metrics.horizontalAdvance(pair)


class AgreementDialog(QDialog):
    def __init__(self, store_path: Any, layers: list[str] | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agreement")
        self.setWindowTitle("Agreement")
        self.summary = QLabel("Computing agreement…")
        self.table = QTableWidget(0, 2 + len(FIGURES))
        self.table.setObjectName("agreement_table")
        self.table.setHorizontalHeaderLabels(["A", "B", *FIGURES])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = LabelBarChart()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(QLabel("Exact-span F1 per label:"))
        layout.addWidget(self.chart, 1)
        self.resize(900, 640)
        self.report: dict[str, Any] | None = None

        def work(progress: Any, should_stop: Any) -> dict[str, Any]:
            from annotator.review.agreement import project_agreement

            with ProjectStore.open(store_path) as store:
                return project_agreement(store, layers)

        self.task = TaskThread(work, self)
        self.task.succeeded.connect(self.show_report)
        self.task.failed.connect(lambda message: self.summary.setText(f"Agreement cannot be computed: {message}"))
        self.task.start()

    def show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        alpha = report.get("krippendorff_alpha_tokens")
        self.summary.setText(
            f"Annotators: {', '.join(report['annotators'])} · documents all of them annotated: {report['documents']}"
            + (f" · Krippendorff's alpha (tokens): {alpha:.3f}" if isinstance(alpha, float) else "")
        )
        self.table.setRowCount(len(report["pairs"]))
        for row, pair in enumerate(report["pairs"]):
            cells = [pair["a"], pair["b"]] + [f"{pair[f]:.3f}" if isinstance(pair.get(f), float) else str(pair.get(f)) for f in FIGURES]
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.chart.set_report(report)
