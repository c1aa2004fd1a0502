"""Where projects live and how they come to be: the default project, new projects, opening one.

The default project sits in the user data folder (``platformdirs``, so ``XDG_DATA_HOME`` is
honoured on Linux) and is created on first use with the bundled sample articles imported.
"""

from __future__ import annotations

import importlib.resources
from contextlib import ExitStack
from pathlib import Path

import platformdirs

from annotator import __version__
from annotator.app.bundled import seed_files
from annotator.formats.importer import ImportReport, import_paths
from annotator.app.bundled import default_schema
from annotator.model.schema import LabelSchema
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore

APP_NAME = "annotator"
PROJECT_FILE = "project.db"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_project_path() -> Path:
    return data_dir() / PROJECT_FILE


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def create_project(path: str | Path, schema: LabelSchema | None = None) -> ProjectStore:
    """A new, empty project at ``path`` with ``schema`` (the default schema when None)."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise StoreError(f"{path} already exists; choose another file or remove it first")
    store = ProjectStore.open(path)
    with store.transaction():
        store.set_schema(schema or default_schema())
        store.set_setting("created_with", f"annotator {__version__}")
    return store


def import_seeds(store: ProjectStore) -> ImportReport:
    """Import the bundled sample articles (no annotations: they only bring text)."""
    with ExitStack() as stack:
        paths = [stack.enter_context(importlib.resources.as_file(f)) for f in seed_files()]
        return import_paths(store, paths)


def open_project(path: str | Path | None = None, create: bool = True) -> ProjectStore:
    """Open the project at ``path``, or the default project when ``path`` is None.

    A missing default project is created with the sample articles; a missing named project is
    created empty when ``create`` is true, and otherwise is an error.
    """
    if path is None:
        target = default_project_path()
        if not (target.exists() and target.stat().st_size > 0):
            # Built under a temporary name and renamed, so a crash never leaves half a default project.
            partial = target.with_name(target.name + ".partial")
            for leftover in (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm")):
                leftover.unlink(missing_ok=True)
            with create_project(partial) as store:
                import_seeds(store)
                store.checkpoint()
            partial.replace(target)
        return ProjectStore.open(target)
    target = Path(path).expanduser()
    if target.exists() and target.stat().st_size > 0:
        store = ProjectStore.open(target)
        if store.schema() is None and not store.read_only:
            store.set_schema(default_schema())
        return store
    if not create:
        raise StoreError(f"there is no project at {target}; make one with: annotator --db {target} init")
    return create_project(target)


def connect(path: str | Path) -> ProjectStore:
    """Another connection to an existing project file: work off the window's thread opens its own
    (a SQLite connection belongs to the thread that made it)."""
    return ProjectStore.open(path)
