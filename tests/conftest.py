"""Shared test set-up: no display, no user folders touched, the sample files at hand."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Set before anything imports Qt: CI has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own XDG folders, so the real default project is never touched."""
    home = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.delenv("ANNOTATOR_ANNOTATOR", raising=False)


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def seeds() -> Path:
    return REPO / "seeds"


@pytest.fixture
def store():
    from annotator.formats.schema_toml import default_schema
    from annotator.store.project import ProjectStore

    project = ProjectStore.memory()
    project.set_schema(default_schema())
    yield project
    project.close()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def brat_dir(tmp_path: Path) -> Path:
    """A writable copy of the brat samples."""
    target = tmp_path / "brat-news"
    shutil.copytree(DATA / "brat-news", target)
    return target


# -- tests marked `packaging` build the bundled app (minutes): only when asked ------------------

PACKAGING_VARIABLE = "ANNOTATOR_PACKAGING_TESTS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--packaging", action="store_true", help="Also run the tests marked packaging (they build the app).")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--packaging") or os.environ.get(PACKAGING_VARIABLE) == "1":
        return
    skip = pytest.mark.skip(reason=f"builds the bundled app: run with --packaging or {PACKAGING_VARIABLE}=1")
    for item in items:
        if "packaging" in item.keywords:
            item.add_marker(skip)
