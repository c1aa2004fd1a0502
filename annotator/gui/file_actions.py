"""The File and Tools menus: new and open project, import, export, suggestions for all documents.

Import and export run in a thread with their own connection to the project; suggestions run in
the suggestion worker's process. Each shows a progress dialog that can be cancelled, and the
window refreshes once when the work is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from annotator.app.change import Change
from annotator.gui.background import TaskThread
from annotator.gui.dialogs import ExportDialog
from annotator.store.database import StoreError
from annotator.app.workspace import connect

if TYPE_CHECKING:
    from annotator.gui.window_api import ProjectWindow


def _progress_dialog(window: ProjectWindow, title: str) -> QProgressDialog:
    dialog = QProgressDialog(title, "Cancel", 0, 0, window)
    dialog.setObjectName("progress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    return dialog


class FileActions:
    def __init__(self, window: ProjectWindow):
        self.window = window
        self.task: TaskThread | None = None
        self.dialog: QProgressDialog | None = None

    # -- projects ---------------------------------------------------------------------------

    def switch_project(self, path: Path, create: bool = False) -> bool:
        """Close the current project and open (or create) ``path`` in this window."""
        from annotator.app.workspace import create_project

        window = self.window
        try:
            store = create_project(path) if create else connect(path)
        except StoreError as error:
            QMessageBox.warning(window, "Cannot open project", str(error))
            return False
        from annotator.app.session import Session

        window.suggestions.stop()
        window.review.layers = []
        window.show_review_queue(False)
        old = window.session.store
        window.session = Session(store, window.session.annotator)
        window.session.subscribe(window.refresh)
        window.suggestions = window.start_suggestions()
        old.close()
        window.refresh(Change.PROJECT)
        window.reload_list()
        model = window.list_panel.model
        if model is not None and model.rows:
            window.open_document(model.rows[0].id)
        else:
            window.refresh(Change.DOCUMENT)
        window.say(f"Opened {path}")
        return True

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "New project", str(Path.home() / "project.db"), "Projects (*.db)")
        if path:
            self.switch_project(Path(path), create=True)

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", str(Path.home()), "Projects (*.db);;All files (*)")
        if path:
            self.switch_project(Path(path))

    # -- background tasks -------------------------------------------------------------------

    def _run(self, title: str, work: Any, done: Any) -> None:
        dialog = _progress_dialog(self.window, title)
        task = TaskThread(work, self.window)

        def progressed(phase: str, count: int, total: int) -> None:
            dialog.setLabelText(f"{title}: {phase} {count}" + (f" of {total}" if total else ""))
            dialog.setMaximum(total)
            dialog.setValue(min(count, total) if total else 0)

        def finished(result: object) -> None:
            dialog.reset()
            done(result)

        def failed(message: str) -> None:
            dialog.reset()
            QMessageBox.warning(self.window, title, message)

        task.progressed.connect(progressed)
        task.succeeded.connect(finished)
        task.failed.connect(failed)
        dialog.canceled.connect(task.cancel)
        self.task, self.dialog = task, dialog
        task.start()

    def import_files(self, paths: list[str] | None = None) -> None:
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(
                self.window, "Import files", str(Path.home()), "Articles and annotations (*.txt *.ann *.jsonl *.json *.ndjson);;All files (*)"
            )
        if not paths:
            return
        project, layer = self.window.session.store.path, "imported"

        def work(progress: Any, should_stop: Any) -> Any:
            from annotator.formats.importer import import_paths

            with connect(project) as store:  # type: ignore[arg-type]
                return import_paths(store, [Path(p) for p in paths], layer, progress=progress)

        self._run("Import", work, self._imported)

    def _imported(self, report: Any) -> None:
        window = self.window
        window.session.check_external_changes()
        window.reload_list()
        window.refresh(Change.PROJECT)
        lines = [f"Imported {report.documents_added} new document(s), {report.documents_existing} already there; "
                 f"{report.spans_added} span(s) and {report.events_added} event(s) into layer “{report.layer}”."]
        if report.schema_added:
            lines.append("Added to the schema: " + ", ".join(report.schema_added) + ".")
        if report.repeated:
            lines.append(f"{report.repeated} annotation(s) repeated for the same text were kept once.")
        if report.incomplete:
            lines.append(f"{report.incomplete} document(s) had annotations skipped: left in progress, not done.")
        if report.problems:
            lines.append(f"{report.problem_total:,} problem(s); these items were not imported:")
            lines.extend(f"• {p}" for p in report.problems[:30])
            if report.problem_total > 30:
                lines.append(f"… and {report.problem_total - 30:,} more")
        box = QMessageBox.warning if report.problems else QMessageBox.information
        box(window, "Import", "\n".join(lines))

    def export(self) -> None:
        window = self.window
        layers = window.session.store.layers()
        if not layers:
            QMessageBox.information(window, "Export", "There is nothing to export yet: no layer holds annotations.")
            return
        dialog = ExportDialog(layers, Path.home(), window)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        project = window.session.store.path

        def work(progress: Any, should_stop: Any) -> Any:
            from annotator.formats.exporter import export_layer

            with connect(project) as store:  # type: ignore[arg-type]
                return export_layer(
                    store, choice.fmt, choice.out, choice.layer, choice.status, choice.include_rejected,
                    progress=progress, should_stop=should_stop,
                )

        self._run("Export", work, lambda summary: QMessageBox.information(window, "Export", "\n".join(summary.lines())))

    # -- suggestions for everything ---------------------------------------------------------

    def suggest_all(self) -> None:
        window = self.window
        bridge = window.suggestions
        if not bridge.run_all():
            QMessageBox.warning(window, "Suggestions", f"Suggestions are unavailable: {bridge.error}")
            return
        dialog = _progress_dialog(window, "Suggesting")
        dialog.setLabelText("Suggesting entities and events for every document without suggestions…")

        seen = {"done": 0}

        def progressed(done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
            seen["done"] = done

        def finished() -> None:
            dialog.reset()
            done = seen["done"]
            window.say(f"Suggested for {done} document(s) that had no suggestions yet." if done else "Every document already had suggestions.")
            bridge.progressed.disconnect(progressed)
            bridge.finished.disconnect(finished)
            window.session.reload()
            window.reload_list()
            window.refresh(Change.PROJECT)

        bridge.progressed.connect(progressed)
        bridge.finished.connect(finished)
        dialog.canceled.connect(bridge.cancel)
        self.dialog = dialog
        dialog.show()
