"""Where projects live: the default project in the user data folder, new and existing projects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.store.database import StoreError
from annotator.app.workspace import create_project, default_project_path, open_project


def test_default_project_honours_xdg_and_is_created_once_with_the_seeds() -> None:
    path = default_project_path()
    assert path == Path(os.environ["XDG_DATA_HOME"]) / "annotator" / "project.db"
    with open_project() as store:
        assert store.count_documents() == 2
        assert store.schema() is not None
    assert not path.with_name("project.db.partial").exists()
    with open_project() as store:
        assert store.count_documents() == 2


def test_named_projects(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no project at"):
        open_project(tmp_path / "x.db", create=False)
    with open_project(tmp_path / "x.db") as store:
        assert store.count_documents() == 0 and store.schema() is not None
    with pytest.raises(StoreError, match="already exists"):
        create_project(tmp_path / "x.db")
