"""The agreement panel: pairwise figures in a table and a bar chart of exact-span F1 per label.

Headers are readable names; each bar carries its value and the counts behind it; a label a pair
never used reads "no data", not 0.0; a click on a label's bars goes to its disagreements in
review; Close closes.

The figures come from :func:`annotator.review.agreement.project_agreement`, computed in a
thread with its own connection; the chart is painted here (grouped bars, one group per label,
one bar per pair of annotators), so no charting add-on is needed.
"""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.background import TaskThread
from annotator.app.workspace import connect

PAIR_COLOURS = ("#4363d8", "#f58231", "#3cb44b", "#911eb4", "#e6194b", "#42d4f4", "#bcbd22", "#808080")
FIGURES = ("span_f1_exact", "span_f1_overlap", "token_kappa", "event_trigger_f1", "event_argument_f1", "relation_f1")
FIGURE_NAMES = {
    "span_f1_exact": "Spans F1\n(exact)",
    "span_f1_overlap": "Spans F1\n(overlap)",
    "token_kappa": "Tokens\nCohen's κ",
    "event_trigger_f1": "Event triggers\nF1",
    "event_argument_f1": "Event arguments\nF1",
    "relation_f1": "Relations\nF1",
}
"""Readable column headers for the report's figures (the JSON keys stay as documented)."""

Counts = tuple[int, int, int]


class LabelBarChart(QWidget):
    """Grouped bars: for each label, each pair's exact-span F1 (0 to 1), with the value and the
    counts it comes from written on the bar; a pair with no spans of a label shows "no data",
    not a bar of height 0. Clicking a label's bar asks to see its disagreements."""

    label_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agreement_chart")
        self.labels: list[str] = []
        self.pairs: list[str] = []
        self.values: dict[tuple[str, str], float] = {}
        self.counts: dict[tuple[str, str], Counts] = {}
        self.setMinimumHeight(300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setToolTip("Click a label's bars to go to its disagreements in review")

    def set_report(self, report: Mapping[str, Any], counts: Mapping[tuple[str, str], Mapping[str, Counts]] | None = None) -> None:
        self.pairs = [f"{p['a']} / {p['b']}" for p in report["pairs"]]
        labels: set[str] = set()
        self.values = {}
        self.counts = {}
        for name, pair in zip(self.pairs, report["pairs"]):
            for label, scores in pair["per_label"].items():
                labels.add(label)
                self.values[(label, name)] = float(scores["span_f1_exact"])
            for label, numbers in (counts or {}).get((pair["a"], pair["b"]), {}).items():
                self.counts[(label, name)] = tuple(numbers)  # type: ignore[assignment]
        self.labels = sorted(labels)
        self.update()

    def value(self, label: str, pair: str) -> float | None:
        """The pair's F1 for the label, or None: neither annotator used it (no data)."""
        return self.values.get((label, pair))

    def _frame(self) -> tuple[float, float, float, float]:
        left, top, bottom = 40.0, 24.0, 62.0  # room below for two lines of label and the note
        return left, top, max(1.0, self.width() - left - 10), max(1.0, self.height() - top - bottom)

    def bars(self) -> list[tuple[str, str, float | None, QRectF]]:
        """``(label, pair, value or None, rectangle)`` of every bar, as painted (also for tests);
        a missing value's rectangle is the full-height "no data" box."""
        if not self.labels or not self.pairs:
            return []
        left, top, width, height = self._frame()
        group = width / len(self.labels)
        bar = max(2.0, group * 0.8 / len(self.pairs))
        out = []
        for i, label in enumerate(self.labels):
            for j, pair in enumerate(self.pairs):
                value = self.value(label, pair)
                x = left + i * group + group * 0.1 + j * bar
                shown = 1.0 if value is None else value
                out.append((label, pair, value, QRectF(x, top + height * (1 - shown), bar - 1, height * shown)))
        return out

    def label_at(self, x: float, y: float) -> str | None:
        if not self.labels:
            return None
        left, top, width, height = self._frame()
        if not (left <= x < left + width and top <= y <= top + height + 40):
            return None
        return self.labels[min(len(self.labels) - 1, int((x - left) / (width / len(self.labels))))]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        label = self.label_at(event.position().x(), event.position().y())
        if label is not None and event.button() == Qt.MouseButton.LeftButton:
            self.label_clicked.emit(label)
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        palette = self.palette()
        ink = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if not self.labels:
            painter.setPen(ink)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No labels to compare yet.")
            return
        left, top, width, height = self._frame()
        painter.setPen(QColor("#999999"))
        for tick in (0.0, 0.5, 1.0):
            y = top + height * (1 - tick)
            painter.drawLine(int(left), int(y), int(left + width), int(y))
            painter.drawText(QRectF(0, y - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight, f"{tick:.1f}")
        small = painter.font()
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.8))
        painter.setFont(small)
        metrics = QFontMetricsF(small)
        for label, pair, value, rect in self.bars():
            colour = QColor(PAIR_COLOURS[self.pairs.index(pair) % len(PAIR_COLOURS)])
            counts = self.counts.get((label, pair))
            if value is None:
                # No data: an empty hatched box, never a bar of height 0 (which would read 0.0).
                hatch = QColor(colour)
                hatch.setAlpha(70)
                painter.fillRect(rect, QBrush(hatch, Qt.BrushStyle.BDiagPattern))
                painter.setPen(ink)
                if self.upright(rect, ["no data"], metrics):
                    painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, "no data")
                else:
                    self._vertical_text(painter, rect, "no data", metrics)
                continue
            painter.fillRect(rect, colour)
            lines = [f"{value:.2f}"] + ([f"{counts[2]}/{counts[0]}/{counts[1]}"] if counts else [])
            if self.upright(rect, lines, metrics):
                # Upright where the bar is wide enough: inside its top in white when it is tall
                # enough, else just above it.
                tall = rect.height() > metrics.height() * len(lines) + 6
                painter.setPen(QColor("white") if tall else ink)
                box_top = rect.top() + 2 if tall else rect.top() - metrics.height() * len(lines) - 2
                box = QRectF(rect.left(), box_top, rect.width(), metrics.height() * len(lines))
                painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, "\n".join(lines))
                continue
            text = "  ".join(lines)
            # White on the bar where the bar is tall enough to hold the text, else the ink colour.
            painter.setPen(QColor("white") if rect.height() > metrics.horizontalAdvance(text) + 6 else ink)
            self._vertical_text(painter, QRectF(rect.left(), top, rect.width(), height), text, metrics)
        painter.setFont(self.font())
        metrics = QFontMetricsF(self.font())
        group = width / len(self.labels)
        painter.setPen(ink)
        for i, label in enumerate(self.labels):
            # Wrapped onto a second line rather than cut (WORK_OF_ART has no space to wrap at).
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWrapAnywhere
            painter.drawText(QRectF(left + i * group, top + height + 3, group, 2 * metrics.height()), flags, label)
        note = "on each bar: F1, then matched/first/second annotator's spans of the label"
        painter.drawText(QRectF(left, top + height + 4 + 2 * metrics.height(), width, 18), Qt.AlignmentFlag.AlignLeft, note)
        x = left
        for j, pair in enumerate(self.pairs):
            painter.fillRect(QRectF(x, 4, 10, 10), QColor(PAIR_COLOURS[j % len(PAIR_COLOURS)]))
            painter.drawText(QRectF(x + 14, 0, metrics.horizontalAdvance(pair) + 8, 18), Qt.AlignmentFlag.AlignLeft, pair)
            x += 24 + metrics.horizontalAdvance(pair)

    @staticmethod
    def upright(rect: QRectF, lines: list[str], metrics: QFontMetricsF) -> bool:
        """Whether a bar's text is written upright (it fits the bar's width); else up its column."""
        return rect.width() >= max(metrics.horizontalAdvance(line) for line in lines) + 4

    @staticmethod
    def _vertical_text(painter: QPainter, rect: QRectF, text: str, metrics: QFontMetricsF) -> None:
        """Write ``text`` upwards along the bar's column, from its foot (readable on narrow bars)."""
        painter.save()
        painter.translate(rect.center().x() + metrics.ascent() / 2 - 1, rect.bottom() - 3)
        painter.rotate(-90)
        painter.drawText(0, 0, text)
        painter.restore()


