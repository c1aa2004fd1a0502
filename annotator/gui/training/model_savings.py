"""The training result's "what the model saves" panel: decisions on a model's suggestions and working time.

Shows, for the model the analysts have been working with (the one stored before the new one; the
new one itself when it is the first), how many of its suggestions were accepted unedited,
corrected and rejected per entity label and event type, the analysts' working time per document
since it was made and before (pauses over 5 minutes left out), next to its held-out F1. The
figures come from :func:`annotator.store.model_usage.usage_before`; this module only shows them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGroupBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

MEASURES = (("spans_exact", "entities"), ("event_triggers", "triggers"), ("event_arguments", "arguments"))


class ModelSavings(QGroupBox):
    """A table of accepted / corrected / rejected per label and type, and a line of working time."""

    def __init__(self, found: tuple[str, dict, Any] | None, parent: QWidget | None = None):
        super().__init__("What the model saves", parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["label or event type", "accepted unedited", "corrected", "rejected"])
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table)
        if found is None:
            self.summary.setText("No stored model yet.")
            self.table.hide()
            return
        name, scores, usage = found
        trained = scores.get("trained", {})
        f1 = ", ".join(f"{title} {trained.get(key, 0):.2f}" for key, title in MEASURES)
        total = usage.total
        lines = [
            f"<b>{name}</b> (held-out F1: {f1}): since it was made, analysts accepted {total.accepted} of its "
            f"suggestions unedited, corrected {total.corrected} and rejected {total.rejected}."
        ]
        minutes = usage.idle_seconds // 60
        for title, time in (("since it was made", usage.time_since), ("before", usage.time_before)):
            if time.documents:
                lines.append(
                    f"Working time per document {title}: median {time.median_seconds / 60:.1f} min "
                    f"over {time.documents} document(s)."
                )
        lines.append(f"(Pauses over {minutes} minutes between edits are not counted as working time.)")
        self.summary.setText("<br>".join(lines))
        rows = usage.rows()
        self.table.setRowCount(len(rows))
        for row, (title, outcome) in enumerate(rows):
            for column, value in enumerate((title, outcome.accepted, outcome.corrected, outcome.rejected)):
                self.table.setItem(row, column, QTableWidgetItem(str(value)))
        self.table.resizeColumnsToContents()
        if not rows:
            self.table.hide()


def savings_panel(report: Any, window: Any) -> ModelSavings:
    """The panel for a training ``report`` shown over ``window`` (its ``store`` gives the figures)."""
    from annotator.store.model_usage import usage_before

    store = getattr(window, "store", None)
    found = usage_before(store, report.model.name if report.model else None) if store is not None else None
    return ModelSavings(found)
