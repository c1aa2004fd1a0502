"""Files that ship with the app: the default schema, the trigger lexicon, icons, the sample articles.

They live in the top-level ``resources/`` and ``seeds/`` folders, which the build installs as
``annotator.resources`` and ``annotator.seeds``; from a source checkout they are read in place.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path

from annotator.model.schema import LabelSchema

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


DEFAULT_SCHEMA_RESOURCE = "schema.toml"


def default_schema() -> LabelSchema:
    """The schema a new project gets: spaCy's English labels and the ACE 2005 event types."""
    return LabelSchema.from_dict(tomllib.loads(resource_text(DEFAULT_SCHEMA_RESOURCE)))


def seed_files() -> list[Traversable]:
    """The bundled sample articles, in name order."""
    folder = _folder("seeds", "seeds")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