class AgreementDialog(QDialog):
    label_chosen = Signal(str)
    """A label whose disagreements the user wants to see."""

    def __init__(self, store_path: Any, layers: list[str] | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agreement")
        self.setWindowTitle("Agreement")
        self.summary = QLabel("Computing agreement…")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 2 + len(FIGURES))
        self.table.setObjectName("agreement_table")
        self.table.setHorizontalHeaderLabels(["Annotator A", "Annotator B", *(FIGURE_NAMES[f] for f in FIGURES)])
        for column, figure in enumerate(FIGURES, start=2):
            self.table.horizontalHeaderItem(column).setToolTip(figure)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = LabelBarChart()
        self.chart.label_clicked.connect(self._label_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(QLabel("Exact-span F1 per label (click a label to review its disagreements):"))
        layout.addWidget(self.chart, 1)
        layout.addWidget(buttons)
        self.resize(960, 680)
        self.report: dict[str, Any] | None = None
        self.counts: dict[tuple[str, str], dict[str, Counts]] = {}

        def work(progress: Any, should_stop: Any) -> tuple[dict[str, Any], dict]:
            from annotator.review.agreement import agreement_counter

            with connect(store_path) as store:
                counter = agreement_counter(store, layers)
                return counter.to_dict(), counter.label_counts()

        self.task = TaskThread(work, self)
        self.task.succeeded.connect(lambda result: self.show_report(*result))
        self.task.failed.connect(lambda message: self.summary.setText(f"Agreement cannot be computed: {message}"))
        self.task.start()

    def _label_clicked(self, label: str) -> None:
        self.label_chosen.emit(label)
        self.accept()

    def show_report(self, report: dict[str, Any], counts: dict | None = None) -> None:
        self.report = report
        self.counts = counts or {}
        alpha = report.get("krippendorff_alpha_tokens")
        self.summary.setText(
            f"Annotators: {', '.join(report['annotators'])} · documents all of them annotated: {report['documents']}"
            + (f" · Krippendorff's alpha (tokens): {alpha:.3f}" if isinstance(alpha, float) else "")
        )
        self.table.setRowCount(len(report["pairs"]))
        for row, pair in enumerate(report["pairs"]):
            cells = [pair["a"], pair["b"]] + [f"{pair[f]:.3f}" if isinstance(pair.get(f), float) else "no data" for f in FIGURES]
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.chart.set_report(report, self.counts)
