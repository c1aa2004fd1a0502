"""Starting the window: the Qt application, the analyst's name, the project, the suggester."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator import __version__
from annotator.gui.background import WorkerLike
from annotator.gui.desktop import apply_identity
from annotator.gui.dialogs import ask_annotator_name
from annotator.model.layer import check_layer_name

log = logging.getLogger(__name__)

NAME_SETTING = "annotator/name"
NAME_VARIABLE = "ANNOTATOR_ANNOTATOR"


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    app.setApplicationVersion(__version__)
    apply_identity(app)
    return app  # type: ignore[return-value]


def annotator_name(given: str | None, settings: QSettings) -> str | None:
    """``--annotator``, else ``ANNOTATOR_ANNOTATOR``, else the name kept in the settings."""
    from annotator.app.layers import annotator_name_problem

    for candidate in (given, os.environ.get(NAME_VARIABLE), settings.value(NAME_SETTING)):
        if candidate and annotator_name_problem(str(candidate)) is None:
            return check_layer_name(str(candidate))
    return None


def suggestion_worker(path: Path) -> WorkerLike | None:
    """The suggester's process for ``path``, or None when suggestions cannot run here."""
    try:
        from annotator.suggest.worker import SuggestionWorker
    except Exception:  # a broken spaCy install: the window works without suggestions
        log.exception("suggestions are unavailable")
        return None
    return SuggestionWorker(path)


def install_error_hook() -> None:
    """Unexpected errors in the window: log the traceback, tell the user in a sentence."""
    import traceback

    from annotator.app.workspace import log_dir

    def hook(kind: type[BaseException], error: BaseException, trace: object) -> None:
        path = log_dir() / "errors.log"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write("".join(traceback.format_exception(kind, error, trace)))  # type: ignore[arg-type]
        except OSError:
            pass
        log.error("unexpected error: %s", error)
        from annotator.store.database import translate

        known = translate(error)  # a busy, full or damaged project met outside an edit
        if known is not None and QApplication.instance() is not None:
            QMessageBox.warning(None, "annotator", str(known))
            return
        if QApplication.instance() is not None:
            QMessageBox.warning(
                None, "annotator",
                f"Something went wrong ({kind.__name__}: {error}).\nYour saved work is safe: every edit is "
                f"saved when made. Details are in {path}.",
            )

    sys.excepthook = hook


def run_gui(db: Path | None, annotator: str | None) -> int:
    from annotator.gui.hub.hub_panel import hub_user
    from annotator.gui.main_window import MainWindow
    from annotator.store.database import StoreError
    from annotator.app.workspace import open_project

    app = application()
    install_error_hook()
    settings = QSettings()
    name = annotator_name(annotator, settings)
    if name is None:
        name = ask_annotator_name()
        if name is None:
            return 1
        settings.setValue(NAME_SETTING, name)
    for attempt in range(2):
        try:
            store = open_project(db)
            name = hub_user(store) or name  # a project synced with a team hub works under its hub name
            window = MainWindow(store, name, suggestion_worker)
            break
        except Exception as error:  # noqa: BLE001 - a damaged file shows itself anywhere in here
            from annotator.gui.safety import offer_backup
            from annotator.store.database import DamagedError, translate
            from annotator.app.workspace import default_project_path

            known = error if isinstance(error, StoreError) else translate(error)
            if known is None:
                raise
            if isinstance(known, DamagedError) and attempt == 0 and offer_backup(db or default_project_path(), str(known)):
                continue  # restored: open it again
            QMessageBox.critical(None, "annotator", str(known))
            return 1
    window.show()
    return app.exec()
