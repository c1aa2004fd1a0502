"""Files that ship with the app: the default schema, the trigger lexicon, icons, the sample articles.

They live in the top-level ``resources/`` and ``seeds/`` folders, which the build installs as
``annotator.resources`` and ``annotator.seeds``; from a source checkout they are read in place.
"""

from __future__ import annotations

import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]  # annotator/app/bundled.py -> the checkout


def _folder(package: str, folder: str) -> Traversable:
    try:
        return importlib.resources.files(f"annotator.{package}")
    except ModuleNotFoundError:
        # Running from a source checkout that was never installed.
        return _CHECKOUT / folder


def resource(name: str) -> Traversable:
    """A bundled resource file, e.g. ``resource("schema.toml")``."""
    return _folder("resources", "resources") / name


def resource_text(name: str) -> str:
    return resource(name).read_text(encoding="utf-8")


def seed_files() -> list[Traversable]:
    """The bundled sample articles, in name order."""
    folder = _folder("seeds", "seeds")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
