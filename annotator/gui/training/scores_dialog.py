"""The training result: held-out F1 of the new model beside the untrained one, and the analyst's choice.

:class:`ScoresDialog` charts trained vs untrained F1 with example counts, says which is better, and
offers to use the new model and re-suggest the documents the analyst has not marked done, or to keep
what suggested before (the default button keeps the better one).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

TRAINED_COLOR = QColor("#2f6fb0")
UNTRAINED_COLOR = QColor("#b0b0b0")
MAX_ROWS = 40


def chart_rows(report: Any) -> list[tuple[str, float, float]]:
    """``(title, trained F1, untrained F1)``: the three measures, then each label and event type the gold has."""
    trained, untrained = report.trained, report.untrained
    rows = [
        ("entities", trained["spans_exact"]["f1"], untrained["spans_exact"]["f1"]),
        ("event triggers", trained["event_triggers"]["f1"], untrained["event_triggers"]["f1"]),
        ("event arguments", trained["event_arguments"]["f1"], untrained["event_arguments"]["f1"]),
    ]
    for label, scores in trained["per_label"].items():
        if scores["spans_exact"]["gold"]:
            other = untrained["per_label"].get(label, {}).get("spans_exact", {}).get("f1", 0.0)
            rows.append((f"  {label}", scores["spans_exact"]["f1"], other))
    for kind, scores in trained["per_event_type"].items():
        if scores["event_triggers"]["gold"]:
            other = untrained["per_event_type"].get(kind, {}).get("event_triggers", {}).get("f1", 0.0)
            rows.append((f"  {kind} (trigger)", scores["event_triggers"]["f1"], other))
    return rows[:MAX_ROWS]


class ScoreChart(QWidget):
    """Horizontal bars: trained (blue) above untrained (grey) F1 for each row."""

    ROW = 30

    def __init__(self, rows: list[tuple[str, float, float]], parent: QWidget | None = None, examples: list[int] | None = None):
        super().__init__(parent)
        self.rows = rows
        self.examples = examples or []
        """Gold examples of each row (shown as "n=…" after its title)."""
        self.setMinimumSize(520, self.ROW * len(rows) + 30)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        label_width = 200
        width = max(50, self.width() - label_width - 60)
        painter.setPen(Qt.GlobalColor.black)
        painter.drawText(QRectF(label_width, 0, width, 20), Qt.AlignmentFlag.AlignLeft, "held-out F1: trained (blue), untrained (grey); n: gold examples")
        for n, (title, trained, untrained) in enumerate(self.rows):
            top = 24 + n * self.ROW
            painter.setPen(Qt.GlobalColor.black)
            if n < len(self.examples):
                title = f"{title}  n={self.examples[n]}"
            painter.drawText(QRectF(0, top, label_width - 8, self.ROW - 4), Qt.AlignmentFlag.AlignVCenter, metrics.elidedText(title, Qt.TextElideMode.ElideRight, label_width - 8))
            for k, (value, color) in enumerate(((trained, TRAINED_COLOR), (untrained, UNTRAINED_COLOR))):
                bar = QRectF(label_width, top + 2 + k * 12, max(1.0, width * value), 10)
                painter.fillRect(bar, color)
                painter.drawText(QRectF(label_width + width * value + 4, top + k * 12, 50, 14), Qt.AlignmentFlag.AlignVCenter, f"{value:.2f}")
        painter.end()


class ScoresDialog(QDialog):
    """The scores of a finished training, which model is better, and the choice of suggester.

    The default button keeps the better one: "Use the new model and re-suggest" when the new
    model measured better, "Keep …" when it measured worse (then it is stored, not adopted)."""

    resuggest_requested = Signal()
    keep_requested = Signal()

    def __init__(self, report: Any, parent: QWidget | None = None, verdict: Any = None, adopted: bool = True):
        super().__init__(parent)
        name = report.model.name if report.model else "model"
        self.setWindowTitle(f"Trained {name}")
        layout = QVBoxLayout(self)
        self.layout_ = layout
        folds = report.trained["documents"]
        layout.addWidget(QLabel(
            f"Trained from layer <b>{report.layer}</b> ({report.documents} documents, status {report.status}) in {report.seconds:.0f} s. "
            f"Scores are on held-out documents ({folds} in all, cross-validated), trained vs the untrained suggester; "
            "n: gold examples on those documents."
        ))
        self.verdict = verdict
        self.verdict_label = QLabel(verdict.sentence(name) if verdict is not None else "")
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.setWordWrap(True)
        if verdict is not None:
            if verdict.baseline != "the untrained suggester":
                self.verdict_label.setText(
                    self.verdict_label.text() + f" ({verdict.baseline}'s figures are from its own held-out documents.)"
                )
            layout.addWidget(self.verdict_label)
        self.chart = ScoreChart(chart_rows(report), examples=example_counts(report))
        scroll = QScrollArea()
        scroll.setWidget(self.chart)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll)
        from annotator.gui.training.model_savings import savings_panel  # issue 19: what the model saves

        layout.addWidget(savings_panel(report, parent))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.resuggest_button = QPushButton(f"Use {name} and re-suggest documents not done")
        self.resuggest_button.setObjectName("use_new")
        self.resuggest_button.setToolTip("Suggest again, with the new model, for every document you have not marked done; your decisions stay as they are")
        baseline = verdict.baseline if verdict is not None else "the previous suggester"
        self.keep_button = QPushButton(f"Keep {baseline}")
        self.keep_button.setObjectName("keep_old")
        self.keep_button.setToolTip(f"{name} stays stored (annotator models --use adopts it later)")
        buttons.addButton(self.resuggest_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.resuggest_button.clicked.connect(self.resuggest_requested.emit)
        self.keep_button.clicked.connect(self.keep_requested.emit)
        better_new = verdict.new_better if verdict is not None else adopted
        default = self.resuggest_button if better_new else self.keep_button
        for button in (self.resuggest_button, self.keep_button):
            button.setAutoDefault(button is default)
        default.setDefault(True)
        self.default_button = default
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(680, 520)


def example_counts(report: Any) -> list[int]:
    """Gold examples behind each of :func:`chart_rows`' rows, in the same order."""
    trained = report.trained
    counts = [int(trained[m].get("gold", 0)) for m in ("spans_exact", "event_triggers", "event_arguments")]
    counts += [int(v["spans_exact"]["gold"]) for v in trained["per_label"].values() if v["spans_exact"]["gold"]]
    counts += [int(v["event_triggers"]["gold"]) for v in trained["per_event_type"].values() if v["event_triggers"]["gold"]]
    return counts[:MAX_ROWS]
